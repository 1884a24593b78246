// RUN: strata-opt %s -strata-convert-graph-to-linalg | FileCheck %s

//===- graph-to-linalg-contraction.mlir - MatMul, Gemm and Conv lowering --===//
//
// Contractions become named linalg ops wherever one fits, because target
// strategies tile those best; the other forms become contraction generics.
// These tests pin which form each operand layout selects, the reshapes
// around it, and how biases, C, alpha and beta seed or scale the result.
//
//===----------------------------------------------------------------------===//

// CHECK-DAG: #[[$CONV3_IN:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7, d8) -> (d0, d5, d2 * 2 + d6, d3 * 2 + d7, d4 * 2 + d8)>
// CHECK-DAG: #[[$CONV3_W:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7, d8) -> (d1, d5, d6, d7, d8)>
// CHECK-DAG: #[[$BM_LHS:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, 0, d2, d4)>
// CHECK-DAG: #[[$BM_RHS:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d4, d3)>
// CHECK-DAG: #[[$BM_OUT:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[$M2_LHS:.+]] = affine_map<(d0, d1, d2, d3) -> (d1, d3)>
// CHECK-DAG: #[[$M2_RHS:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d3, d2)>
// CHECK-DAG: #[[$M2_OUT:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-DAG: #[[$ROW:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[$ID2:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$MK:.+]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[$NK:.+]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[$MN:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[$KM:.+]] = affine_map<(d0, d1, d2) -> (d2, d0)>
// CHECK-DAG: #[[$KN:.+]] = affine_map<(d0, d1, d2) -> (d2, d1)>
// CHECK-DAG: #[[$ID4:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[$LAST:.+]] = affine_map<(d0, d1, d2, d3) -> (d3)>

// A 2-D MatMul is linalg.matmul into a zero-filled accumulator.
// CHECK-LABEL: func.func @matmul_2d
// CHECK-SAME: (%[[A:.+]]: tensor<4x8xf32>, %[[B:.+]]: tensor<8x5xf32>)
// CHECK: %[[E:.+]] = tensor.empty() : tensor<4x5xf32>
// CHECK: %[[Z:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[F:.+]] = linalg.fill ins(%[[Z]] : f32) outs(%[[E]] : tensor<4x5xf32>)
// CHECK: %[[M:.+]] = linalg.matmul ins(%[[A]], %[[B]] : tensor<4x8xf32>, tensor<8x5xf32>) outs(%[[F]] : tensor<4x5xf32>) -> tensor<4x5xf32>
// CHECK: return %[[M]]
func.func @matmul_2d(%a: tensor<4x8xf32>, %b: tensor<8x5xf32>) -> tensor<4x5xf32> {
  %0 = graph.matmul %a, %b : (tensor<4x8xf32>, tensor<8x5xf32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// An N-D lhs times a matrix is one linalg.matmul over the flattened rows.
// CHECK-LABEL: func.func @matmul_nd_by_2d
// CHECK-SAME: (%[[A:.+]]: tensor<2x3x4x8xf32>, %[[B:.+]]: tensor<8x5xf32>)
// CHECK: %[[FLAT:.+]] = tensor.collapse_shape %[[A]] {{\[}}[0, 1, 2], [3]] : tensor<2x3x4x8xf32> into tensor<24x8xf32>
// CHECK: %[[M:.+]] = linalg.matmul ins(%[[FLAT]], %[[B]] : tensor<24x8xf32>, tensor<8x5xf32>) outs(%{{.+}} : tensor<24x5xf32>)
// CHECK: %[[R:.+]] = tensor.expand_shape %[[M]] {{\[}}[0, 1, 2], [3]] output_shape [2, 3, 4, 5] : tensor<24x5xf32> into tensor<2x3x4x5xf32>
// CHECK: return %[[R]]
func.func @matmul_nd_by_2d(%a: tensor<2x3x4x8xf32>, %b: tensor<8x5xf32>) -> tensor<2x3x4x5xf32> {
  %0 = graph.matmul %a, %b : (tensor<2x3x4x8xf32>, tensor<8x5xf32>) -> tensor<2x3x4x5xf32>
  return %0 : tensor<2x3x4x5xf32>
}

// 1-D operands are promoted to a row (lhs) or column (rhs) and the unit axis dropped.
// CHECK-LABEL: func.func @matmul_vectors
// CHECK-SAME: (%[[V:.+]]: tensor<8xf32>, %[[B:.+]]: tensor<8x5xf32>, %[[A:.+]]: tensor<4x8xf32>)
// CHECK: %[[ROWV:.+]] = tensor.expand_shape %[[V]] {{\[}}[0, 1]] output_shape [1, 8] : tensor<8xf32> into tensor<1x8xf32>
// CHECK: %[[M0:.+]] = linalg.matmul ins(%[[ROWV]], %[[B]] : tensor<1x8xf32>, tensor<8x5xf32>) outs(%{{.+}} : tensor<1x5xf32>)
// CHECK: %[[R0:.+]] = tensor.collapse_shape %[[M0]] {{\[}}[0, 1]] : tensor<1x5xf32> into tensor<5xf32>
// CHECK: %[[COLV:.+]] = tensor.expand_shape %[[V]] {{\[}}[0, 1]] output_shape [8, 1] : tensor<8xf32> into tensor<8x1xf32>
// CHECK: %[[M1:.+]] = linalg.matmul ins(%[[A]], %[[COLV]] : tensor<4x8xf32>, tensor<8x1xf32>) outs(%{{.+}} : tensor<4x1xf32>)
// CHECK: %[[R1:.+]] = tensor.collapse_shape %[[M1]] {{\[}}[0, 1]] : tensor<4x1xf32> into tensor<4xf32>
// CHECK: return %[[R0]], %[[R1]]
func.func @matmul_vectors(%v: tensor<8xf32>, %b: tensor<8x5xf32>, %a: tensor<4x8xf32>)
    -> (tensor<5xf32>, tensor<4xf32>) {
  %0 = graph.matmul %v, %b : (tensor<8xf32>, tensor<8x5xf32>) -> tensor<5xf32>
  %1 = graph.matmul %a, %v : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4xf32>
  return %0, %1 : tensor<5xf32>, tensor<4xf32>
}

// Equal 3-D batches use linalg.batch_matmul.
// CHECK-LABEL: func.func @matmul_batch
// CHECK-SAME: (%[[A:.+]]: tensor<2x4x8xf32>, %[[B:.+]]: tensor<2x8x5xf32>)
// CHECK: %[[F:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<2x4x5xf32>)
// CHECK: %[[M:.+]] = linalg.batch_matmul ins(%[[A]], %[[B]] : tensor<2x4x8xf32>, tensor<2x8x5xf32>) outs(%[[F]] : tensor<2x4x5xf32>)
// CHECK: return %[[M]]
func.func @matmul_batch(%a: tensor<2x4x8xf32>, %b: tensor<2x8x5xf32>) -> tensor<2x4x5xf32> {
  %0 = graph.matmul %a, %b : (tensor<2x4x8xf32>, tensor<2x8x5xf32>) -> tensor<2x4x5xf32>
  return %0 : tensor<2x4x5xf32>
}

// Broadcast batch axes become a contraction generic: the unit batch axis of the
// lhs reads index 0, the rank-3 rhs aligns with the trailing batch axis.
// CHECK-LABEL: func.func @matmul_broadcast_batch
// CHECK-SAME: (%[[A:.+]]: tensor<2x1x4x8xf32>, %[[B:.+]]: tensor<3x8x5xf32>)
// CHECK: %[[F:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<2x3x4x5xf32>)
// CHECK: %[[M:.+]] = linalg.generic {indexing_maps = [#[[$BM_LHS]], #[[$BM_RHS]], #[[$BM_OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%[[A]], %[[B]] : tensor<2x1x4x8xf32>, tensor<3x8x5xf32>) outs(%[[F]] : tensor<2x3x4x5xf32>)
// CHECK-NEXT: ^bb0(%[[L:.+]]: f32, %[[R:.+]]: f32, %[[ACC:.+]]: f32):
// CHECK-NEXT: %[[P:.+]] = arith.mulf %[[L]], %[[R]] : f32
// CHECK-NEXT: %[[S:.+]] = arith.addf %[[ACC]], %[[P]] : f32
// CHECK-NEXT: linalg.yield %[[S]] : f32
// CHECK-NOT: linalg.matmul
// CHECK: return %[[M]]
func.func @matmul_broadcast_batch(%a: tensor<2x1x4x8xf32>, %b: tensor<3x8x5xf32>)
    -> tensor<2x3x4x5xf32> {
  %0 = graph.matmul %a, %b : (tensor<2x1x4x8xf32>, tensor<3x8x5xf32>) -> tensor<2x3x4x5xf32>
  return %0 : tensor<2x3x4x5xf32>
}

// A matrix lhs times a batched rhs: the lhs map has no batch axis.
// CHECK-LABEL: func.func @matmul_2d_by_3d
// CHECK: linalg.generic {indexing_maps = [#[[$M2_LHS]], #[[$M2_RHS]], #[[$M2_OUT]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%{{.+}}, %{{.+}} : tensor<4x8xf32>, tensor<3x8x5xf32>) outs(%{{.+}} : tensor<3x4x5xf32>)
func.func @matmul_2d_by_3d(%a: tensor<4x8xf32>, %b: tensor<3x8x5xf32>) -> tensor<3x4x5xf32> {
  %0 = graph.matmul %a, %b : (tensor<4x8xf32>, tensor<3x8x5xf32>) -> tensor<3x4x5xf32>
  return %0 : tensor<3x4x5xf32>
}

// Gemm with trans_b (a Linear layer): C broadcast into the accumulator, then a
// contraction generic reading B as (n, k).
// CHECK-LABEL: func.func @gemm_trans_b
// CHECK-SAME: (%[[A:.+]]: tensor<1x512xf32>, %[[W:.+]]: tensor<1000x512xf32>, %[[C:.+]]: tensor<1000xf32>)
// CHECK: %[[INIT:.+]] = linalg.generic {indexing_maps = [#[[$ROW]], #[[$ID2]]], iterator_types = ["parallel", "parallel"]} ins(%[[C]] : tensor<1000xf32>) outs(%{{.+}} : tensor<1x1000xf32>)
// CHECK-NEXT: ^bb0(%[[IN:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: linalg.yield %[[IN]] : f32
// CHECK: %[[Y:.+]] = linalg.generic {indexing_maps = [#[[$MK]], #[[$NK]], #[[$MN]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[A]], %[[W]] : tensor<1x512xf32>, tensor<1000x512xf32>) outs(%[[INIT]] : tensor<1x1000xf32>)
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK-NOT: linalg.matmul
// CHECK: return %[[Y]]
func.func @gemm_trans_b(%a: tensor<1x512xf32>, %w: tensor<1000x512xf32>, %c: tensor<1000xf32>)
    -> tensor<1x1000xf32> {
  %0 = graph.gemm %a, %w, %c {trans_b = true}
      : (tensor<1x512xf32>, tensor<1000x512xf32>, tensor<1000xf32>) -> tensor<1x1000xf32>
  return %0 : tensor<1x1000xf32>
}

// Gemm with alpha and beta: the accumulator is beta * C, A is scaled by alpha,
// and trans_a reads A as (k, m).
// CHECK-LABEL: func.func @gemm_alpha_beta_trans_a
// CHECK-SAME: (%[[A:.+]]: tensor<3x2xf32>, %[[B:.+]]: tensor<3x4xf32>, %[[C:.+]]: tensor<2x4xf32>)
// CHECK: %[[INIT:.+]] = linalg.generic {indexing_maps = [#[[$ID2]], #[[$ID2]]], iterator_types = ["parallel", "parallel"]} ins(%[[C]] : tensor<2x4xf32>) outs(%{{.+}} : tensor<2x4xf32>)
// CHECK-NEXT: ^bb0(%[[IC:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: %[[BETA:.+]] = arith.constant 2.000000e+00 : f32
// CHECK-NEXT: %[[BC:.+]] = arith.mulf %[[IC]], %[[BETA]] : f32
// CHECK-NEXT: linalg.yield %[[BC]] : f32
// CHECK: %[[SA:.+]] = linalg.generic {indexing_maps = [#[[$ID2]], #[[$ID2]]], iterator_types = ["parallel", "parallel"]} ins(%[[A]] : tensor<3x2xf32>) outs(%{{.+}} : tensor<3x2xf32>)
// CHECK-NEXT: ^bb0(%[[IA:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: %[[ALPHA:.+]] = arith.constant 5.000000e-01 : f32
// CHECK-NEXT: %[[AA:.+]] = arith.mulf %[[IA]], %[[ALPHA]] : f32
// CHECK-NEXT: linalg.yield %[[AA]] : f32
// CHECK: %[[Y:.+]] = linalg.generic {indexing_maps = [#[[$KM]], #[[$KN]], #[[$MN]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[SA]], %[[B]] : tensor<3x2xf32>, tensor<3x4xf32>) outs(%[[INIT]] : tensor<2x4xf32>)
// CHECK: return %[[Y]]
func.func @gemm_alpha_beta_trans_a(%a: tensor<3x2xf32>, %b: tensor<3x4xf32>, %c: tensor<2x4xf32>)
    -> tensor<2x4xf32> {
  %0 = graph.gemm %a, %b, %c {trans_a = true, alpha = 0.5 : f32, beta = 2.0 : f32}
      : (tensor<3x2xf32>, tensor<3x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// Gemm without transposes is linalg.matmul; beta = 0 ignores C entirely.
// CHECK-LABEL: func.func @gemm_plain_beta_zero
// CHECK-SAME: (%[[A:.+]]: tensor<2x3xf32>, %[[B:.+]]: tensor<3x4xf32>, %[[C:.+]]: tensor<2x4xf32>)
// CHECK: %[[F:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<2x4xf32>)
// CHECK: %[[M:.+]] = linalg.matmul ins(%[[A]], %[[B]] : tensor<2x3xf32>, tensor<3x4xf32>) outs(%[[F]] : tensor<2x4xf32>)
// CHECK-NOT: %[[C]]
// CHECK: return %[[M]]
func.func @gemm_plain_beta_zero(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>, %c: tensor<2x4xf32>)
    -> tensor<2x4xf32> {
  %0 = graph.gemm %a, %b, %c {beta = 0.0 : f32}
      : (tensor<2x3xf32>, tensor<3x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// Gemm with C and default alpha/beta seeds the matmul with C as is.
// CHECK-LABEL: func.func @gemm_plain_with_c
// CHECK-SAME: (%[[A:.+]]: tensor<2x3xf32>, %[[B:.+]]: tensor<3x4xf32>, %[[C:.+]]: tensor<4xf32>)
// CHECK: %[[INIT:.+]] = linalg.generic {indexing_maps = [#[[$ROW]], #[[$ID2]]], {{.+}} ins(%[[C]] : tensor<4xf32>)
// CHECK-NOT: arith.mulf
// CHECK: %[[M:.+]] = linalg.matmul ins(%[[A]], %[[B]] : tensor<2x3xf32>, tensor<3x4xf32>) outs(%[[INIT]] : tensor<2x4xf32>)
// CHECK: return %[[M]]
func.func @gemm_plain_with_c(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>, %c: tensor<4xf32>)
    -> tensor<2x4xf32> {
  %0 = graph.gemm %a, %b, %c : (tensor<2x3xf32>, tensor<3x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// A group-1 convolution pads the input with zeros and computes in NHWC: the
// padded input and the filter are transposed (NCHW -> NHWC, FCHW -> HWCF),
// the bias seeds the NHWC accumulator along its last axis, and the result is
// transposed back to NCHW.
// CHECK-LABEL: func.func @conv_bias_padded
// CHECK-SAME: (%[[X:.+]]: tensor<1x3x8x8xf32>, %[[W:.+]]: tensor<4x3x3x3xf32>, %[[B:.+]]: tensor<4xf32>)
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[P:.+]] = tensor.pad %[[X]] low[0, 0, 1, 2] high[0, 0, 1, 0]
// CHECK: tensor.yield %[[ZERO]] : f32
// CHECK: } : tensor<1x3x8x8xf32> to tensor<1x3x10x10xf32>
// CHECK: %[[INIT:.+]] = linalg.generic {indexing_maps = [#[[$LAST]], #[[$ID4]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[B]] : tensor<4xf32>) outs(%{{.+}} : tensor<1x4x4x4xf32>)
// CHECK: %[[XT:.+]] = linalg.transpose ins(%[[P]] : tensor<1x3x10x10xf32>) outs(%{{.+}} : tensor<1x10x10x3xf32>) permutation = [0, 2, 3, 1]
// CHECK: %[[WT:.+]] = linalg.transpose ins(%[[W]] : tensor<4x3x3x3xf32>) outs(%{{.+}} : tensor<3x3x3x4xf32>) permutation = [2, 3, 1, 0]
// CHECK: %[[Y:.+]] = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%[[XT]], %[[WT]] : tensor<1x10x10x3xf32>, tensor<3x3x3x4xf32>) outs(%[[INIT]] : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
// CHECK: %[[R:.+]] = linalg.transpose ins(%[[Y]] : tensor<1x4x4x4xf32>) outs(%{{.+}} : tensor<1x4x4x4xf32>) permutation = [0, 3, 1, 2]
// CHECK: return %[[R]]
func.func @conv_bias_padded(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>)
    -> tensor<1x4x4x4xf32> {
  %0 = graph.conv %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 1, 2, 1, 0>,
                              dilations = array<i64: 1, 1>}
      : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}

// Constant filters are re-laid out at compile time: no transpose runs on them.
// Element [f=1, c=0, kh=0, kw=1] = 5 lands at HWCF [0, 1, 0, 1].
// CHECK-LABEL: func.func @conv_constant_filter
// CHECK: %[[WT:.+]] = arith.constant dense<{{\[\[\[\[}}0.000000e+00, 4.000000e+00]], {{\[\[}}1.000000e+00, 5.000000e+00]]]]> : tensor<1x2x1x2xf32>
// CHECK-NOT: linalg.transpose ins(%{{.+}} : tensor<2x1x1x2xf32>)
// CHECK: linalg.conv_2d_nhwc_hwcf {{.+}} ins(%{{.+}}, %[[WT]] : tensor<1x3x3x1xf32>, tensor<1x2x1x2xf32>)
func.func @conv_constant_filter(%x: tensor<1x1x3x3xf32>) -> tensor<1x2x3x2xf32> {
  %w = graph.constant dense<[[[[0.0, 1.0]]], [[[4.0, 5.0]]]]> : tensor<2x1x1x2xf32>
  %0 = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
                          dilations = array<i64: 1, 1>}
      : (tensor<1x1x3x3xf32>, tensor<2x1x1x2xf32>) -> tensor<1x2x3x2xf32>
  return %0 : tensor<1x2x3x2xf32>
}

// Without padding no tensor.pad is emitted and the accumulator is zero-filled.
// CHECK-LABEL: func.func @conv_unpadded
// CHECK-SAME: (%[[X:.+]]: tensor<1x3x8x8xf32>, %[[W:.+]]: tensor<4x3x3x3xf32>)
// CHECK-NOT: tensor.pad
// CHECK: %[[F:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<1x4x4x4xf32>)
// CHECK: linalg.conv_2d_nhwc_hwcf {dilations = dense<2> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%{{.+}}, %{{.+}} : tensor<1x8x8x3xf32>, tensor<3x3x3x4xf32>) outs(%[[F]] : tensor<1x4x4x4xf32>)
func.func @conv_unpadded(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x4x4xf32> {
  %0 = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
                          dilations = array<i64: 2, 2>}
      : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}

// group == channels with one filter per channel is a depthwise convolution:
// the filter's unit axis is collapsed and it is re-laid out as HWC.
// CHECK-LABEL: func.func @conv_depthwise
// CHECK-SAME: (%[[X:.+]]: tensor<1x4x8x8xf32>, %[[W:.+]]: tensor<4x1x3x3xf32>)
// CHECK: %[[F:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<1x6x6x4xf32>)
// CHECK: %[[XT:.+]] = linalg.transpose ins(%[[X]] : tensor<1x4x8x8xf32>) outs(%{{.+}} : tensor<1x8x8x4xf32>) permutation = [0, 2, 3, 1]
// CHECK: %[[DW:.+]] = tensor.collapse_shape %[[W]] {{\[}}[0], [1, 2], [3]] : tensor<4x1x3x3xf32> into tensor<4x3x3xf32>
// CHECK: %[[DWT:.+]] = linalg.transpose ins(%[[DW]] : tensor<4x3x3xf32>) outs(%{{.+}} : tensor<3x3x4xf32>) permutation = [1, 2, 0]
// CHECK: %[[Y:.+]] = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%[[XT]], %[[DWT]] : tensor<1x8x8x4xf32>, tensor<3x3x4xf32>) outs(%[[F]] : tensor<1x6x6x4xf32>)
// CHECK-NOT: linalg.conv_2d
// CHECK: linalg.transpose ins(%[[Y]] : tensor<1x6x6x4xf32>) outs(%{{.+}} : tensor<1x4x6x6xf32>) permutation = [0, 3, 1, 2]
func.func @conv_depthwise(%x: tensor<1x4x8x8xf32>, %w: tensor<4x1x3x3xf32>) -> tensor<1x4x6x6xf32> {
  %0 = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
                          dilations = array<i64: 1, 1>, group = 4 : i64}
      : (tensor<1x4x8x8xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// Any other group count splits channels into (group, per-group) axes of input,
// weight and accumulator and uses linalg.conv_2d_ngchw_gfchw.
// CHECK-LABEL: func.func @conv_grouped
// CHECK-SAME: (%[[X:.+]]: tensor<1x4x8x8xf32>, %[[W:.+]]: tensor<6x2x3x3xf32>, %[[B:.+]]: tensor<6xf32>)
// CHECK: %[[P:.+]] = tensor.pad %[[X]] low[0, 0, 1, 0] high[0, 0, 0, 0]
// CHECK: } : tensor<1x4x8x8xf32> to tensor<1x4x9x8xf32>
// CHECK: %[[INIT:.+]] = linalg.generic {{.+}} ins(%[[B]] : tensor<6xf32>) outs(%{{.+}} : tensor<1x6x4x2xf32>)
// CHECK: %[[GX:.+]] = tensor.expand_shape %[[P]] {{\[}}[0], [1, 2], [3], [4]] output_shape [1, 2, 2, 9, 8] : tensor<1x4x9x8xf32> into tensor<1x2x2x9x8xf32>
// CHECK: %[[GW:.+]] = tensor.expand_shape %[[W]] {{\[}}[0, 1], [2], [3], [4]] output_shape [2, 3, 2, 3, 3] : tensor<6x2x3x3xf32> into tensor<2x3x2x3x3xf32>
// CHECK: %[[GI:.+]] = tensor.expand_shape %[[INIT]] {{\[}}[0], [1, 2], [3], [4]] output_shape [1, 2, 3, 4, 2] : tensor<1x6x4x2xf32> into tensor<1x2x3x4x2xf32>
// CHECK: %[[GY:.+]] = linalg.conv_2d_ngchw_gfchw {dilations = dense<[1, 2]> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%[[GX]], %[[GW]] : tensor<1x2x2x9x8xf32>, tensor<2x3x2x3x3xf32>) outs(%[[GI]] : tensor<1x2x3x4x2xf32>)
// CHECK: %[[Y:.+]] = tensor.collapse_shape %[[GY]] {{\[}}[0], [1, 2], [3], [4]] : tensor<1x2x3x4x2xf32> into tensor<1x6x4x2xf32>
// CHECK: return %[[Y]]
func.func @conv_grouped(%x: tensor<1x4x8x8xf32>, %w: tensor<6x2x3x3xf32>, %b: tensor<6xf32>)
    -> tensor<1x6x4x2xf32> {
  %0 = graph.conv %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 1, 0, 0, 0>,
                              dilations = array<i64: 1, 2>, group = 2 : i64}
      : (tensor<1x4x8x8xf32>, tensor<6x2x3x3xf32>, tensor<6xf32>) -> tensor<1x6x4x2xf32>
  return %0 : tensor<1x6x4x2xf32>
}

// A 1-D convolution runs as 2-D with a unit height: the input, weight and
// result gain an axis 2, and stride, dilation and pads get a leading identity.
// CHECK-LABEL: func.func @conv_1d
// CHECK-SAME: (%[[X:.+]]: tensor<2x3x10xf32>, %[[W:.+]]: tensor<5x3x3xf32>, %[[B:.+]]: tensor<5xf32>)
// CHECK: %[[X4:.+]] = tensor.expand_shape %[[X]] {{\[}}[0], [1], [2, 3]] output_shape [2, 3, 1, 10] : tensor<2x3x10xf32> into tensor<2x3x1x10xf32>
// CHECK: %[[W4:.+]] = tensor.expand_shape %[[W]] {{\[}}[0], [1], [2, 3]] output_shape [5, 3, 1, 3] : tensor<5x3x3xf32> into tensor<5x3x1x3xf32>
// CHECK: %[[P:.+]] = tensor.pad %[[X4]] low[0, 0, 0, 1] high[0, 0, 0, 0]
// CHECK: } : tensor<2x3x1x10xf32> to tensor<2x3x1x11xf32>
// CHECK: %[[INIT:.+]] = linalg.generic {indexing_maps = [#[[$LAST]], #[[$ID4]]], {{.+}} ins(%[[B]] : tensor<5xf32>) outs(%{{.+}} : tensor<2x1x5x5xf32>)
// CHECK: %[[XT:.+]] = linalg.transpose ins(%[[P]] : tensor<2x3x1x11xf32>)
// CHECK: %[[WT:.+]] = linalg.transpose ins(%[[W4]] : tensor<5x3x1x3xf32>)
// CHECK: %[[Y4:.+]] = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<[1, 2]> : tensor<2xi64>} ins(%[[XT]], %[[WT]] : tensor<2x1x11x3xf32>, tensor<1x3x3x5xf32>) outs(%[[INIT]] : tensor<2x1x5x5xf32>)
// CHECK: %[[R4:.+]] = linalg.transpose ins(%[[Y4]] : tensor<2x1x5x5xf32>) outs(%{{.+}} : tensor<2x5x1x5xf32>) permutation = [0, 3, 1, 2]
// CHECK: %[[Y:.+]] = tensor.collapse_shape %[[R4]] {{\[}}[0], [1], [2, 3]] : tensor<2x5x1x5xf32> into tensor<2x5x5xf32>
// CHECK: return %[[Y]]
func.func @conv_1d(%x: tensor<2x3x10xf32>, %w: tensor<5x3x3xf32>, %b: tensor<5xf32>) -> tensor<2x5x5xf32> {
  %0 = graph.conv %x, %w, %b {strides = array<i64: 2>, pads = array<i64: 1, 0>, dilations = array<i64: 1>}
      : (tensor<2x3x10xf32>, tensor<5x3x3xf32>, tensor<5xf32>) -> tensor<2x5x5xf32>
  return %0 : tensor<2x5x5xf32>
}

// 3-D convolution has no named op: one generic over (n, m, d, h, w, c, kd,
// kh, kw) whose input map strides and dilates, with the bias as the seed.
// CHECK-LABEL: func.func @conv_3d
// CHECK: tensor.pad %{{.+}} low[0, 0, 1, 1, 1] high[0, 0, 1, 1, 1]
// CHECK: linalg.generic {indexing_maps = [#[[$CONV3_IN]], #[[$CONV3_W]], #{{.+}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "reduction"]}
// CHECK: arith.mulf
// CHECK: arith.addf
func.func @conv_3d(%x: tensor<1x2x4x4x4xf32>, %w: tensor<3x2x3x3x3xf32>, %b: tensor<3xf32>) -> tensor<1x3x2x2x2xf32> {
  %0 = graph.conv %x, %w, %b {strides = array<i64: 2, 2, 2>, pads = array<i64: 1, 1, 1, 1, 1, 1>,
                              dilations = array<i64: 1, 1, 1>}
      : (tensor<1x2x4x4x4xf32>, tensor<3x2x3x3x3xf32>, tensor<3xf32>) -> tensor<1x3x2x2x2xf32>
  return %0 : tensor<1x3x2x2x2xf32>
}

// int8 operands of an int32 product stay int8: the named ops sign-extend
// them, and the padding is int8 zeros.
// CHECK-LABEL: func.func @widening_conv_and_matmul
//       CHECK: tensor.pad %{{.*}} low[0, 0, 1, 1] high[0, 0, 1, 1]
//       CHECK:   tensor.yield %{{.*}} : i8
//       CHECK: linalg.conv_2d_nhwc_hwcf {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x6x6x2xi8>, tensor<3x3x2x3xi8>) outs(%{{.*}} : tensor<1x4x4x3xi32>)
//       CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<2x4xi8>, tensor<4x3xi8>) outs(%{{.*}} : tensor<2x3xi32>)
func.func @widening_conv_and_matmul(%x: tensor<1x2x4x4xi8>, %w: tensor<3x2x3x3xi8>,
                                    %a: tensor<2x4xi8>, %b: tensor<4x3xi8>)
    -> (tensor<1x3x4x4xi32>, tensor<2x3xi32>) {
  %0 = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}
      : (tensor<1x2x4x4xi8>, tensor<3x2x3x3xi8>) -> tensor<1x3x4x4xi32>
  %1 = graph.matmul %a, %b : (tensor<2x4xi8>, tensor<4x3xi8>) -> tensor<2x3xi32>
  return %0, %1 : tensor<1x3x4x4xi32>, tensor<2x3xi32>
}
