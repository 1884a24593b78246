// RUN: strata-opt %s --strata-propagate-layout --canonicalize --split-input-file | FileCheck %s

#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#channel = affine_map<(d0, d1, d2, d3) -> (d1)>

// Two convolutions with a ReLU, a per-channel bias and padding between them,
// as the graph-to-linalg conversion writes them: after the pass the second
// convolution reads the first one's NHWC result, padded in H and W, with no
// transpose left; the bias is read by the channel, now the last axis.
// CHECK: #[[$LAST:.+]] = affine_map<(d0, d1, d2, d3) -> (d3)>
// CHECK-LABEL: func.func @conv_relu_pad_conv
// CHECK: %[[A:.+]] = linalg.conv_2d_nhwc_hwcf
// CHECK-NOT: linalg.transpose
// CHECK: %[[R:.+]] = linalg.generic {indexing_maps = [#{{.+}}, #[[$LAST]], #{{.+}}]
// CHECK-SAME: ins(%[[A]], %{{.+}} : tensor<1x8x8x16xf32>, tensor<16xf32>) outs(%{{.+}} : tensor<1x8x8x16xf32>)
// CHECK: %[[P:.+]] = tensor.pad %[[R]] low[0, 1, 1, 0] high[0, 1, 1, 0]
// CHECK: } : tensor<1x8x8x16xf32> to tensor<1x10x10x16xf32>
// CHECK-NOT: linalg.transpose
// CHECK: linalg.conv_2d_nhwc_hwcf ins(%[[P]], %{{.+}} : tensor<1x10x10x16xf32>, tensor<3x3x16x16xf32>)
// CHECK-NOT: linalg.transpose
// CHECK: return
func.func @conv_relu_pad_conv(%x: tensor<1x10x10x16xf32>, %w: tensor<3x3x16x16xf32>,
                              %bias: tensor<16xf32>) -> tensor<1x8x8x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x8x8x16xf32>
  %a = linalg.conv_2d_nhwc_hwcf ins(%x, %w : tensor<1x10x10x16xf32>, tensor<3x3x16x16xf32>)
       outs(%e : tensor<1x8x8x16xf32>) -> tensor<1x8x8x16xf32>
  %nchw = tensor.empty() : tensor<1x16x8x8xf32>
  %t = linalg.transpose ins(%a : tensor<1x8x8x16xf32>) outs(%nchw : tensor<1x16x8x8xf32>)
       permutation = [0, 3, 1, 2]
  %r = linalg.generic {indexing_maps = [#id, #channel, #id],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
       ins(%t, %bias : tensor<1x16x8x8xf32>, tensor<16xf32>) outs(%nchw : tensor<1x16x8x8xf32>) {
  ^bb0(%in: f32, %b: f32, %out: f32):
    %s = arith.addf %in, %b : f32
    %m = arith.maximumf %s, %zero : f32
    linalg.yield %m : f32
  } -> tensor<1x16x8x8xf32>
  %p = tensor.pad %r low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x16x8x8xf32> to tensor<1x16x10x10xf32>
  %nhwc = tensor.empty() : tensor<1x10x10x16xf32>
  %u = linalg.transpose ins(%p : tensor<1x16x10x10xf32>) outs(%nhwc : tensor<1x10x10x16xf32>)
       permutation = [0, 2, 3, 1]
  %b = linalg.conv_2d_nhwc_hwcf ins(%u, %w : tensor<1x10x10x16xf32>, tensor<3x3x16x16xf32>)
       outs(%e : tensor<1x8x8x16xf32>) -> tensor<1x8x8x16xf32>
  return %b : tensor<1x8x8x16xf32>
}

// -----

#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>

// A residual add of two transposed results runs in NHWC; its result, which
// the function returns in NCHW, is transposed once at the end.
// CHECK-LABEL: func.func @residual_add
// CHECK-SAME: (%[[X:.+]]: tensor<1x4x4x8xf32>, %[[Y:.+]]: tensor<1x4x4x8xf32>)
// CHECK: %[[SUM:.+]] = linalg.generic
// CHECK-SAME: ins(%[[X]], %[[Y]] : tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>)
// CHECK: %[[T:.+]] = linalg.transpose ins(%[[SUM]] : tensor<1x4x4x8xf32>) outs(%{{.+}} : tensor<1x8x4x4xf32>) permutation = [0, 3, 1, 2]
// CHECK: return %[[T]]
func.func @residual_add(%x: tensor<1x4x4x8xf32>, %y: tensor<1x4x4x8xf32>) -> tensor<1x8x4x4xf32> {
  %nchw = tensor.empty() : tensor<1x8x4x4xf32>
  %tx = linalg.transpose ins(%x : tensor<1x4x4x8xf32>) outs(%nchw : tensor<1x8x4x4xf32>)
        permutation = [0, 3, 1, 2]
  %ty = linalg.transpose ins(%y : tensor<1x4x4x8xf32>) outs(%nchw : tensor<1x8x4x4xf32>)
        permutation = [0, 3, 1, 2]
  %sum = linalg.generic {indexing_maps = [#id, #id, #id],
                         iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
         ins(%tx, %ty : tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>) outs(%nchw : tensor<1x8x4x4xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<1x8x4x4xf32>
  return %sum : tensor<1x8x4x4xf32>
}

// -----

// NCHW max pooling of a transposed NHWC tensor pools in NHWC, into a fresh
// fill of the same value (the first fill stays as the transpose's
// destination).
// CHECK-LABEL: func.func @max_pool
// CHECK-SAME: (%[[X:.+]]: tensor<1x8x8x4xf32>
// CHECK: %[[LOWEST:.+]] = arith.constant 0xFF800000 : f32
// CHECK: linalg.fill
// CHECK: %[[INIT:.+]] = linalg.fill ins(%[[LOWEST]] : f32)
// CHECK-NEXT: %[[POOL:.+]] = linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
// CHECK-SAME: ins(%[[X]], %{{.+}} : tensor<1x8x8x4xf32>, tensor<2x2xf32>) outs(%[[INIT]] : tensor<1x4x4x4xf32>)
// CHECK: linalg.transpose ins(%[[POOL]] : tensor<1x4x4x4xf32>) {{.*}} permutation = [0, 3, 1, 2]
// CHECK-NOT: pooling_nchw
func.func @max_pool(%x: tensor<1x8x8x4xf32>, %window: tensor<2x2xf32>) -> tensor<1x4x4x4xf32> {
  %lowest = arith.constant 0xFF800000 : f32
  %nchw = tensor.empty() : tensor<1x4x8x8xf32>
  %t = linalg.transpose ins(%x : tensor<1x8x8x4xf32>) outs(%nchw : tensor<1x4x8x8xf32>)
       permutation = [0, 3, 1, 2]
  %e = tensor.empty() : tensor<1x4x4x4xf32>
  %init = linalg.fill ins(%lowest : f32) outs(%e : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %pool = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
          ins(%t, %window : tensor<1x4x8x8xf32>, tensor<2x2xf32>) outs(%init : tensor<1x4x4x4xf32>)
          -> tensor<1x4x4x4xf32>
  return %pool : tensor<1x4x4x4xf32>
}

// -----

#in = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#out = affine_map<(d0, d1, d2, d3) -> (d0, d1)>

// A reduction (global average pooling's sum) reads the NHWC tensor through
// a permuted map rather than a materialized NCHW copy.
// CHECK: #[[$PERMUTED:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3, d1)>
// CHECK-LABEL: func.func @channel_sum
// CHECK-SAME: (%[[X:.+]]: tensor<1x7x7x32xf32>)
// CHECK-NOT: linalg.transpose
// CHECK: linalg.generic {indexing_maps = [#[[$PERMUTED]], #{{.+}}]
// CHECK-SAME: ins(%[[X]] : tensor<1x7x7x32xf32>)
func.func @channel_sum(%x: tensor<1x7x7x32xf32>) -> tensor<1x32xf32> {
  %zero = arith.constant 0.0 : f32
  %nchw = tensor.empty() : tensor<1x32x7x7xf32>
  %t = linalg.transpose ins(%x : tensor<1x7x7x32xf32>) outs(%nchw : tensor<1x32x7x7xf32>)
       permutation = [0, 3, 1, 2]
  %e = tensor.empty() : tensor<1x32xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x32xf32>) -> tensor<1x32xf32>
  %sum = linalg.generic {indexing_maps = [#in, #out],
                         iterator_types = ["parallel", "parallel", "reduction", "reduction"]}
         ins(%t : tensor<1x32x7x7xf32>) outs(%init : tensor<1x32xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %s = arith.addf %acc, %in : f32
    linalg.yield %s : f32
  } -> tensor<1x32xf32>
  return %sum : tensor<1x32xf32>
}

// -----

#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>

// Other transposes (a transformer's heads) have no inverse to meet: moving
// them would only make reads strided, so they stay where they are.
// CHECK-LABEL: func.func @heads_stay
// CHECK: %[[T:.+]] = linalg.transpose
// CHECK-SAME: permutation = [1, 0, 2]
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[T]] : tensor<4x32x8xf32>)
func.func @heads_stay(%x: tensor<32x4x8xf32>) -> tensor<4x32x8xf32> {
  %e = tensor.empty() : tensor<4x32x8xf32>
  %t = linalg.transpose ins(%x : tensor<32x4x8xf32>) outs(%e : tensor<4x32x8xf32>)
       permutation = [1, 0, 2]
  %y = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel"]}
       ins(%t : tensor<4x32x8xf32>) outs(%e : tensor<4x32x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.mulf %in, %in : f32
    linalg.yield %m : f32
  } -> tensor<4x32x8xf32>
  return %y : tensor<4x32x8xf32>
}

// -----

// Two transposes in a row compose into one.
// CHECK-LABEL: func.func @compose
// CHECK: linalg.transpose
// CHECK-SAME: permutation = [0, 2, 3, 1]
// CHECK-NOT: linalg.transpose
func.func @compose(%x: tensor<1x2x3x4xf32>) -> tensor<1x3x4x2xf32> {
  %e0 = tensor.empty() : tensor<1x4x2x3xf32>
  %a = linalg.transpose ins(%x : tensor<1x2x3x4xf32>) outs(%e0 : tensor<1x4x2x3xf32>)
       permutation = [0, 3, 1, 2]
  %e1 = tensor.empty() : tensor<1x3x4x2xf32>
  %b = linalg.transpose ins(%a : tensor<1x4x2x3xf32>) outs(%e1 : tensor<1x3x4x2xf32>)
       permutation = [0, 3, 1, 2]
  return %b : tensor<1x3x4x2xf32>
}
