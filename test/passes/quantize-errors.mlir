// RUN: strata-opt %s -split-input-file --strata-quantize -verify-diagnostics -o /dev/null

// strata-quantize's diagnostics.

// Calibration records both ranges or neither (an excluded op).
func.func @one_range(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %w = graph.constant dense<0.25> : tensor<4x3xf32>
  // expected-error @+1 {{'graph.matmul' op needs both strata.quant.input_range and strata.quant.output_range as [low, high]}}
  %y = graph.matmul %x, %w {strata.quant.input_range = array<f64: -2.0, 2.0>}
      : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// A requantization factor of 2^30 or more has no int32 multiplier with a
// shift of at least 1 (an output range far narrower than its inputs').
func.func @factor_too_large(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %w = graph.constant dense<1.0> : tensor<4x3xf32>
  // expected-error @+1 {{'graph.matmul' op cannot requantize: the output's range is too narrow for its inputs' (scale ratio}}
  %y = graph.matmul %x, %w {strata.quant.input_range = array<f64: -1.0e6, 1.0e6>,
         strata.quant.output_range = array<f64: 0.0, 1.0e-9>}
      : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}
