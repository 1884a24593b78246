// RUN: strata-opt %s --strata-tile-and-vectorize=vector-bits=256 --canonicalize | FileCheck %s
// RUN: strata-opt %s --strata-tile-and-vectorize=vector-bits=512 --canonicalize \
// RUN:   | FileCheck %s --check-prefix=AVX512

// A matmul is tiled by exact divisors (8 rows, 2 vectors of columns, one
// vector of the reduction) and each tile becomes one vector.contract.
// CHECK-LABEL: func.func @matmul
// CHECK-NOT: linalg.matmul
// CHECK: scf.for
// CHECK: scf.for
// CHECK: scf.for
// CHECK: vector.contract {{.*}} : vector<8x8xf32>, vector<8x16xf32> into vector<8x16xf32>
func.func @matmul(%a: tensor<16x64xf32>, %b: tensor<64x32xf32>,
                  %c: tensor<16x32xf32>) -> tensor<16x32xf32> {
  %0 = linalg.matmul ins(%a, %b : tensor<16x64xf32>, tensor<64x32xf32>)
                     outs(%c : tensor<16x32xf32>) -> tensor<16x32xf32>
  return %0 : tensor<16x32xf32>
}

// Extents without a divisor near the preferred tile fall back to the largest
// divisor: 10 columns and a reduction of 7 are taken whole.
// CHECK-LABEL: func.func @matmul_odd
// CHECK-NOT: linalg.matmul
// CHECK: vector.contract {{.*}} : vector<1x7xf32>, vector<7x10xf32> into vector<1x10xf32>
func.func @matmul_odd(%a: tensor<1x7xf32>, %b: tensor<7x10xf32>,
                      %c: tensor<1x10xf32>) -> tensor<1x10xf32> {
  %0 = linalg.matmul ins(%a, %b : tensor<1x7xf32>, tensor<7x10xf32>)
                     outs(%c : tensor<1x10xf32>) -> tensor<1x10xf32>
  return %0 : tensor<1x10xf32>
}

// Constant weights read as B[n][k] (a Gemm with trans_b, PyTorch's Linear)
// are transposed at compile time: the contraction becomes a matmul whose
// vectors run along the output's columns, reading the packed weights.
#mk = affine_map<(m, n, k) -> (m, k)>
#nk = affine_map<(m, n, k) -> (n, k)>
#mn = affine_map<(m, n, k) -> (m, n)>
// CHECK-LABEL: func.func @linear_weights
// CHECK: arith.constant dense<{{\[}}[1.000000e+00, 4.000000e+00], [2.000000e+00, 5.000000e+00], [3.000000e+00, 6.000000e+00]]> : {{.*}}3x2xf32>
// CHECK: vector.contract {{.*}} : vector<1x3xf32>, vector<3x2xf32> into vector<1x2xf32>
func.func @linear_weights(%a: tensor<1x3xf32>, %c: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w = arith.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %0 = linalg.generic {indexing_maps = [#mk, #nk, #mn],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %w : tensor<1x3xf32>, tensor<2x3xf32>) outs(%c : tensor<1x2xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// A filter row of at most 4 taps x channels (here 4 x 1) is one tile: the
// whole row is read once per output row and input row, and its four taps
// accumulate into one accumulator read.
// CHECK-LABEL: func.func @narrow_filter_row
//       CHECK: scf.for
//       CHECK:   scf.for
//   CHECK-NOT:     scf.for
//       CHECK:     vector.transfer_read {{.*}} : tensor<4x1x16xf32>, vector<4x1x16xf32>
//       CHECK:     vector.transfer_read {{.*}} : tensor<1x8x16xf32>, vector<1x8x16xf32>
// CHECK-COUNT-4:   vector.contract
func.func @narrow_filter_row(%x: tensor<1x12x11x1xf32>, %o: tensor<1x10x8x16xf32>) -> tensor<1x10x8x16xf32> {
  %g = arith.constant dense<1.0> : tensor<3x4x1x16xf32>
  %y = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%x, %g : tensor<1x12x11x1xf32>, tensor<3x4x1x16xf32>) outs(%o : tensor<1x10x8x16xf32>) -> tensor<1x10x8x16xf32>
  return %y : tensor<1x10x8x16xf32>
}

// 24 output channels on 16 lanes are not one vector and a half (LLVM
// assembles those element by element) but three tiles of 8.
// AVX512-LABEL: func.func @output_channels_between_vectors
//       AVX512: scf.for %{{.*}} = %c0 to %c24 step %c8
//       AVX512: vector.contract {{.*}} : vector<1x8x16xf32>, vector<16x8xf32> into vector<1x8x8xf32>
func.func @output_channels_between_vectors(%x: tensor<1x1x8x32xf32>, %o: tensor<1x1x8x24xf32>) -> tensor<1x1x8x24xf32> {
  %g = arith.constant dense<1.0> : tensor<1x1x32x24xf32>
  %y = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%x, %g : tensor<1x1x8x32xf32>, tensor<1x1x32x24xf32>) outs(%o : tensor<1x1x8x24xf32>) -> tensor<1x1x8x24xf32>
  return %y : tensor<1x1x8x24xf32>
}

// A 2-D NCHW convolution is tiled to one output row, decomposed into a 1-D
// convolution and vectorized: no linalg convolution is left.
// CHECK-LABEL: func.func @conv
// CHECK-NOT: linalg.conv_2d_nchw_fchw
// CHECK-NOT: linalg.conv_1d_ncw_fcw
// CHECK: scf.for
// CHECK: vector.transfer_read
// CHECK: vector.contract
func.func @conv(%x: tensor<1x16x10x10xf32>, %w: tensor<8x16x3x3xf32>,
                %init: tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32> {
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>,
                                 strides = dense<1> : tensor<2xi64>}
       ins(%x, %w : tensor<1x16x10x10xf32>, tensor<8x16x3x3xf32>)
       outs(%init : tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
  return %0 : tensor<1x8x8x8xf32>
}

// Large untiled elementwise ops stay linalg (LLVM vectorizes their loops);
// small ones are vectorized whole.
// CHECK-LABEL: func.func @elementwise
// CHECK: linalg.generic
// CHECK: arith.addf {{.*}} : vector<4xf32>
#id = affine_map<(d0) -> (d0)>
func.func @elementwise(%big: tensor<4096xf32>, %small: tensor<4xf32>)
    -> (tensor<4096xf32>, tensor<4xf32>) {
  %0 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
       ins(%big : tensor<4096xf32>) outs(%big : tensor<4096xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %in : f32
    linalg.yield %s : f32
  } -> tensor<4096xf32>
  %1 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
       ins(%small : tensor<4xf32>) outs(%small : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %in : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  return %0, %1 : tensor<4096xf32>, tensor<4xf32>
}

// The NHWC convolution stratac emits: tiles of one output row, 8 columns by
// two vectors of output channels over one filter tap and one vector of input
// channels, each one contraction along the channels. The loops run over
// output channels first (a block of filters stays in cache for every pixel),
// then rows, filter rows, filter columns and input channels.
// CHECK-LABEL: func.func @conv_nhwc
// CHECK-NOT: linalg.conv_2d_nhwc_hwcf
// CHECK-NOT: linalg.conv_1d_nwc_wcf
// CHECK: scf.for %{{.+}} = %c0 to %c32 step %c16
// CHECK-NEXT: scf.for %{{.+}} = %c0 to %c8 step %c1
// CHECK-NEXT: scf.for %{{.+}} = %c0 to %c3 step %c1
// CHECK-NEXT: scf.for %{{.+}} = %c0 to %c3 step %c1
// CHECK-NEXT: scf.for %{{.+}} = %c0 to %c16 step %c8
// CHECK: vector.contract {{.*}} : vector<1x8x8xf32>, vector<8x16xf32> into vector<1x8x16xf32>
// CHECK-NOT: vector.contract
// CHECK: return
func.func @conv_nhwc(%x: tensor<1x10x10x16xf32>, %w: tensor<3x3x16x32xf32>,
                     %init: tensor<1x8x8x32xf32>) -> tensor<1x8x8x32xf32> {
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>,
                                 strides = dense<1> : tensor<2xi64>}
       ins(%x, %w : tensor<1x10x10x16xf32>, tensor<3x3x16x32xf32>)
       outs(%init : tensor<1x8x8x32xf32>) -> tensor<1x8x8x32xf32>
  return %0 : tensor<1x8x8x32xf32>
}

// A depthwise NHWC convolution: tiles of 16 columns by one vector of
// channels over one filter row, whose three taps become three vector FMAs
// of 16 columns by the channels.
// CHECK-LABEL: func.func @depthwise_nhwc
// CHECK-NOT: linalg.depthwise_conv
// CHECK: scf.for %{{.+}} = %c0 to %c16 step %c1
// CHECK-NEXT: scf.for %{{.+}} = %c0 to %c16 step %c8
// CHECK-NEXT: scf.for %{{.+}} = %c0 to %c3 step %c1
// CHECK: vector.fma {{.*}} : vector<1x16x8xf32>
// CHECK: return
func.func @depthwise_nhwc(%x: tensor<1x18x18x16xf32>, %w: tensor<3x3x16xf32>,
                          %init: tensor<1x16x16x16xf32>) -> tensor<1x16x16x16xf32> {
  %0 = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>,
                                          strides = dense<1> : tensor<2xi64>}
       ins(%x, %w : tensor<1x18x18x16xf32>, tensor<3x3x16xf32>)
       outs(%init : tensor<1x16x16x16xf32>) -> tensor<1x16x16x16xf32>
  return %0 : tensor<1x16x16x16xf32>
}

// Bool tensors are one byte per element in memory; vector<Nxi1> memory
// accesses would be bit-packed, so ops on them are not vectorized.
// CHECK-LABEL: func.func @bool_stays_scalar
// CHECK: linalg.generic
// CHECK-NOT: vector.transfer_read
func.func @bool_stays_scalar(%a: tensor<4xi1>, %b: tensor<4xi1>) -> tensor<4xi1> {
  %0 = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]}
       ins(%a, %b : tensor<4xi1>, tensor<4xi1>) outs(%a : tensor<4xi1>) {
  ^bb0(%x: i1, %y: i1, %out: i1):
    %r = arith.andi %x, %y : i1
    linalg.yield %r : i1
  } -> tensor<4xi1>
  return %0 : tensor<4xi1>
}

// A sum over the innermost loop (softmax's denominator) is tiled to 8 rows
// by the whole reduction and vectorized: LLVM would leave it scalar, since
// it may not reorder a float sum.
#rows3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#sums3 = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @row_sums
// CHECK: scf.for %{{.+}} = %c0 to %c4 step %c1
// CHECK: scf.for %{{.+}} = %c0 to %c32 step %c8
// CHECK: vector.multi_reduction <add>, %{{.+}}, %{{.+}} [2] : vector<1x8x32xf32> to vector<1x8xf32>
func.func @row_sums(%x: tensor<4x32x32xf32>, %init: tensor<4x32xf32>) -> tensor<4x32xf32> {
  %0 = linalg.generic {indexing_maps = [#rows3, #sums3],
                       iterator_types = ["parallel", "parallel", "reduction"]}
       ins(%x : tensor<4x32x32xf32>) outs(%init : tensor<4x32xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %s = arith.addf %acc, %in : f32
    linalg.yield %s : f32
  } -> tensor<4x32xf32>
  return %0 : tensor<4x32xf32>
}

// Tiles of a vector dimension are whole vectors when some multiple of the
// vector divides the extent: 72 output channels go in tiles of 8 (one
// 256-bit vector), not 12 (exactTile's largest divisor up to 16).
// CHECK-LABEL: func.func @conv_72_channels
// CHECK: scf.for %{{.+}} = %c0 to %c72 step %c8
// CHECK: vector.contract {{.*}} into vector<1x8x8xf32>
func.func @conv_72_channels(%x: tensor<1x8x8x16xf32>, %w: tensor<1x1x16x72xf32>,
                            %init: tensor<1x8x8x72xf32>) -> tensor<1x8x8x72xf32> {
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>,
                                 strides = dense<1> : tensor<2xi64>}
       ins(%x, %w : tensor<1x8x8x16xf32>, tensor<1x1x16x72xf32>)
       outs(%init : tensor<1x8x8x72xf32>) -> tensor<1x8x8x72xf32>
  return %0 : tensor<1x8x8x72xf32>
}
