// RUN: strata-opt %s -strata-convert-graph-to-linalg | FileCheck %s

//===- graph-to-linalg-pooling.mlir - Pooling graph ops to linalg ---------===//
//
// MaxPool and AveragePool become linalg's NCHW pooling ops over a padded
// input; AveragePool then divides by a per-position count computed at
// compile time. These tests pin the padding value and extents (ceil_mode
// included), the divisor constants with and without count_include_pad, and
// GlobalAveragePool's reduction.
//
//===----------------------------------------------------------------------===//

// CHECK-DAG: #[[$ID4:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[$HW:.+]] = affine_map<(d0, d1, d2, d3) -> (d2, d3)>
// CHECK-DAG: #[[$ID3:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[$NC:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[$WIN3:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d2 * 2 + d5, d3 * 2 + d6, d4 * 2 + d7)>
// CHECK-DAG: #[[$K3:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d5, d6, d7)>

// MaxPool pads with -inf, starts from -inf and uses pooling_nchw_max.
// CHECK-LABEL: func.func @max_pool
// CHECK-SAME: (%[[X:.+]]: tensor<1x2x8x8xf32>)
// CHECK: %[[NEGINF:.+]] = arith.constant 0xFF800000 : f32
// CHECK: %[[P:.+]] = tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: tensor.yield %[[NEGINF]] : f32
// CHECK: } : tensor<1x2x8x8xf32> to tensor<1x2x10x10xf32>
// CHECK: %[[INITV:.+]] = arith.constant 0xFF800000 : f32
// CHECK: %[[INIT:.+]] = linalg.fill ins(%[[INITV]] : f32) outs(%{{.+}} : tensor<1x2x4x4xf32>)
// CHECK: %[[K:.+]] = tensor.empty() : tensor<3x3xf32>
// CHECK: %[[Y:.+]] = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%[[P]], %[[K]] : tensor<1x2x10x10xf32>, tensor<3x3xf32>) outs(%[[INIT]] : tensor<1x2x4x4xf32>)
// CHECK: return %[[Y]]
func.func @max_pool(%x: tensor<1x2x8x8xf32>) -> tensor<1x2x4x4xf32> {
  %0 = graph.max_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>,
                          pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}
      : (tensor<1x2x8x8xf32>) -> tensor<1x2x4x4xf32>
  return %0 : tensor<1x2x4x4xf32>
}

// Integer MaxPool pads with the type's minimum, not zero.
// CHECK-LABEL: func.func @max_pool_int
// CHECK: %[[MIN:.+]] = arith.constant -128 : i8
// CHECK: tensor.pad %{{.+}} low[0, 0, 1, 0] high[0, 0, 0, 0]
// CHECK: tensor.yield %[[MIN]] : i8
// CHECK: linalg.pooling_nchw_max
func.func @max_pool_int(%x: tensor<1x1x4x4xi8>) -> tensor<1x1x4x3xi8> {
  %0 = graph.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 1, 1>,
                          pads = array<i64: 1, 0, 0, 0>, dilations = array<i64: 1, 1>}
      : (tensor<1x1x4x4xi8>) -> tensor<1x1x4x3xi8>
  return %0 : tensor<1x1x4x3xi8>
}

// ceil_mode adds end padding so the last, partial window fits: 7 + 1 = 8.
// CHECK-LABEL: func.func @max_pool_ceil_mode
// CHECK: tensor.pad %{{.+}} low[0, 0, 0, 0] high[0, 0, 1, 1]
// CHECK: } : tensor<1x1x7x7xf32> to tensor<1x1x8x8xf32>
// CHECK: linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%{{.+}}, %{{.+}} : tensor<1x1x8x8xf32>, tensor<2x2xf32>) outs(%{{.+}} : tensor<1x1x4x4xf32>)
func.func @max_pool_ceil_mode(%x: tensor<1x1x7x7xf32>) -> tensor<1x1x4x4xf32> {
  %0 = graph.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>,
                          pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>,
                          ceil_mode = true}
      : (tensor<1x1x7x7xf32>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

// Dilations reach the pooling op unchanged.
// CHECK-LABEL: func.func @max_pool_dilated
// CHECK: linalg.pooling_nchw_max {dilations = dense<2> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%{{.+}}, %{{.+}} : tensor<1x1x6x6xf32>, tensor<2x2xf32>) outs(%{{.+}} : tensor<1x1x4x4xf32>)
func.func @max_pool_dilated(%x: tensor<1x1x6x6xf32>) -> tensor<1x1x4x4xf32> {
  %0 = graph.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 1, 1>,
                          pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 2, 2>}
      : (tensor<1x1x6x6xf32>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

// A 1-D MaxPool runs as 2-D with a unit height that is neither padded nor
// strided: only the width gets ceil_mode's extra end element (7 + 1 = 8).
// CHECK-LABEL: func.func @max_pool_1d
// CHECK-SAME: (%[[X:.+]]: tensor<1x2x7xf32>)
// CHECK: %[[X4:.+]] = tensor.expand_shape %[[X]] {{\[}}[0], [1], [2, 3]] output_shape [1, 2, 1, 7] : tensor<1x2x7xf32> into tensor<1x2x1x7xf32>
// CHECK: %[[P:.+]] = tensor.pad %[[X4]] low[0, 0, 0, 0] high[0, 0, 0, 1]
// CHECK: } : tensor<1x2x1x7xf32> to tensor<1x2x1x8xf32>
// CHECK: %[[K:.+]] = tensor.empty() : tensor<1x2xf32>
// CHECK: %[[Y4:.+]] = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<[1, 2]> : tensor<2xi64>} ins(%[[P]], %[[K]] : tensor<1x2x1x8xf32>, tensor<1x2xf32>) outs(%{{.+}} : tensor<1x2x1x4xf32>)
// CHECK: %[[Y:.+]] = tensor.collapse_shape %[[Y4]] {{\[}}[0], [1], [2, 3]] : tensor<1x2x1x4xf32> into tensor<1x2x4xf32>
// CHECK: return %[[Y]]
func.func @max_pool_1d(%x: tensor<1x2x7xf32>) -> tensor<1x2x4xf32> {
  %0 = graph.max_pool %x {kernel_shape = array<i64: 2>, strides = array<i64: 2>,
                          pads = array<i64: 0, 0>, dilations = array<i64: 1>, ceil_mode = true}
      : (tensor<1x2x7xf32>) -> tensor<1x2x4xf32>
  return %0 : tensor<1x2x4xf32>
}

// A 1-D AveragePool divides each window by the elements it covers in the
// input: 2, 2, then 1 for the window that starts at the last element.
// CHECK-LABEL: func.func @average_pool_1d
// CHECK: tensor.pad %{{.+}} low[0, 0, 0, 0] high[0, 0, 0, 1]
// CHECK: } : tensor<1x1x1x5xf32> to tensor<1x1x1x6xf32>
// CHECK: linalg.pooling_nchw_sum
// CHECK: arith.constant dense<{{\[}}[2.000000e+00, 2.000000e+00, 1.000000e+00]]> : tensor<1x3xf32>
func.func @average_pool_1d(%x: tensor<1x1x5xf32>) -> tensor<1x1x3xf32> {
  %0 = graph.average_pool %x {kernel_shape = array<i64: 2>, strides = array<i64: 2>,
                              pads = array<i64: 0, 0>, ceil_mode = true}
      : (tensor<1x1x5xf32>) -> tensor<1x1x3xf32>
  return %0 : tensor<1x1x3xf32>
}

// AveragePool without count_include_pad divides by the in-input elements of
// each window: the corner window over one padded row and column covers 1.
// CHECK-LABEL: func.func @average_pool_exclude_pad
// CHECK-SAME: (%[[X:.+]]: tensor<1x1x3x3xf32>)
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[P:.+]] = tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 0, 0]
// CHECK: tensor.yield %[[ZERO]] : f32
// CHECK: } : tensor<1x1x3x3xf32> to tensor<1x1x4x4xf32>
// CHECK: %[[INIT:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<1x1x2x2xf32>)
// CHECK: %[[K:.+]] = tensor.empty() : tensor<2x2xf32>
// CHECK: %[[SUM:.+]] = linalg.pooling_nchw_sum {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%[[P]], %[[K]] : tensor<1x1x4x4xf32>, tensor<2x2xf32>) outs(%[[INIT]] : tensor<1x1x2x2xf32>)
// CHECK: %[[COUNT:.+]] = arith.constant dense<{{\[}}[1.000000e+00, 2.000000e+00], [2.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>
// CHECK: %[[Y:.+]] = linalg.generic {indexing_maps = [#[[$ID4]], #[[$HW]], #[[$ID4]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[SUM]], %[[COUNT]] : tensor<1x1x2x2xf32>, tensor<2x2xf32>)
// CHECK-NEXT: ^bb0(%[[S:.+]]: f32, %[[C:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: %[[Q:.+]] = arith.divf %[[S]], %[[C]] : f32
// CHECK-NEXT: linalg.yield %[[Q]] : f32
// CHECK: return %[[Y]]
func.func @average_pool_exclude_pad(%x: tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32> {
  %0 = graph.average_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>,
                              pads = array<i64: 1, 1, 0, 0>}
      : (tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// With count_include_pad every window counts its full 2x2 area.
// CHECK-LABEL: func.func @average_pool_include_pad
// CHECK: linalg.pooling_nchw_sum
// CHECK: %[[COUNT:.+]] = arith.constant dense<4.000000e+00> : tensor<2x2xf32>
// CHECK: linalg.generic {{.+}} ins(%{{.+}}, %[[COUNT]] : tensor<1x1x2x2xf32>, tensor<2x2xf32>)
// CHECK: arith.divf
func.func @average_pool_include_pad(%x: tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32> {
  %0 = graph.average_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>,
                              pads = array<i64: 1, 1, 0, 0>, count_include_pad = true}
      : (tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// count_include_pad counts the explicit padding but not the extra end element
// that ceil_mode adds: per axis the windows cover 3, 3, 3 and 2 elements of
// the explicitly padded input (1 + 6 + 1), so the divisors are their products.
// CHECK-LABEL: func.func @average_pool_include_pad_ceil
// CHECK: tensor.pad %{{.+}} low[0, 0, 1, 1] high[0, 0, 2, 2]
// CHECK: } : tensor<1x1x6x6xf32> to tensor<1x1x9x9xf32>
// CHECK: %[[COUNT:.+]] = arith.constant dense<{{\[}}[9.000000e+00, 9.000000e+00, 9.000000e+00, 6.000000e+00], [9.000000e+00, 9.000000e+00, 9.000000e+00, 6.000000e+00], [9.000000e+00, 9.000000e+00, 9.000000e+00, 6.000000e+00], [6.000000e+00, 6.000000e+00, 6.000000e+00, 4.000000e+00]]> : tensor<4x4xf32>
func.func @average_pool_include_pad_ceil(%x: tensor<1x1x6x6xf32>) -> tensor<1x1x4x4xf32> {
  %0 = graph.average_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>,
                              pads = array<i64: 1, 1, 1, 1>, ceil_mode = true,
                              count_include_pad = true}
      : (tensor<1x1x6x6xf32>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

// ceil_mode without padding: the last windows are clipped to the input.
// CHECK-LABEL: func.func @average_pool_ceil_mode
// CHECK: tensor.pad %{{.+}} low[0, 0, 0, 0] high[0, 0, 1, 1]
// CHECK: } : tensor<1x1x5x5xf32> to tensor<1x1x6x6xf32>
// CHECK: linalg.pooling_nchw_sum {{.+}} ins(%{{.+}}, %{{.+}} : tensor<1x1x6x6xf32>, tensor<2x2xf32>) outs(%{{.+}} : tensor<1x1x3x3xf32>)
// CHECK: arith.constant dense<{{\[}}[4.000000e+00, 4.000000e+00, 2.000000e+00], [4.000000e+00, 4.000000e+00, 2.000000e+00], [2.000000e+00, 2.000000e+00, 1.000000e+00]]> : tensor<3x3xf32>
func.func @average_pool_ceil_mode(%x: tensor<1x1x5x5xf32>) -> tensor<1x1x3x3xf32> {
  %0 = graph.average_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>,
                              pads = array<i64: 0, 0, 0, 0>, ceil_mode = true}
      : (tensor<1x1x5x5xf32>) -> tensor<1x1x3x3xf32>
  return %0 : tensor<1x1x3x3xf32>
}

// GlobalAveragePool collapses the spatial axes, sums them from zero and
// divides by their element count (7 * 7 = 49).
// CHECK-LABEL: func.func @global_average_pool
// CHECK-SAME: (%[[X:.+]]: tensor<1x8x7x7xf32>)
// CHECK: %[[FLAT:.+]] = tensor.collapse_shape %[[X]] {{\[}}[0], [1], [2, 3]] : tensor<1x8x7x7xf32> into tensor<1x8x49xf32>
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[INIT:.+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.+}} : tensor<1x8xf32>)
// CHECK: %[[SUM:.+]] = linalg.generic {indexing_maps = [#[[$ID3]], #[[$NC]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[FLAT]] : tensor<1x8x49xf32>) outs(%[[INIT]] : tensor<1x8xf32>)
// CHECK-NEXT: ^bb0(%[[IN:.+]]: f32, %[[ACC:.+]]: f32):
// CHECK-NEXT: arith.addf %[[ACC]], %[[IN]] : f32
// CHECK: %[[MEAN:.+]] = linalg.generic {{.+}} ins(%[[SUM]] : tensor<1x8xf32>) outs(%{{.+}} : tensor<1x8xf32>)
// CHECK-NEXT: ^bb0(%[[S:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: %[[N:.+]] = arith.constant 4.900000e+01 : f32
// CHECK-NEXT: arith.divf %[[S]], %[[N]] : f32
// CHECK: %[[Y:.+]] = tensor.expand_shape %[[MEAN]] {{\[}}[0], [1, 2, 3]] output_shape [1, 8, 1, 1] : tensor<1x8xf32> into tensor<1x8x1x1xf32>
// CHECK: return %[[Y]]
func.func @global_average_pool(%x: tensor<1x8x7x7xf32>) -> tensor<1x8x1x1xf32> {
  %0 = graph.global_average_pool %x : (tensor<1x8x7x7xf32>) -> tensor<1x8x1x1xf32>
  return %0 : tensor<1x8x1x1xf32>
}

// 3-D pools and unsigned max pools are one sliding-window generic; an empty
// kernel-shaped operand gives the window loops their extents.
// CHECK-LABEL: func.func @pool_3d_and_unsigned
// CHECK: linalg.generic {indexing_maps = [#[[$WIN3]], #[[$K3]], #{{.+}}]
// CHECK: arith.maximumf
// CHECK: linalg.generic
// CHECK: arith.maxui
func.func @pool_3d_and_unsigned(%x: tensor<1x1x4x4x4xf32>, %u: tensor<1x1x4x4xui8>) -> (tensor<1x1x2x2x2xf32>, tensor<1x1x2x2xui8>) {
  %0 = graph.max_pool %x {kernel_shape = array<i64: 2, 2, 2>, strides = array<i64: 2, 2, 2>,
                          pads = array<i64: 0, 0, 0, 0, 0, 0>, dilations = array<i64: 1, 1, 1>}
      : (tensor<1x1x4x4x4xf32>) -> tensor<1x1x2x2x2xf32>
  %1 = graph.max_pool %u {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>,
                          pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>}
      : (tensor<1x1x4x4xui8>) -> tensor<1x1x2x2xui8>
  return %0, %1 : tensor<1x1x2x2x2xf32>, tensor<1x1x2x2xui8>
}

// MaxPool's Indices: the window's best value and its flattened input index
// travel together through one reduction; padding taps read -inf, and only a
// strictly greater value moves the index (the first maximum wins).
// CHECK-LABEL: func.func @max_pool_indices
// CHECK: linalg.generic {{.+}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]
// CHECK: tensor.extract %{{.+}} : tensor<1x1x5x5xf32>
// CHECK: arith.cmpf ogt
// CHECK: arith.index_cast %{{.+}} : index to i64
// CHECK: linalg.yield %{{.+}}, %{{.+}} : f32, i64
func.func @max_pool_indices(%x: tensor<1x1x5x5xf32>) -> tensor<1x1x2x2xi64> {
  %0 = graph.max_pool_indices %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>,
                                  pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>,
                                  column_major = true}
      : (tensor<1x1x5x5xf32>) -> tensor<1x1x2x2xi64>
  return %0 : tensor<1x1x2x2xi64>
}
