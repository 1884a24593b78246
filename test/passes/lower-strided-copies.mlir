// RUN: strata-opt %s -strata-lower-strided-copies | FileCheck %s

//===- lower-strided-copies.mlir - memref.copy without memrefCopy ---------===//
//
// Upstream lowers a memref.copy between non-contiguous buffers to a call of
// the C runner's memrefCopy, which Strata artifacts do not link. Such copies
// must become linalg.copy; copies between contiguous buffers stay memref.copy
// so that they become memcpy.
//
//===----------------------------------------------------------------------===//

// A copy into a strided slot (a padded convolution input) becomes linalg.copy.
// CHECK-LABEL: func.func @strided_target
// CHECK-SAME: (%[[SRC:.+]]: memref<4x4xf32>, %[[DST:.+]]: memref<4x4xf32, strided<[6, 1], offset: 7>>)
// CHECK-NEXT: linalg.copy ins(%[[SRC]] : memref<4x4xf32>) outs(%[[DST]] : memref<4x4xf32, strided<[6, 1], offset: 7>>)
// CHECK-NOT: memref.copy
// CHECK: return
func.func @strided_target(%src: memref<4x4xf32>, %dst: memref<4x4xf32, strided<[6, 1], offset: 7>>) {
  memref.copy %src, %dst : memref<4x4xf32> to memref<4x4xf32, strided<[6, 1], offset: 7>>
  return
}

// A copy out of a strided view (a column slice) becomes linalg.copy too.
// CHECK-LABEL: func.func @strided_source
// CHECK-SAME: (%[[SRC:.+]]: memref<4x2xf32, strided<[4, 1], offset: 2>>, %[[DST:.+]]: memref<4x2xf32>)
// CHECK-NEXT: linalg.copy ins(%[[SRC]] : memref<4x2xf32, strided<[4, 1], offset: 2>>) outs(%[[DST]] : memref<4x2xf32>)
// CHECK-NOT: memref.copy
func.func @strided_source(%src: memref<4x2xf32, strided<[4, 1], offset: 2>>, %dst: memref<4x2xf32>) {
  memref.copy %src, %dst : memref<4x2xf32, strided<[4, 1], offset: 2>> to memref<4x2xf32>
  return
}

// Contiguous copies stay memref.copy, an offset alone does not break contiguity.
// CHECK-LABEL: func.func @contiguous
// CHECK-SAME: (%[[A:.+]]: memref<4x4xf32>, %[[B:.+]]: memref<4x4xf32>, %[[C:.+]]: memref<16xf32, strided<[1], offset: 8>>, %[[D:.+]]: memref<16xf32>)
// CHECK-NEXT: memref.copy %[[A]], %[[B]] : memref<4x4xf32> to memref<4x4xf32>
// CHECK-NEXT: memref.copy %[[C]], %[[D]] : memref<16xf32, strided<[1], offset: 8>> to memref<16xf32>
// CHECK-NOT: linalg.copy
// CHECK: return
func.func @contiguous(%a: memref<4x4xf32>, %b: memref<4x4xf32>,
                      %c: memref<16xf32, strided<[1], offset: 8>>, %d: memref<16xf32>) {
  memref.copy %a, %b : memref<4x4xf32> to memref<4x4xf32>
  memref.copy %c, %d : memref<16xf32, strided<[1], offset: 8>> to memref<16xf32>
  return
}

// A dynamically shaped buffer is not known contiguous: linalg.copy.
// CHECK-LABEL: func.func @dynamic
// CHECK-NEXT: linalg.copy ins(%{{.+}} : memref<?xf32>) outs(%{{.+}} : memref<?xf32>)
// CHECK-NOT: memref.copy
func.func @dynamic(%src: memref<?xf32>, %dst: memref<?xf32>) {
  memref.copy %src, %dst : memref<?xf32> to memref<?xf32>
  return
}

// Copies nested in loops are rewritten where they are.
// CHECK-LABEL: func.func @in_loop
// CHECK: scf.for
// CHECK-NEXT: linalg.copy ins(%{{.+}} : memref<2x2xf32>) outs(%{{.+}} : memref<2x2xf32, strided<[4, 1]>>)
// CHECK-NOT: memref.copy
func.func @in_loop(%src: memref<2x2xf32>, %dst: memref<2x2xf32, strided<[4, 1]>>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  scf.for %i = %c0 to %c4 step %c1 {
    memref.copy %src, %dst : memref<2x2xf32> to memref<2x2xf32, strided<[4, 1]>>
  }
  return
}
