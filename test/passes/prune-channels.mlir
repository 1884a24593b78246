// RUN: strata-opt %s -split-input-file --strata-prune-channels=fraction=0.5 -verify-diagnostics | FileCheck %s

//===- prune-channels.mlir - Structured pruning of convolution channels ---===//
//
// strata-prune-channels removes the lowest-norm output channels of
// convolutions with every op that reads them, a group of coupled tensors at
// a time; a group reaching a model output or an op it cannot rewire is kept
// whole.
//
//===----------------------------------------------------------------------===//

// conv -> relu -> conv: of %w1's filters (norms 1, 3, 0.5, 2) the two with
// the largest norms, 1 and 3, stay, with their bias; %w2 keeps its input
// channels 1 and 3 (values 10 * f + c). The second conv's output is a model
// output: whole.
// CHECK-LABEL: func.func @chain
//  CHECK-SAME: attributes {strata.pruned_channels = [{channels = 4 : i64, kept = 2 : i64, node = ""}]}
//       CHECK: %[[W1:.+]] = graph.constant dense<{{\[\[\[\[}}3.000000e+00]]], {{\[\[\[}}2.000000e+00]]]]> : tensor<2x1x1x1xf32>
//       CHECK: %[[B1:.+]] = graph.constant dense<[2.000000e+00, 4.000000e+00]> : tensor<2xf32>
//       CHECK: %[[H:.+]] = graph.conv %{{.+}}, %[[W1]], %[[B1]] {{.*}} -> tensor<1x2x4x4xf32>
//       CHECK: %[[R:.+]] = graph.relu %[[H]] : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
//       CHECK: %[[W2:.+]] = graph.constant dense<{{\[\[\[\[}}1.000000e+00]], {{\[\[}}3.000000e+00]]], {{\[\[\[}}1.100000e+01]], {{\[\[}}1.300000e+01]]]]> : tensor<2x2x1x1xf32>
//       CHECK: graph.conv %[[R]], %[[W2]] {{.*}} -> tensor<1x2x4x4xf32>
func.func @chain(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w1 = graph.constant dense<[[[[1.0]]], [[[3.0]]], [[[0.5]]], [[[2.0]]]]> : tensor<4x1x1x1xf32>
  %b1 = graph.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %w2 = graph.constant dense<[[[[0.0]], [[1.0]], [[2.0]], [[3.0]]], [[[10.0]], [[11.0]], [[12.0]], [[13.0]]]]> : tensor<2x4x1x1xf32>
  %h = graph.conv %x, %w1, %b1 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>}
      : (tensor<1x1x4x4xf32>, tensor<4x1x1x1xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  %r = graph.relu %h : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %y = graph.conv %r, %w2 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>}
      : (tensor<1x4x4x4xf32>, tensor<2x4x1x1xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// A residual Add couples both convolutions' outputs: the scores add up over
// %wa and %wb (channel norms^2 1 + 0, 0 + 4, 9 + 0, 0 + 0.25), so channels 1
// and 2 stay in both, in the depthwise convolution reading the sum (its
// filters and group), and in the Gemm's rows of B after the global pool.
// CHECK-LABEL: func.func @residual
//  CHECK-SAME: strata.pruned_channels = [{channels = 4 : i64, kept = 2 : i64, node = ""}, {channels = 4 : i64, kept = 2 : i64, node = ""}]
//       CHECK: graph.constant dense<{{\[\[\[\[}}0.000000e+00]]], {{\[\[\[}}3.000000e+00]]]]> : tensor<2x1x1x1xf32>
//       CHECK: graph.conv {{.*}} -> tensor<1x2x4x4xf32>
//       CHECK: graph.constant dense<{{\[\[\[\[}}2.000000e+00]]], {{\[\[\[}}0.000000e+00]]]]> : tensor<2x1x1x1xf32>
//       CHECK: graph.conv {{.*}} -> tensor<1x2x4x4xf32>
//       CHECK: graph.add {{.*}} -> tensor<1x2x4x4xf32>
//       CHECK: graph.constant dense<{{\[\[\[\[}}6.000000e+00, 7.000000e+00]]], {{\[\[\[}}8.000000e+00, 9.000000e+00]]]]> : tensor<2x1x1x2xf32>
//       CHECK: graph.conv {{.*}}group = 2 : i64{{.*}} -> tensor<1x2x4x4xf32>
//       CHECK: graph.global_average_pool {{.*}} -> tensor<1x2x1x1xf32>
//       CHECK: graph.flatten {{.*}} -> tensor<1x2xf32>
//       CHECK: graph.constant dense<{{\[}}[2.000000e+01, 2.100000e+01], [3.000000e+01, 3.100000e+01]]> : tensor<2x2xf32>
//       CHECK: graph.gemm {{.*}} -> tensor<1x2xf32>
func.func @residual(%x: tensor<1x1x4x4xf32>) -> tensor<1x2xf32> {
  %wa = graph.constant dense<[[[[1.0]]], [[[0.0]]], [[[3.0]]], [[[0.0]]]]> : tensor<4x1x1x1xf32>
  %wb = graph.constant dense<[[[[0.0]]], [[[2.0]]], [[[0.0]]], [[[0.5]]]]> : tensor<4x1x1x1xf32>
  %wd = graph.constant dense<[[[[4.0, 5.0]]], [[[6.0, 7.0]]], [[[8.0, 9.0]]], [[[1.0, 2.0]]]]> : tensor<4x1x1x2xf32>
  %g = graph.constant dense<[[10.0, 11.0], [20.0, 21.0], [30.0, 31.0], [40.0, 41.0]]> : tensor<4x2xf32>
  %a = graph.conv %x, %wa {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>}
      : (tensor<1x1x4x4xf32>, tensor<4x1x1x1xf32>) -> tensor<1x4x4x4xf32>
  %b = graph.conv %x, %wb {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>}
      : (tensor<1x1x4x4xf32>, tensor<4x1x1x1xf32>) -> tensor<1x4x4x4xf32>
  %s = graph.add %a, %b : (tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %d = graph.conv %s, %wd {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 1>, dilations = array<i64: 1, 1>, group = 4 : i64}
      : (tensor<1x4x4x4xf32>, tensor<4x1x1x2xf32>) -> tensor<1x4x4x4xf32>
  %p = graph.global_average_pool %d : (tensor<1x4x4x4xf32>) -> tensor<1x4x1x1xf32>
  %f = graph.flatten %p {axis = 1 : i64} : (tensor<1x4x1x1xf32>) -> tensor<1x4xf32>
  %y = graph.gemm %f, %g : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// The only convolution's channels are the model's output: nothing to prune.
// expected-error @+1 {{strata-prune-channels: no convolution has channels it can prune (the channels reach a model output)}}
func.func @output(%x: tensor<1x1x4x4xf32>) -> tensor<1x4x4x4xf32> {
  %w = graph.constant dense<1.0> : tensor<4x1x1x1xf32>
  %h = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>}
      : (tensor<1x1x4x4xf32>, tensor<4x1x1x1xf32>) -> tensor<1x4x4x4xf32>
  %r = graph.relu %h : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  return %r : tensor<1x4x4x4xf32>
}

// -----

// An Add with a model input: the channels reach it, and stay.
// expected-error @+1 {{strata-prune-channels: no convolution has channels it can prune (the channels reach a model input)}}
func.func @input_added(%x: tensor<1x4x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = graph.constant dense<1.0> : tensor<4x4x1x1xf32>
  %w2 = graph.constant dense<1.0> : tensor<2x4x1x1xf32>
  %h = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>}
      : (tensor<1x4x4x4xf32>, tensor<4x4x1x1xf32>) -> tensor<1x4x4x4xf32>
  %s = graph.add %h, %x : (tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %y = graph.conv %s, %w2 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>}
      : (tensor<1x4x4x4xf32>, tensor<2x4x1x1xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// A ReLU of a model input added to a convolution: pruning the sum would
// prune the ReLU and so the input.
// expected-error @+1 {{strata-prune-channels: no convolution has channels it can prune (the channels reach a model input)}}
func.func @relu_of_input(%x: tensor<1x4x4x4xf32>, %z: tensor<1x4x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = graph.constant dense<1.0> : tensor<4x4x1x1xf32>
  %w2 = graph.constant dense<1.0> : tensor<2x4x1x1xf32>
  %h = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>}
      : (tensor<1x4x4x4xf32>, tensor<4x4x1x1xf32>) -> tensor<1x4x4x4xf32>
  %r = graph.relu %z : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %s = graph.add %h, %r : (tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %y = graph.conv %s, %w2 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>}
      : (tensor<1x4x4x4xf32>, tensor<2x4x1x1xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

