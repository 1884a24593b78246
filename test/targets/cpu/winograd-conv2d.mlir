// RUN: strata-opt %s --split-input-file \
// RUN:   --strata-winograd-conv2d="min-tiles=16 vector-bits=512" --canonicalize --cse \
// RUN:   | FileCheck %s
// RUN: strata-opt %s --split-input-file \
// RUN:   --strata-winograd-conv2d="min-tiles=16 vector-bits=512 parallel-loops=true" \
// RUN:   --canonicalize --cse | FileCheck %s --check-prefix=PARALLEL

// 16 x 16 outputs make 16 blocks of F(4x4, 3x3): 36 strided reads of the
// input per block and vector of channels, 36 writes of the transformed
// input, one batch matmul over the 36 positions with the transformed filter
// (G g GT: 1/16 at position (0, 0) for a filter of ones), then 36 reads of
// the products and one of the bias per output.
// CHECK-LABEL: func.func @f4x4
//  CHECK-SAME: (%[[X:.*]]: tensor<1x18x18x32xf32>, %[[BIAS:.*]]: tensor<1x16x16x16xf32>)
//   CHECK-DAG: %[[U:.*]] = arith.constant dense<"0x0000803D0000803D{{.*}}> : tensor<36x32x16xf32>
//       CHECK: %[[EMPTY:.*]] = tensor.empty() : tensor<36x16x32xf32>
//       CHECK: scf.for %[[ROW:.*]] = %{{.*}} iter_args(%[[ALL:.*]] = %[[EMPTY]])
//       CHECK:   tensor.extract_slice %[[ALL]][0, %{{.*}}, 0] [36, 4, 32] [1, 1, 1]
//       CHECK:   scf.for
//       CHECK:     scf.for
// CHECK-COUNT-36:    vector.transfer_read %[[X]]{{.*}} : tensor<1x18x18x32xf32>, vector<16xf32>
//   CHECK-NOT:       vector.transfer_read
// CHECK-COUNT-36:    vector.transfer_write {{.*}} : vector<16xf32>, tensor<36x4x32xf32>
//       CHECK: %[[ZERO:.*]] = linalg.fill
//       CHECK: %[[M:.*]] = linalg.batch_matmul ins(%{{.*}}, %[[U]] : tensor<36x16x32xf32>, tensor<36x32x16xf32>) outs(%[[ZERO]]
//       CHECK: tensor.empty() : tensor<1x16x16x16xf32>
//       CHECK: scf.for
//       CHECK:   tensor.extract_slice {{.*}} [1, 4, 16, 16] [1, 1, 1, 1]
// CHECK-COUNT-36:    vector.transfer_read %[[M]]
//       CHECK:       vector.transfer_read %[[BIAS]]
//       CHECK:       vector.transfer_write {{.*}} : vector<16xf32>, tensor<1x4x16x16xf32>
//   CHECK-NOT: linalg.conv_2d_nhwc_hwcf
//       CHECK: return
func.func @f4x4(%x: tensor<1x18x18x32xf32>, %bias: tensor<1x16x16x16xf32>) -> tensor<1x16x16x16xf32> {
  %g = arith.constant dense<1.0> : tensor<3x3x32x16xf32>
  %y = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%x, %g : tensor<1x18x18x32xf32>, tensor<3x3x32x16xf32>)
         outs(%bias : tensor<1x16x16x16xf32>) -> tensor<1x16x16x16xf32>
  return %y : tensor<1x16x16x16xf32>
}

// -----

// 7 x 7 outputs: 4 blocks of F(4,3) are too few, 16 of F(2,3) are enough.
// Whole blocks need a zero row and column more of input and bias; the
// result is sliced back. G g GT at (0, 0) is 1 for a filter of ones.
// CHECK-LABEL: func.func @f2x2_padded
//   CHECK-DAG: arith.constant dense<"0x0000803F0000803F{{.*}}> : tensor<16x16x32xf32>
//   CHECK-DAG: tensor.pad %{{.*}} low[0, 0, 0, 0] high[0, 1, 1, 0]
//   CHECK-DAG:   : tensor<1x9x9x16xf32> to tensor<1x10x10x16xf32>
//   CHECK-DAG: tensor.pad %{{.*}} low[0, 0, 0, 0] high[0, 1, 1, 0]
//   CHECK-DAG:   : tensor<1x7x7x32xf32> to tensor<1x8x8x32xf32>
//       CHECK: linalg.batch_matmul {{.*}} -> tensor<16x16x32xf32>
//       CHECK: %[[Y:.*]] = scf.for
//       CHECK: %[[R:.*]] = tensor.extract_slice %[[Y]][0, 0, 0, 0] [1, 7, 7, 32] [1, 1, 1, 1]
//       CHECK: return %[[R]]
func.func @f2x2_padded(%x: tensor<1x9x9x16xf32>, %bias: tensor<1x7x7x32xf32>) -> tensor<1x7x7x32xf32> {
  %g = arith.constant dense<1.0> : tensor<3x3x16x32xf32>
  %y = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%x, %g : tensor<1x9x9x16xf32>, tensor<3x3x16x32xf32>)
         outs(%bias : tensor<1x7x7x32xf32>) -> tensor<1x7x7x32xf32>
  return %y : tensor<1x7x7x32xf32>
}

// -----

// With parallel-loops, a transform that writes at least 2^17 elements runs
// its rows of blocks as an scf.forall: 36 x 64 blocks x 64 channels here.
// The output transform writes 64 x 16 x 64, under the threshold: a loop.
// PARALLEL-LABEL: func.func @parallel
//       PARALLEL: scf.forall (%{{.*}}) in (8) shared_outs(%{{.*}} = %{{.*}}) -> (tensor<36x64x64xf32>)
//       PARALLEL:   scf.forall.in_parallel
//  PARALLEL-NEXT:     tensor.parallel_insert_slice {{.*}} [36, 8, 64] [1, 1, 1]
//       PARALLEL: linalg.batch_matmul
//   PARALLEL-NOT: scf.forall
//       PARALLEL: scf.for
//       PARALLEL: return
func.func @parallel(%x: tensor<1x34x34x64xf32>, %bias: tensor<1x32x32x64xf32>) -> tensor<1x32x32x64xf32> {
  %g = arith.constant dense<1.0> : tensor<3x3x64x64xf32>
  %y = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%x, %g : tensor<1x34x34x64xf32>, tensor<3x3x64x64xf32>)
         outs(%bias : tensor<1x32x32x64xf32>) -> tensor<1x32x32x64xf32>
  return %y : tensor<1x32x32x64xf32>
}

// -----

// 6 rows of blocks would leave one of two threads idle: each row's 128
// channels are two tasks of 64.
// PARALLEL-LABEL: func.func @channel_groups
//       PARALLEL: scf.forall (%{{.*}}) in (12) shared_outs(%{{.*}} = %{{.*}}) -> (tensor<36x36x128xf32>)
//       PARALLEL:   scf.forall.in_parallel
//  PARALLEL-NEXT:     tensor.parallel_insert_slice {{.*}} [36, 6, 64] [1, 1, 1]
func.func @channel_groups(%x: tensor<1x26x26x128xf32>, %bias: tensor<1x24x24x16xf32>) -> tensor<1x24x24x16xf32> {
  %g = arith.constant dense<1.0> : tensor<3x3x128x16xf32>
  %y = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%x, %g : tensor<1x26x26x128xf32>, tensor<3x3x128x16xf32>)
         outs(%bias : tensor<1x24x24x16xf32>) -> tensor<1x24x24x16xf32>
  return %y : tensor<1x24x24x16xf32>
}

// -----

// Left direct: a stride of 2, a filter that is not a constant, 8 input
// channels, channel counts the vector does not divide, too few blocks, and
// a filter whose values are not in the IR (an elided resource).
// CHECK-LABEL: func.func @direct
// CHECK-COUNT-6: linalg.conv_2d_nhwc_hwcf
//     CHECK-NOT: linalg.batch_matmul
func.func @direct(%x: tensor<1x33x33x16xf32>, %x18: tensor<1x18x18x16xf32>,
                  %o: tensor<1x16x16x16xf32>,
                  %g: tensor<3x3x16x16xf32>, %x8: tensor<1x18x18x8xf32>,
                  %x24: tensor<1x18x18x24xf32>, %o24: tensor<1x16x16x24xf32>,
                  %small: tensor<1x7x7x16xf32>, %o5: tensor<1x5x5x16xf32>)
    -> (tensor<1x16x16x16xf32>, tensor<1x16x16x16xf32>, tensor<1x16x16x16xf32>,
        tensor<1x16x16x24xf32>, tensor<1x5x5x16xf32>, tensor<1x16x16x16xf32>) {
  %elided = arith.constant dense_resource<__elided__> : tensor<3x3x16x16xf32>
  %c = arith.constant dense<1.0> : tensor<3x3x16x16xf32>
  %c8 = arith.constant dense<1.0> : tensor<3x3x8x16xf32>
  %c24 = arith.constant dense<1.0> : tensor<3x3x24x24xf32>
  %strided = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
      ins(%x, %c : tensor<1x33x33x16xf32>, tensor<3x3x16x16xf32>)
      outs(%o : tensor<1x16x16x16xf32>) -> tensor<1x16x16x16xf32>
  %unknown = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x18, %g : tensor<1x18x18x16xf32>, tensor<3x3x16x16xf32>)
      outs(%o : tensor<1x16x16x16xf32>) -> tensor<1x16x16x16xf32>
  %narrow = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x8, %c8 : tensor<1x18x18x8xf32>, tensor<3x3x8x16xf32>)
      outs(%o : tensor<1x16x16x16xf32>) -> tensor<1x16x16x16xf32>
  %odd = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x24, %c24 : tensor<1x18x18x24xf32>, tensor<3x3x24x24xf32>)
      outs(%o24 : tensor<1x16x16x24xf32>) -> tensor<1x16x16x24xf32>
  %few = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%small, %c : tensor<1x7x7x16xf32>, tensor<3x3x16x16xf32>)
      outs(%o5 : tensor<1x5x5x16xf32>) -> tensor<1x5x5x16xf32>
  %resource = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x18, %elided : tensor<1x18x18x16xf32>, tensor<3x3x16x16xf32>)
      outs(%o : tensor<1x16x16x16xf32>) -> tensor<1x16x16x16xf32>
  return %strided, %unknown, %narrow, %odd, %few, %resource
      : tensor<1x16x16x16xf32>, tensor<1x16x16x16xf32>, tensor<1x16x16x16xf32>,
        tensor<1x16x16x24xf32>, tensor<1x5x5x16xf32>, tensor<1x16x16x16xf32>
}
