// RUN: strata-opt %s -pass-pipeline="builtin.module(func.func(convert-linalg-to-parallel-loops), func.func(strata-gpu-distribute-loops{block-size=64}), convert-scf-to-cf, expand-strided-metadata, finalize-memref-to-llvm, convert-arith-to-llvm, convert-cf-to-llvm, convert-func-to-llvm, reconcile-unrealized-casts)" \
// RUN: | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_libs | FileCheck %s

//===- gpu-distribute-loops-run.mlir - The distributed loops compute ------===//
//
// strata-gpu-distribute-loops rewrites every loop nest's indexing (collapse,
// tiles, bounds checks) and moves serial work into one-thread loops. Before
// the loops become kernels they are still loops a CPU runs: executing them
// here checks the numbers without a GPU. 4x300 elements in 64-thread tiles
// leave a partial last tile; the row sums keep a loop per thread; the total
// has no parallel dimension at all.
//
//===----------------------------------------------------------------------===//

// rows[i] = sum_j (2 (300 i + j) + 1); total = sum over all; y[3, 299] = 2399.
// CHECK: sizes = [4]
// CHECK-NEXT: [90000,  270000,  450000,  630000]
// CHECK: sizes = []
// CHECK-NEXT: [1.44e+06]
// CHECK: sizes = []
// CHECK-NEXT: [2399]
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#all = affine_map<(d0, d1) -> ()>
func.func @compute(%x: memref<4x300xf32>, %y: memref<4x300xf32>, %rows: memref<4xf32>, %total: memref<f32>) {
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %two = arith.constant 2.0 : f32
  // x[i, j] = 300 i + j
  linalg.generic {indexing_maps = [#id], iterator_types = ["parallel", "parallel"]} outs(%x : memref<4x300xf32>) {
  ^bb0(%out: f32):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %c300 = arith.constant 300 : index
    %k = arith.muli %i, %c300 : index
    %l = arith.addi %k, %j : index
    %li = arith.index_cast %l : index to i32
    %v = arith.sitofp %li : i32 to f32
    linalg.yield %v : f32
  }
  // y = 2 x + 1
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%x : memref<4x300xf32>) outs(%y : memref<4x300xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.mulf %in, %two : f32
    %a = arith.addf %m, %one : f32
    linalg.yield %a : f32
  }
  // rows[i] = sum_j y[i, j]: parallel over i, a loop over j per thread.
  linalg.fill ins(%zero : f32) outs(%rows : memref<4xf32>)
  linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%y : memref<4x300xf32>) outs(%rows : memref<4xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %s = arith.addf %in, %acc : f32
    linalg.yield %s : f32
  }
  // total = sum y: no parallel dimension, a one-thread kernel.
  linalg.fill ins(%zero : f32) outs(%total : memref<f32>)
  linalg.generic {indexing_maps = [#id, #all], iterator_types = ["reduction", "reduction"]} ins(%y : memref<4x300xf32>) outs(%total : memref<f32>) {
  ^bb0(%in: f32, %acc: f32):
    %s = arith.addf %in, %acc : f32
    linalg.yield %s : f32
  }
  return
}

func.func @main() {
  %x = memref.alloc() : memref<4x300xf32>
  %y = memref.alloc() : memref<4x300xf32>
  %rows = memref.alloc() : memref<4xf32>
  %total = memref.alloc() : memref<f32>
  call @compute(%x, %y, %rows, %total) : (memref<4x300xf32>, memref<4x300xf32>, memref<4xf32>, memref<f32>) -> ()
  %r = memref.cast %rows : memref<4xf32> to memref<*xf32>
  call @printMemrefF32(%r) : (memref<*xf32>) -> ()
  %t = memref.cast %total : memref<f32> to memref<*xf32>
  call @printMemrefF32(%t) : (memref<*xf32>) -> ()
  %c3 = arith.constant 3 : index
  %c299 = arith.constant 299 : index
  %last = memref.load %y[%c3, %c299] : memref<4x300xf32>
  %l = memref.alloc() : memref<f32>
  memref.store %last, %l[] : memref<f32>
  %lc = memref.cast %l : memref<f32> to memref<*xf32>
  call @printMemrefF32(%lc) : (memref<*xf32>) -> ()
  return
}
func.func private @printMemrefF32(memref<*xf32>) attributes {llvm.emit_c_interface}
