// RUN: strata-opt %s -split-input-file --strata-differentiate --canonicalize -verify-diagnostics | FileCheck %s

//===- differentiate.mlir - Reverse-mode gradients of the graph -----------===//
//
// strata-differentiate turns the entry into its vector-Jacobian product: a
// seed argument per result, dL/dW per Conv/Gemm/MatMul weight as results.
// The numbers are checked end to end against PyTorch's autograd
// (test/e2e/run_gradient.py); these pin the adjoint rules' structure.
//
//===----------------------------------------------------------------------===//

// Gemm, y = x W^T: dW = dy^T x, named after the initializer.
// CHECK-LABEL: func.func @gemm
//  CHECK-SAME: (%[[X:.+]]: tensor<1x4xf32>, %[[DY:.+]]: tensor<1x3xf32>) -> tensor<3x4xf32>
//  CHECK-SAME: strata.gradient_nodes = ["fc"], strata.input_names = ["x", "d_y"], strata.output_names = ["grad_fc.weight"]
//  CHECK-NEXT: %[[DW:.+]] = graph.gemm %[[DY]], %[[X]] {trans_a = true} : (tensor<1x3xf32>, tensor<1x4xf32>) -> tensor<3x4xf32>
//  CHECK-NEXT: return %[[DW]]
func.func @gemm(%x: tensor<1x4xf32>) -> tensor<1x3xf32> attributes {strata.input_names = ["x"], strata.output_names = ["y"]} {
  %w = graph.constant dense<1.0> : tensor<3x4xf32> loc("fc.weight")
  %y = graph.gemm %x, %w {trans_b = true} : (tensor<1x4xf32>, tensor<3x4xf32>) -> tensor<1x3xf32> loc("fc")
  return %y : tensor<1x3xf32>
}

// -----

// A strided convolution, ReLU, max-pool and a residual Add: the Add's two
// paths are summed; the pool's seed goes tap by tap to where the tap holds
// the window's maximum and no earlier tap did, padded back into place; the
// ReLU's where its input is positive; the filter gradient is a convolution
// of the input (batch as channels) with the seed as filters, dilated by the
// stride, cropped to 3x3.
// CHECK-LABEL: func.func @residual
//  CHECK-SAME: (%[[X:.+]]: tensor<1x2x4x4xf32>, %[[DY:.+]]: tensor<1x2x2x2xf32>) -> tensor<2x2x3x3xf32>
//       CHECK: %[[H:.+]] = graph.conv %[[X]]
//       CHECK: %[[R:.+]] = graph.relu %[[H]]
//       CHECK: %[[M:.+]] = graph.max_pool %[[R]]
//       CHECK: %[[POOLED:.+]] = graph.reduce_sum %[[DY]] {axes = array<i64: 3>}
//       CHECK: %[[TAP0:.+]] = graph.slice %[[R]] {axes = array<i64: 2, 3>, ends = array<i64: 2, 1>, starts = array<i64: 0, 0>
//       CHECK: %[[WINS0:.+]] = graph.equal %[[TAP0]], %[[M]]
//       CHECK: %[[PART0:.+]] = graph.where %[[WINS0]], %[[POOLED]]
//       CHECK: %[[PLACED0:.+]] = graph.pad %[[PART0]], %{{.+}} {pads = array<i64: 0, 0, 0, 0, 0, 0, 0, 1>}
//       CHECK: %[[TAP1:.+]] = graph.slice %[[R]] {axes = array<i64: 2, 3>, ends = array<i64: 2, 2>, starts = array<i64: 0, 1>
//       CHECK: %[[HOLDS1:.+]] = graph.equal %[[TAP1]], %[[M]]
//       CHECK: %[[LOST0:.+]] = graph.not %[[WINS0]]
//       CHECK: %[[WINS1:.+]] = graph.and %[[HOLDS1]], %[[LOST0]]
//       CHECK: %[[PART1:.+]] = graph.where %[[WINS1]], %[[POOLED]]
//       CHECK: %[[PLACED1:.+]] = graph.pad %[[PART1]], %{{.+}} {pads = array<i64: 0, 0, 0, 1, 0, 0, 0, 0>}
//       CHECK: %[[BACK:.+]] = graph.add %[[PLACED0]], %[[PLACED1]]
//       CHECK: %[[SUM:.+]] = graph.add %[[DY]], %[[BACK]]
//       CHECK: %[[POSITIVE:.+]] = graph.greater %[[H]]
//       CHECK: %[[DH:.+]] = graph.where %[[POSITIVE]], %[[SUM]]
//       CHECK: %[[IN:.+]] = graph.reshape %[[X]] : (tensor<1x2x4x4xf32>) -> tensor<2x1x4x4xf32>
//       CHECK: %[[FILTERS:.+]] = graph.reshape %[[DH]] : (tensor<1x2x2x2xf32>) -> tensor<2x1x2x2xf32>
//       CHECK: %[[FULL:.+]] = graph.conv %[[IN]], %[[FILTERS]] {dilations = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : {{.*}} -> tensor<2x2x4x4xf32>
//       CHECK: %[[CROPPED:.+]] = graph.slice %[[FULL]] {axes = array<i64: 2, 3>, ends = array<i64: 3, 3>, starts = array<i64: 0, 0>
//       CHECK: %[[DW:.+]] = graph.transpose %[[CROPPED]] {perm = array<i64: 1, 0, 2, 3>}
//       CHECK: return %[[DW]]
func.func @residual(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32> {
  %w = graph.constant dense<0.5> : tensor<2x2x3x3xf32>
  %h = graph.conv %x, %w {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}
      : (tensor<1x2x4x4xf32>, tensor<2x2x3x3xf32>) -> tensor<1x2x2x2xf32>
  %r = graph.relu %h : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %m = graph.max_pool %r {kernel_shape = array<i64: 1, 2>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x1xf32>
  %s = graph.add %m, %r : (tensor<1x2x2x1xf32>, tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  return %s : tensor<1x2x2x2xf32>
}

// -----

// The input gradient of a stride-2 convolution: the seed dilated (a zero
// after each element, the last dropped) and convolved with the flipped
// filters [3, 2, 1]; its filter gradient is a plain convolution.
// CHECK-LABEL: func.func @chain
//  CHECK-SAME: (%[[X:.+]]: tensor<1x1x5x1xf32>, %[[DY:.+]]: tensor<1x1x3x1xf32>) -> (tensor<1x1x1x1xf32>, tensor<1x1x3x1xf32>)
//   CHECK-DAG: %[[FLIPPED:.+]] = graph.constant dense<{{\[\[\[\[}}3.000000e+00], [2.000000e+00], [1.000000e+00]]]]> : tensor<1x1x3x1xf32>
//       CHECK: %[[SPLIT:.+]] = graph.reshape %[[DY]] : (tensor<1x1x3x1xf32>) -> tensor<1x1x3x1x1x1xf32>
//       CHECK: %[[PADDED:.+]] = graph.pad %[[SPLIT]], %{{.+}} {pads = array<i64: 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0>}
//       CHECK: %[[DILATED:.+]] = graph.reshape %[[PADDED]] : (tensor<1x1x3x2x1x1xf32>) -> tensor<1x1x6x1xf32>
//       CHECK: %[[TRIMMED:.+]] = graph.slice %[[DILATED]] {axes = array<i64: 2>, ends = array<i64: 5>, starts = array<i64: 0>
//       CHECK: %[[DH:.+]] = graph.conv %[[TRIMMED]], %[[FLIPPED]] {dilations = array<i64: 1, 1>, pads = array<i64: 1, 0, 1, 0>, strides = array<i64: 1, 1>} : {{.*}} -> tensor<1x1x5x1xf32>
//       CHECK: %[[DW1:.+]] = graph.conv %[[X]], %[[DH]] {{.*}} -> tensor<1x1x1x1xf32>
//       CHECK: return %[[DW1]], %{{.+}} : tensor<1x1x1x1xf32>, tensor<1x1x3x1xf32>
func.func @chain(%x: tensor<1x1x5x1xf32>) -> tensor<1x1x3x1xf32> {
  %w1 = graph.constant dense<2.0> : tensor<1x1x1x1xf32>
  %w2 = graph.constant dense<[[[[1.0], [2.0], [3.0]]]]> : tensor<1x1x3x1xf32>
  %h = graph.conv %x, %w1 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>}
      : (tensor<1x1x5x1xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x5x1xf32>
  %y = graph.conv %h, %w2 {strides = array<i64: 2, 1>, pads = array<i64: 1, 0, 1, 0>, dilations = array<i64: 1, 1>}
      : (tensor<1x1x5x1xf32>, tensor<1x1x3x1xf32>) -> tensor<1x1x3x1xf32>
  return %y : tensor<1x1x3x1xf32>
}

// -----

func.func @unsupported(%x: tensor<1x4xf32>) -> tensor<1x3xf32> {
  %w = graph.constant dense<1.0> : tensor<3x4xf32>
  %y = graph.gemm %x, %w {trans_b = true} : (tensor<1x4xf32>, tensor<3x4xf32>) -> tensor<1x3xf32>
  // expected-error @below {{strata-differentiate: no gradient rule for this op}}
  %s = graph.sin %y : (tensor<1x3xf32>) -> tensor<1x3xf32>
  return %s : tensor<1x3xf32>
}

// -----

// expected-error @below {{strata-differentiate: no Conv, Gemm or MatMul with constant float weights computed from the inputs}}
func.func @no_weights(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %s = graph.relu %x : (tensor<1x4xf32>) -> tensor<1x4xf32>
  return %s : tensor<1x4xf32>
}

// -----

// expected-error @below {{strata-differentiate: every result must be a static float32 tensor, not 'tensor<1x3xi64>'}}
func.func @integer_result(%x: tensor<1x4xf32>) -> tensor<1x3xi64> {
  %w = graph.constant dense<1.0> : tensor<3x4xf32>
  %y = graph.gemm %x, %w {trans_b = true} : (tensor<1x4xf32>, tensor<3x4xf32>) -> tensor<1x3xf32>
  %i = graph.cast %y : (tensor<1x3xf32>) -> tensor<1x3xi64>
  return %i : tensor<1x3xi64>
}
