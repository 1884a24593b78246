// RUN: strata-opt %s --strata-outline-parallel-loops=entry=main --split-input-file | FileCheck %s

memref.global "private" constant @weights : memref<4xf32> = dense<[1.0, 2.0, 3.0, 4.0]>

// A top-level forall becomes a dispatch call with the executor, the trip
// count and the entry's arguments; its body moves to a task that takes the
// same arguments and one index, and recomputes the arena view and the
// weights it reads. The entry gains the executor and counts its loops.
// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[X:.+]]: memref<4x8xf32>, %[[Y:.+]]: memref<4x8xf32>, %[[ARENA:.+]]: memref<128xi8>, %[[EXECUTOR:.+]]: !llvm.ptr)
// CHECK-SAME: attributes {strata.parallel_loops = 1 : i64}
// CHECK-NOT: scf.forall
// CHECK: %[[TRIPS:.+]] = arith.constant 2 : index
// CHECK: call @main.dispatch.0(%[[EXECUTOR]], %[[TRIPS]], %[[X]], %[[Y]], %[[ARENA]]) : (!llvm.ptr, index, memref<4x8xf32>, memref<4x8xf32>, memref<128xi8>) -> ()
// CHECK: func.func private @main.dispatch.0(!llvm.ptr, index, memref<4x8xf32>, memref<4x8xf32>, memref<128xi8>)
// CHECK: func.func private @main.parallel.0(%[[TX:.+]]: memref<4x8xf32>, %[[TY:.+]]: memref<4x8xf32>, %[[TARENA:.+]]: memref<128xi8>, %[[INDEX:.+]]: index)
// CHECK-DAG: memref.view %[[TARENA]]
// CHECK-DAG: memref.get_global @weights
// CHECK-DAG: %[[TWO:.+]] = arith.constant 2 : index
// CHECK: %[[SCALED:.+]] = arith.muli %[[INDEX]], %[[TWO]]
// CHECK: %[[ROW:.+]] = arith.addi %[[SCALED]], %{{.+}} : index
// CHECK: memref.subview %[[TX]][%[[ROW]], 0] [2, 8] [1, 1]
// CHECK: return
func.func @main(%x: memref<4x8xf32>, %y: memref<4x8xf32>, %arena: memref<128xi8>) {
  %c0 = arith.constant 0 : index
  %scratch = memref.view %arena[%c0][] : memref<128xi8> to memref<4x8xf32>
  %w = memref.get_global @weights : memref<4xf32>
  scf.forall (%i) = (0) to (4) step (2) {
    %in = memref.subview %x[%i, 0] [2, 8] [1, 1]
        : memref<4x8xf32> to memref<2x8xf32, strided<[8, 1], offset: ?>>
    %tmp = memref.subview %scratch[%i, 0] [2, 8] [1, 1]
        : memref<4x8xf32> to memref<2x8xf32, strided<[8, 1], offset: ?>>
    %out = memref.subview %y[%i, 0] [2, 8] [1, 1]
        : memref<4x8xf32> to memref<2x8xf32, strided<[8, 1], offset: ?>>
    %scale = memref.load %w[%c0] : memref<4xf32>
    linalg.copy ins(%in : memref<2x8xf32, strided<[8, 1], offset: ?>>)
                outs(%tmp : memref<2x8xf32, strided<[8, 1], offset: ?>>)
    linalg.fill ins(%scale : f32) outs(%out : memref<2x8xf32, strided<[8, 1], offset: ?>>)
  }
  return
}

// -----

// A body that allocates, or uses a value computed at run time outside the
// loop, stays a loop; the entry still takes the executor.
// CHECK-LABEL: func.func @main
// CHECK-SAME: %{{.+}}: !llvm.ptr)
// CHECK-SAME: attributes {strata.parallel_loops = 0 : i64}
// CHECK: scf.forall
// CHECK: memref.alloc
// CHECK: scf.forall
// CHECK-NOT: func.func private
func.func @main(%x: memref<4x8xf32>, %y: memref<4x8xf32>) {
  %c0 = arith.constant 0 : index
  scf.forall (%i) in (4) {
    %tmp = memref.alloc() : memref<8xf32>
    memref.dealloc %tmp : memref<8xf32>
  }
  %loaded = memref.load %x[%c0, %c0] : memref<4x8xf32>
  scf.forall (%i) in (4) {
    memref.store %loaded, %y[%i, %c0] : memref<4x8xf32>
  }
  return
}
