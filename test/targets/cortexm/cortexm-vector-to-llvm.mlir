// RUN: strata-opt %s --strata-cortexm-vector-to-llvm --finalize-memref-to-llvm=index-bitwidth=32 --convert-arith-to-llvm=index-bitwidth=32 --convert-func-to-llvm=index-bitwidth=32 --reconcile-unrealized-casts | FileCheck %s

// A vector load, FMA and store at a run-time offset: every address is
// computed in i32, and no cast between index widths is left over (upstream
// convert-vector-to-llvm converts the offset at 64 bits and leaves
// unrealized_conversion_casts that the LLVM translation rejects).
// CHECK-LABEL: llvm.func @axpy
// CHECK-SAME: (%{{.+}}: !llvm.ptr, %{{.+}}: !llvm.ptr, %{{.+}}: i32, %{{.+}}: i32, %{{.+}}: i32, %[[I:[a-z0-9]+]]: i32,
// CHECK: %[[P:.+]] = llvm.getelementptr %{{.+}}[%[[I]]] : (!llvm.ptr, i32) -> !llvm.ptr, f32
// CHECK: %[[V:.+]] = llvm.load %[[P]] {{.*}} : !llvm.ptr -> vector<4xf32>
// CHECK: %[[R:.+]] = llvm.intr.fmuladd(%{{.+}}, %[[V]], %{{.+}}) : (vector<4xf32>, vector<4xf32>, vector<4xf32>) -> vector<4xf32>
// CHECK: %[[Q:.+]] = llvm.getelementptr %{{.+}}[%[[I]]] : (!llvm.ptr, i32) -> !llvm.ptr, f32
// CHECK: llvm.store %[[R]], %[[Q]] {{.*}} : vector<4xf32>, !llvm.ptr
// CHECK-NOT: unrealized_conversion_cast
// CHECK-NOT: (!llvm.ptr, i64)
func.func @axpy(%x: memref<64xf32>, %i: index, %a: vector<4xf32>, %b: vector<4xf32>) {
  %v = vector.load %x[%i] : memref<64xf32>, vector<4xf32>
  %r = vector.fma %a, %v, %b : vector<4xf32>
  vector.store %r, %x[%i] : memref<64xf32>, vector<4xf32>
  return
}
