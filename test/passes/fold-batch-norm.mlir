// RUN: strata-opt %s --strata-fold-batch-norm | FileCheck %s

// m = scale / sqrt(var + eps) = [2, 0.5] scales each output channel's
// weights; the bias becomes b * m + (bias - mean * m) = [1*2 + (1 - 3*2),
// 2*0.5 + (0 - 1*0.5)] = [-3, 0.5], and the ReLU now follows the Conv.
// CHECK-LABEL: func.func @conv_bn_relu
//   CHECK-DAG: %[[W:.+]] = graph.constant dense<{{\[\[\[\[}}2.000000e+00]]], {{\[\[\[}}-5.000000e-01]]]]> : tensor<2x1x1x1xf32>
//   CHECK-DAG: %[[B:.+]] = graph.constant dense<[-3.000000e+00, 5.000000e-01]> : tensor<2xf32>
//       CHECK: %[[Y:.+]] = graph.conv %{{.+}}, %[[W]], %[[B]]
//   CHECK-NOT: graph.batch_normalization
//       CHECK: graph.relu %[[Y]]
func.func @conv_bn_relu(%x: tensor<1x1x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %w = graph.constant dense<[[[[1.0]]], [[[-1.0]]]]> : tensor<2x1x1x1xf32>
  %b = graph.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %scale = graph.constant dense<[2.0, 1.0]> : tensor<2xf32>
  %bias = graph.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %mean = graph.constant dense<[3.0, 1.0]> : tensor<2xf32>
  %var = graph.constant dense<[1.0, 4.0]> : tensor<2xf32>
  %y = graph.conv %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>}
      : (tensor<1x1x3x3xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  %n = graph.batch_normalization %y, %scale, %bias, %mean, %var {epsilon = 0.0 : f32}
      : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  %r = graph.relu %n : (tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  return %r : tensor<1x2x3x3xf32>
}

// A Conv whose result has another user keeps its normalization.
// CHECK-LABEL: func.func @conv_two_users
//       CHECK: graph.batch_normalization
func.func @conv_two_users(%x: tensor<1x1x3x3xf32>) -> (tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>) {
  %w = graph.constant dense<1.0> : tensor<2x1x1x1xf32>
  %p = graph.constant dense<1.0> : tensor<2xf32>
  %y = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>}
      : (tensor<1x1x3x3xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x3x3xf32>
  %n = graph.batch_normalization %y, %p, %p, %p, %p
      : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  return %y, %n : tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>
}
