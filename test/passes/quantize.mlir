// RUN: strata-opt %s -split-input-file --strata-quantize --canonicalize | FileCheck %s

// A convolution with its ReLU, a Flatten, then a Gemm (trans_b): the input
// is quantized once (range [-1, 1]: scale 2/255, zero point 0), weights per
// output channel (0.5 and -0.25 become int8 127 and -127), the bias at
// s_in * s_w (0.1 / (2/255 * 0.5/127) = 3239), and the ReLU is the clamp's
// lower bound, the output's zero point (range [0, 1]: -128). The
// requantization factor 2/255 * (0.5/127) / (1/255) = 0.00787 is
// 1082196484 * 2^-37. The int8 output flows through the Flatten into the
// Gemm, whose B is transposed to [K, N] at compile time and whose products
// read that int8 tensor as it is: its zero point's share, -(-128) * (8 *
// 127), joins the bias (16192 + 130048 = 146240). Only the model's result
// is dequantized. Each requantization carries its op's index among those
// quantized and the parameters of the input it read.
// CHECK-LABEL: func.func @conv_relu_flatten_gemm
//  CHECK-SAME: (%[[X:.+]]: tensor<1x1x2x2xf32>)
//   CHECK-DAG: %[[GB:.+]] = graph.constant dense<[{{\[}}146240, 113856]]> : tensor<1x2xi32>
//   CHECK-DAG: %[[G:.+]] = graph.constant dense<127> : tensor<8x2xi8>
//   CHECK-DAG: %[[CB:.+]] = graph.constant dense<{{\[\[\[\[}}3239]], {{\[\[}}12954]]]]> : tensor<1x2x1x1xi32>
//   CHECK-DAG: %[[W:.+]] = graph.constant dense<{{\[\[\[\[}}127]]], {{\[\[\[}}-127]]]]> : tensor<2x1x1x1xi8>
//       CHECK: %[[SCALED:.+]] = graph.div %[[X]]
//       CHECK: %[[ROUND:.+]] = graph.round %[[SCALED]]
//       CHECK: %[[SAT:.+]] = graph.clip %[[ROUND]] {max = 1.270000e+02 : f64, min = -1.280000e+02 : f64}
//       CHECK: %[[XQ:.+]] = graph.cast %[[SAT]] : (tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xi8>
//       CHECK: %[[ACC:.+]] = graph.conv %[[XQ]], %[[W]]
//  CHECK-SAME: : (tensor<1x1x2x2xi8>, tensor<2x1x1x1xi8>) -> tensor<1x2x2x2xi32>
//       CHECK: %[[BIASED:.+]] = graph.add %[[ACC]], %[[CB]]
//       CHECK: %[[YQ:.+]] = graph.requantize %[[BIASED]] {axis = 1 : i64, max = 127 : i32, min = -128 : i32, multiplier = array<i32: 1082196484, 1082196484>, shift = array<i32: 37, 38>, strata.quant.index = 0 : i64, strata.quant.input = array<f64: 0.0078431372549019607, 0.000000e+00>, zero_point = -128 : i32}
//       CHECK: %[[FLAT:.+]] = graph.reshape %[[YQ]] : (tensor<1x2x2x2xi8>) -> tensor<1x8xi8>
//       CHECK: %[[MM:.+]] = graph.matmul %[[FLAT]], %[[G]] : (tensor<1x8xi8>, tensor<8x2xi8>) -> tensor<1x2xi32>
//       CHECK: %[[MB:.+]] = graph.add %[[MM]], %[[GB]]
//       CHECK: %[[OQ:.+]] = graph.requantize %[[MB]] {axis = 1 : i64, max = 127 : i32, min = -128 : i32, multiplier = array<i32: 1082196484, 1082196484>, shift = array<i32: 40, 40>, strata.quant.index = 1 : i64, strata.quant.input = array<f64: 0.0039215686274509803, -1.280000e+02>, zero_point = 0 : i32}
//       CHECK: %[[OF:.+]] = graph.cast %[[OQ]] : (tensor<1x2xi8>) -> tensor<1x2xf32>
//       CHECK: %[[O:.+]] = graph.mul %[[OF]]
//   CHECK-NOT: graph.relu
//       CHECK: return %[[O]]
func.func @conv_relu_flatten_gemm(%x: tensor<1x1x2x2xf32>) -> tensor<1x2xf32> {
  %w = graph.constant dense<[[[[0.5]]], [[[-0.25]]]]> : tensor<2x1x1x1xf32>
  %b = graph.constant dense<[0.1, 0.2]> : tensor<2xf32>
  %y = graph.conv %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>,
         strata.quant.input_range = array<f64: -1.0, 1.0>, strata.quant.output_range = array<f64: 0.0, 1.0>}
      : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %r = graph.relu %y : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %f = graph.reshape %r : (tensor<1x2x2x2xf32>) -> tensor<1x8xf32>
  %g = graph.constant dense<1.0> : tensor<2x8xf32>
  %c = graph.constant dense<[0.5, -0.5]> : tensor<2xf32>
  %o = graph.gemm %f, %g, %c {trans_b = true, strata.quant.input_range = array<f64: 0.0, 1.0>,
         strata.quant.output_range = array<f64: -4.0, 4.0>}
      : (tensor<1x8xf32>, tensor<2x8xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  return %o : tensor<1x2xf32>
}

// -----

// A padded convolution whose input's zero point is not 0 (range [0, 2]:
// zero point -128) pads the int8 input with -128, the real 0, explicitly,
// so that the zero point's share of the products, -(-128) * sum(w) =
// 128 * 9 * 127 = 146304, is the same at the borders; the Conv pads nothing.
// CHECK-LABEL: func.func @padded_conv_zero_point
//   CHECK-DAG: %[[Z:.+]] = graph.constant dense<-128> : tensor<i8>
//   CHECK-DAG: %[[B:.+]] = graph.constant dense<146304> : tensor<1x1x1x1xi32>
//       CHECK: %[[XQ:.+]] = graph.cast %{{.+}} : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xi8>
//       CHECK: %[[P:.+]] = graph.pad %[[XQ]], %[[Z]] {pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>} : (tensor<1x1x4x4xi8>, tensor<i8>) -> tensor<1x1x6x6xi8>
//       CHECK: %[[ACC:.+]] = graph.conv %[[P]], %{{.+}} {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x6x6xi8>, tensor<1x1x3x3xi8>) -> tensor<1x1x4x4xi32>
//       CHECK: graph.add %[[ACC]], %[[B]]
func.func @padded_conv_zero_point(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32> {
  %w = graph.constant dense<0.5> : tensor<1x1x3x3xf32>
  %y = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>,
         strata.quant.input_range = array<f64: 0.0, 2.0>, strata.quant.output_range = array<f64: -9.0, 9.0>}
      : (tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x4x4xf32>
  return %y : tensor<1x1x4x4xf32>
}

// -----

// An int8 tensor goes through a MaxPool (max commutes with the increasing
// dequantization) with its producer's parameters, which the second Conv
// then reads instead of its own calibrated range ([0, 5.1]): no float round
// trip, no second quantization.
// CHECK-LABEL: func.func @maxpool_between_convs
//   CHECK-COUNT-1: graph.div
//       CHECK: %[[Y:.+]] = graph.requantize {{.*}}strata.quant.index = 0 : i64
//       CHECK: %[[P:.+]] = graph.max_pool %[[Y]] {{.*}} : (tensor<1x1x4x4xi8>) -> tensor<1x1x2x2xi8>
//       CHECK: graph.conv %[[P]]
//       CHECK: graph.requantize {{.*}}strata.quant.index = 1 : i64, strata.quant.input = array<f64: 0.0099999{{[0-9]*}}, -1.280000e+02>
//   CHECK-NOT: graph.div
func.func @maxpool_between_convs(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32> {
  %w = graph.constant dense<1.0> : tensor<1x1x1x1xf32>
  %y = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>,
         strata.quant.input_range = array<f64: -1.0, 1.0>, strata.quant.output_range = array<f64: 0.0, 2.55>}
      : (tensor<1x1x4x4xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x4x4xf32>
  %r = graph.relu %y : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  %p = graph.max_pool %r {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>}
      : (tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32>
  %z = graph.conv %p, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>,
         strata.quant.input_range = array<f64: 0.0, 5.1>, strata.quant.output_range = array<f64: -3.0, 3.0>}
      : (tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x2x2xf32>
  return %z : tensor<1x1x2x2xf32>
}

// -----

// A Clip(0, 6) folds into the clamp: range [0, 6] is scale 6/255 and zero
// point -128, so 6.0 is 127. A float user (the Sigmoid) reads the int8
// result dequantized: (q + 128) * 6/255.
// CHECK-LABEL: func.func @matmul_relu6_float_user
//   CHECK-DAG: %[[S:.+]] = graph.constant dense<0.0235294122> : tensor<f32>
//   CHECK-DAG: %[[Z:.+]] = graph.constant dense<-1.280000e+02> : tensor<f32>
//       CHECK: %[[Q:.+]] = graph.requantize %{{.+}} {axis = 1 : i64, max = 127 : i32, min = -128 : i32, {{.*}}zero_point = -128 : i32}
//       CHECK: %[[F:.+]] = graph.cast %[[Q]] : (tensor<2x3xi8>) -> tensor<2x3xf32>
//       CHECK: %[[C:.+]] = graph.sub %[[F]], %[[Z]]
//       CHECK: %[[D:.+]] = graph.mul %[[C]], %[[S]]
//       CHECK: graph.sigmoid %[[D]]
//   CHECK-NOT: graph.clip {{.*}}max = 6
func.func @matmul_relu6_float_user(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %w = graph.constant dense<0.25> : tensor<4x3xf32>
  %y = graph.matmul %x, %w {strata.quant.input_range = array<f64: -2.0, 2.0>,
         strata.quant.output_range = array<f64: 0.0, 6.0>}
      : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  %r = graph.clip %y {min = 0.0 : f64, max = 6.0 : f64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %s = graph.sigmoid %r : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %s : tensor<2x3xf32>
}

// -----

// Without calibration ranges (an op --quant-exclude named) the op stays float.
// CHECK-LABEL: func.func @not_calibrated
//   CHECK-NOT: graph.requantize
//       CHECK: graph.matmul %{{.+}}, %{{.+}} : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
func.func @not_calibrated(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %w = graph.constant dense<0.25> : tensor<4x3xf32>
  %y = graph.matmul %x, %w : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}


// -----

// A residual Add of two quantized convolutions' outputs, and its ReLU: a
// (range [0, 2]: scale 2/255, zero point -128) and b ([-0.5, 0.5]: 1/255,
// 0) are rescaled to an int32 sum at scale 2/255 / 2^20, (a + 128) * 2^20 +
// b * 2^19, which requantizes to the output's [0, 2] (2/255, -128) by
// 2^-20 = 1073741824 * 2^-50, the ReLU the clamp's lower bound. Nothing in
// between is float.
// CHECK-LABEL: func.func @residual_add
//   CHECK-DAG: graph.constant dense<1048576> : tensor<i32>
//   CHECK-DAG: graph.constant dense<524288> : tensor<i32>
//   CHECK-DAG: graph.constant dense<-128> : tensor<i32>
//       CHECK: %[[A:.+]] = graph.requantize {{.*}}strata.quant.index = 0 : i64
//       CHECK: %[[B:.+]] = graph.requantize {{.*}}strata.quant.index = 1 : i64
//   CHECK-NOT: graph.cast {{.*}} -> tensor<1x1x2x2xf32>
//       CHECK: %[[AW:.+]] = graph.cast %[[A]] : (tensor<1x1x2x2xi8>) -> tensor<1x1x2x2xi32>
//       CHECK: %[[AC:.+]] = graph.sub %[[AW]], %{{.+}} : (tensor<1x1x2x2xi32>, tensor<i32>)
//       CHECK: %[[AM:.+]] = graph.mul %[[AC]], %{{.+}} : (tensor<1x1x2x2xi32>, tensor<i32>)
//       CHECK: %[[BW:.+]] = graph.cast %[[B]] : (tensor<1x1x2x2xi8>) -> tensor<1x1x2x2xi32>
//       CHECK: %[[BM:.+]] = graph.mul %[[BW]], %{{.+}} : (tensor<1x1x2x2xi32>, tensor<i32>)
//       CHECK: %[[S:.+]] = graph.add %[[AM]], %[[BM]]
//       CHECK: graph.requantize %[[S]] {axis = 0 : i64, max = 127 : i32, min = -128 : i32, multiplier = array<i32: 1073741824>, shift = array<i32: 50>, strata.quant.index = 2 : i64, strata.quant.input = array<f64: 0.0078431372549019607, -1.280000e+02>, zero_point = -128 : i32}
//   CHECK-NOT: graph.relu
func.func @residual_add(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32> {
  %wa = graph.constant dense<[[[[0.5]]]]> : tensor<1x1x1x1xf32>
  %wb = graph.constant dense<[[[[0.25]]]]> : tensor<1x1x1x1xf32>
  %a = graph.conv %x, %wa {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>,
         strata.quant.input_range = array<f64: -1.0, 1.0>, strata.quant.output_range = array<f64: 0.0, 2.0>}
      : (tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x2x2xf32>
  %b = graph.conv %x, %wb {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>,
         strata.quant.input_range = array<f64: -1.0, 1.0>, strata.quant.output_range = array<f64: -0.5, 0.5>}
      : (tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x2x2xf32>
  %s = graph.add %a, %b {strata.quant.input_range = array<f64: 0.0, 2.0>, strata.quant.output_range = array<f64: 0.0, 2.0>}
      : (tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  %y = graph.relu %s : (tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  return %y : tensor<1x1x2x2xf32>
}
