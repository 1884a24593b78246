// RUN: strata-opt %s -strata-convert-graph-to-linalg | FileCheck %s

// ReduceMean: a sum over the reduced axes, a division by their element
// count, and a reshape that keeps the axis with extent 1.
// CHECK-LABEL: func.func @reduce_mean_keepdims
// CHECK: %[[INIT:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<2x4xf32>)
// CHECK: %[[SUM:.+]] = linalg.generic {{.+}}iterator_types = ["parallel", "reduction", "parallel"]{{.+}} ins(%arg0 : tensor<2x3x4xf32>) outs(%[[INIT]] : tensor<2x4xf32>)
// CHECK: arith.addf
// CHECK: %[[MEAN:.+]] = linalg.generic {{.+}} ins(%[[SUM]] : tensor<2x4xf32>)
// CHECK: %[[THREE:.+]] = arith.constant 3.000000e+00 : f32
// CHECK: arith.divf %{{.+}}, %[[THREE]]
// CHECK: tensor.expand_shape %[[MEAN]] {{\[}}[0], [1, 2]] output_shape [2, 1, 4] : tensor<2x4xf32> into tensor<2x1x4xf32>
func.func @reduce_mean_keepdims(%x: tensor<2x3x4xf32>) -> tensor<2x1x4xf32> {
  %0 = graph.reduce_mean %x {axes = array<i64: 1>} : (tensor<2x3x4xf32>) -> tensor<2x1x4xf32>
  return %0 : tensor<2x1x4xf32>
}

// ReduceMin starts from +inf and combines with minimumf.
// CHECK-LABEL: func.func @reduce_min_all
// CHECK: arith.constant 0x7F800000 : f32
// CHECK: arith.minimumf
func.func @reduce_min_all(%x: tensor<2x3xf32>) -> tensor<f32> {
  %0 = graph.reduce_min %x {axes = array<i64: 0, 1>, keepdims = false} : (tensor<2x3xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// ArgMax carries (value, index) through one reduction; the first element
// always wins so ties and all-equal rows keep index 0 (select_last_index
// would use >=).
// CHECK-LABEL: func.func @arg_max
// CHECK: %[[R:.+]]:2 = linalg.generic {{.+}}iterator_types = ["parallel", "reduction"]{{.+}} outs(%{{.+}}, %{{.+}} : tensor<2xf32>, tensor<2xi64>)
// CHECK: linalg.index 1
// CHECK: arith.cmpf ogt
// CHECK: arith.ori
// CHECK: tensor.expand_shape %[[R]]#1
func.func @arg_max(%x: tensor<2x5xf32>) -> tensor<2x1xi64> {
  %0 = graph.arg_max %x {axis = 1 : i64} : (tensor<2x5xf32>) -> tensor<2x1xi64>
  return %0 : tensor<2x1xi64>
}
