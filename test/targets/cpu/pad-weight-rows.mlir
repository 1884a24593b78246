// RUN: strata-opt %s --strata-tile-and-vectorize="vector-bits=256 pad-weight-rows=true" \
// RUN:   --canonicalize | FileCheck %s

// Constant weights whose rows are 512 bytes (128 floats) or a multiple are
// stored with 16 floats (a cache line) more per row, zeros, and the op reads
// its rows' first 128: tiles then read every row from a different cache set.
// CHECK-LABEL: func.func @matmul_rows
//       CHECK: %[[PADDED:.*]] = arith.constant dense<{{.*}}> : tensor<16x144xf32>
//       CHECK: tensor.extract_slice %[[PADDED]]
//  CHECK-SAME:   : tensor<16x144xf32> to tensor<{{[0-9]+}}x{{[0-9]+}}xf32>
func.func @matmul_rows(%a: tensor<8x16xf32>, %c: tensor<8x128xf32>) -> tensor<8x128xf32> {
  %b = arith.constant dense<1.0> : tensor<16x128xf32>
  %0 = linalg.matmul ins(%a, %b : tensor<8x16xf32>, tensor<16x128xf32>)
                     outs(%c : tensor<8x128xf32>) -> tensor<8x128xf32>
  return %0 : tensor<8x128xf32>
}

// The same for an HWCF filter of 256 output channels, and for the
// transformed filters of a Winograd batch matmul.
// CHECK-LABEL: func.func @conv_and_batch_rows
//   CHECK-DAG: arith.constant dense<{{.*}}> : tensor<3x3x16x272xf32>
//   CHECK-DAG: arith.constant dense<{{.*}}> : tensor<4x8x144xf32>
func.func @conv_and_batch_rows(%x: tensor<1x4x10x16xf32>, %o: tensor<1x2x8x256xf32>,
                               %v: tensor<4x8x8xf32>, %m: tensor<4x8x128xf32>)
    -> (tensor<1x2x8x256xf32>, tensor<4x8x128xf32>) {
  %g = arith.constant dense<1.0> : tensor<3x3x16x256xf32>
  %u = arith.constant dense<2.0> : tensor<4x8x128xf32>
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%x, %g : tensor<1x4x10x16xf32>, tensor<3x3x16x256xf32>)
         outs(%o : tensor<1x2x8x256xf32>) -> tensor<1x2x8x256xf32>
  %1 = linalg.batch_matmul ins(%v, %u : tensor<4x8x8xf32>, tensor<4x8x128xf32>)
                           outs(%m : tensor<4x8x128xf32>) -> tensor<4x8x128xf32>
  return %0, %1 : tensor<1x2x8x256xf32>, tensor<4x8x128xf32>
}

// Rows of 96 floats (384 bytes) map to many sets already: kept as they are.
// CHECK-LABEL: func.func @unpadded_rows
//   CHECK-NOT: x112xf32>
//       CHECK: return
func.func @unpadded_rows(%a: tensor<8x16xf32>, %c: tensor<8x96xf32>) -> tensor<8x96xf32> {
  %b = arith.constant dense<1.0> : tensor<16x96xf32>
  %0 = linalg.matmul ins(%a, %b : tensor<8x16xf32>, tensor<16x96xf32>)
                     outs(%c : tensor<8x96xf32>) -> tensor<8x96xf32>
  return %0 : tensor<8x96xf32>
}
