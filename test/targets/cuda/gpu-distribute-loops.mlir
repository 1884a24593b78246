// RUN: strata-opt %s -split-input-file -strata-gpu-distribute-loops -verify-diagnostics | FileCheck %s
// RUN: strata-opt %s -split-input-file -strata-gpu-distribute-loops=block-size=64 -verify-diagnostics | FileCheck %s --check-prefix=B64

//===- gpu-distribute-loops.mlir - Loop nests onto blocks and threads -----===//
//
// strata-gpu-distribute-loops collapses each top-level scf.parallel to one
// dimension (the innermost varying fastest), tiles it by the block size with
// an in-bounds check, maps the tiles to blocks and the loop inside to
// threads, and puts work outside parallel loops into one-thread loops so
// that no device memory is touched by the host.
//
//===----------------------------------------------------------------------===//

// 4x300 = 1200 iterations: 256-thread tiles over 1200 (5 blocks); the
// linear index k gives i = k / 300 and j = k % 300. The accumulation into
// %s that follows becomes a loop of one block of one thread; the constant
// it stores stays outside.
// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[X:.+]]: memref<4x300xf32>, %[[Y:.+]]: memref<4x300xf32>, %[[S:.+]]: memref<f32>)
// CHECK: arith.constant 256 : index
// CHECK: scf.parallel (%[[B:.+]]) = (%{{.+}}) to (%[[TOTAL:.+]]) step (%[[STEP:.+]]) {
// CHECK:   scf.parallel (%[[T:.+]]) = (%{{.+}}) to (%[[STEP]]) step
// CHECK:     %[[K:.+]] = arith.addi %[[T]], %[[B]] : index
// CHECK:     arith.cmpi ult, %{{.+}}, %[[TOTAL]] : index
// CHECK:     scf.if
// CHECK:       %[[J:.+]] = arith.remsi %[[K]], %[[C300:.+]] : index
// CHECK:       %[[I:.+]] = arith.divsi %[[K]], %[[C300]] : index
// CHECK:       %[[V:.+]] = memref.load %[[X]][%[[I]], %[[J]]]
// CHECK:       memref.store %[[V]], %[[Y]][%[[I]], %[[J]]]
// CHECK:   } {mapping = [#gpu.loop_dim_map<processor = thread_x, map = (d0) -> (d0), bound = (d0) -> (d0)>]}
// CHECK: } {mapping = [#gpu.loop_dim_map<processor = block_x, map = (d0) -> (d0), bound = (d0) -> (d0)>]}
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: scf.parallel
// CHECK:   scf.parallel
// CHECK:     memref.store %[[ZERO]], %[[S]][]
// CHECK:     scf.for
// CHECK:   } {mapping = [#gpu.loop_dim_map<processor = thread_x
// CHECK: } {mapping = [#gpu.loop_dim_map<processor = block_x
// CHECK-NEXT: return

// B64-LABEL: func.func @main(
// B64: arith.constant 64 : index
func.func @main(%x: memref<4x300xf32>, %y: memref<4x300xf32>, %s: memref<f32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c300 = arith.constant 300 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c300) step (%c1, %c1) {
    %v = memref.load %x[%i, %j] : memref<4x300xf32>
    memref.store %v, %y[%i, %j] : memref<4x300xf32>
    scf.reduce
  }
  %zero = arith.constant 0.0 : f32
  memref.store %zero, %s[] : memref<f32>
  scf.for %i = %c0 to %c4 step %c1 {
    %a = memref.load %s[] : memref<f32>
    %b = memref.load %y[%i, %c0] : memref<4x300xf32>
    %c = arith.addf %a, %b : f32
    memref.store %c, %s[] : memref<f32>
  }
  return
}

// -----

// A loop whose bounds are not constants cannot be sized.
func.func @main(%x: memref<?xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  // expected-error @+1 {{strata-gpu-distribute-loops: loop bounds must be constants}}
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    %v = memref.load %x[%i] : memref<?xf32>
    memref.store %v, %x[%i] : memref<?xf32>
    scf.reduce
  }
  return
}

// -----

// A value loaded on the device cannot flow back to host code.
func.func @main(%x: memref<f32>, %n: index) -> f32 {
  // expected-error @+1 {{strata-gpu-distribute-loops: a value computed on the device is used outside its kernel}}
  %v = memref.load %x[] : memref<f32>
  return %v : f32
}
