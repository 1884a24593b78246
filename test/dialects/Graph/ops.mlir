// RUN: strata-opt %s | strata-opt | FileCheck %s

//===- ops.mlir - Round trip of every graph op ----------------------------===//
//
// Prints and re-parses one instance of each graph op with the shapes and
// attributes an imported model carries, so that a change to an assembly
// format or an attribute's default shows up here before it breaks a model.
//
//===----------------------------------------------------------------------===//

// Constants keep their dense payload; identity keeps its type.
// CHECK-LABEL: func.func @constants
// CHECK: %[[C:.+]] = graph.constant dense<{{\[}}[1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>
// CHECK: %[[I:.+]] = graph.constant dense<[1, -1]> : tensor<2xi64>
// CHECK: graph.identity %[[C]] : (tensor<2x2xf32>) -> tensor<2x2xf32>
func.func @constants() -> (tensor<2x2xf32>, tensor<2xi64>) {
  %c = graph.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %i = graph.constant dense<[1, -1]> : tensor<2xi64>
  %0 = graph.identity %c : (tensor<2x2xf32>) -> tensor<2x2xf32>
  return %0, %i : tensor<2x2xf32>, tensor<2xi64>
}

// Shape prints start/end only when set; constant_of_shape keeps its typed value.
// CHECK-LABEL: func.func @shape_ops
// CHECK-SAME: (%[[X:.+]]: tensor<1x3x224x224xf32>)
// CHECK: %[[S:.+]] = graph.shape %[[X]] : (tensor<1x3x224x224xf32>) -> tensor<4xi64>
// CHECK: graph.shape %[[X]] {end = 3 : i64, start = 1 : i64} : (tensor<1x3x224x224xf32>) -> tensor<2xi64>
// CHECK: graph.constant_of_shape %[[S]], 0.000000e+00 : f32 : (tensor<4xi64>) -> tensor<1x3x224x224xf32>
// CHECK: graph.constant_of_shape %[[S]], 7 : i64 : (tensor<4xi64>) -> tensor<1x3x224x224xi64>
func.func @shape_ops(%x: tensor<1x3x224x224xf32>)
    -> (tensor<2xi64>, tensor<1x3x224x224xf32>, tensor<1x3x224x224xi64>) {
  %s = graph.shape %x : (tensor<1x3x224x224xf32>) -> tensor<4xi64>
  %hw = graph.shape %x {start = 1 : i64, end = 3 : i64}
      : (tensor<1x3x224x224xf32>) -> tensor<2xi64>
  %z = graph.constant_of_shape %s, 0.0 : f32
      : (tensor<4xi64>) -> tensor<1x3x224x224xf32>
  %k = graph.constant_of_shape %s, 7 : i64
      : (tensor<4xi64>) -> tensor<1x3x224x224xi64>
  return %hw, %z, %k : tensor<2xi64>, tensor<1x3x224x224xf32>, tensor<1x3x224x224xi64>
}

// The four broadcasting binary ops keep both operand types and the result's.
// CHECK-LABEL: func.func @binary
// CHECK-SAME: (%[[A:.+]]: tensor<2x3x4xf32>, %[[B:.+]]: tensor<4xf32>, %[[C:.+]]: tensor<3x1xf32>)
// CHECK: %[[ADD:.+]] = graph.add %[[A]], %[[B]] : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
// CHECK: %[[SUB:.+]] = graph.sub %[[ADD]], %[[C]] : (tensor<2x3x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32>
// CHECK: %[[MUL:.+]] = graph.mul %[[C]], %[[B]] : (tensor<3x1xf32>, tensor<4xf32>) -> tensor<3x4xf32>
// CHECK: graph.div %[[SUB]], %[[MUL]] : (tensor<2x3x4xf32>, tensor<3x4xf32>) -> tensor<2x3x4xf32>
func.func @binary(%a: tensor<2x3x4xf32>, %b: tensor<4xf32>, %c: tensor<3x1xf32>)
    -> tensor<2x3x4xf32> {
  %0 = graph.add %a, %b : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
  %1 = graph.sub %0, %c : (tensor<2x3x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32>
  %2 = graph.mul %c, %b : (tensor<3x1xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  %3 = graph.div %1, %2 : (tensor<2x3x4xf32>, tensor<3x4xf32>) -> tensor<2x3x4xf32>
  return %3 : tensor<2x3x4xf32>
}

// Activations, clip with one or both bounds, and a cast to another element type.
// CHECK-LABEL: func.func @unary
// CHECK-SAME: (%[[X:.+]]: tensor<1x16x8x8xf32>)
// CHECK: %[[R:.+]] = graph.relu %[[X]] : (tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32>
// CHECK: %[[S:.+]] = graph.sigmoid %[[R]] : (tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32>
// CHECK: %[[T:.+]] = graph.tanh %[[S]] : (tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32>
// CHECK: %[[C6:.+]] = graph.clip %[[T]] {max = 6.000000e+00 : f64, min = 0.000000e+00 : f64} : (tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32>
// CHECK: %[[C0:.+]] = graph.clip %[[C6]] {min = -1.000000e+00 : f64} : (tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32>
// CHECK: graph.cast %[[C0]] : (tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf16>
func.func @unary(%x: tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf16> {
  %0 = graph.relu %x : (tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32>
  %1 = graph.sigmoid %0 : (tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32>
  %2 = graph.tanh %1 : (tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32>
  %3 = graph.clip %2 {min = 0.0 : f64, max = 6.0 : f64}
      : (tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32>
  %4 = graph.clip %3 {min = -1.0 : f64} : (tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32>
  %5 = graph.cast %4 : (tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf16>
  return %5 : tensor<1x16x8x8xf16>
}

// MatMul with broadcast batch axes; Gemm with and without C and its attributes.
// CHECK-LABEL: func.func @contractions
// CHECK-SAME: (%[[A:.+]]: tensor<2x1x4x8xf32>, %[[B:.+]]: tensor<3x8x5xf32>, %[[M:.+]]: tensor<1x512xf32>, %[[W:.+]]: tensor<1000x512xf32>, %[[BIAS:.+]]: tensor<1000xf32>, %[[T:.+]]: tensor<3x1000xf32>)
// CHECK: graph.matmul %[[A]], %[[B]] : (tensor<2x1x4x8xf32>, tensor<3x8x5xf32>) -> tensor<2x3x4x5xf32>
// CHECK: graph.gemm %[[M]], %[[W]], %[[BIAS]] {alpha = 5.000000e-01 : f32, beta = 2.000000e+00 : f32, trans_b = true} : (tensor<1x512xf32>, tensor<1000x512xf32>, tensor<1000xf32>) -> tensor<1x1000xf32>
// CHECK: graph.gemm %[[W]], %[[T]] {trans_a = true, trans_b = true} : (tensor<1000x512xf32>, tensor<3x1000xf32>) -> tensor<512x3xf32>
func.func @contractions(%a: tensor<2x1x4x8xf32>, %b: tensor<3x8x5xf32>,
                        %m: tensor<1x512xf32>, %w: tensor<1000x512xf32>,
                        %bias: tensor<1000xf32>, %t: tensor<3x1000xf32>)
    -> (tensor<2x3x4x5xf32>, tensor<1x1000xf32>, tensor<512x3xf32>) {
  %0 = graph.matmul %a, %b : (tensor<2x1x4x8xf32>, tensor<3x8x5xf32>) -> tensor<2x3x4x5xf32>
  %1 = graph.gemm %m, %w, %bias {alpha = 0.5 : f32, beta = 2.0 : f32, trans_b = true}
      : (tensor<1x512xf32>, tensor<1000x512xf32>, tensor<1000xf32>) -> tensor<1x1000xf32>
  %2 = graph.gemm %w, %t {trans_a = true, trans_b = true}
      : (tensor<1000x512xf32>, tensor<3x1000xf32>) -> tensor<512x3xf32>
  return %0, %1, %2 : tensor<2x3x4x5xf32>, tensor<1x1000xf32>, tensor<512x3xf32>
}

// A strided, padded convolution with bias (its default group elided), and a
// dilated depthwise one without bias.
// CHECK-LABEL: func.func @conv
// CHECK-SAME: (%[[X:.+]]: tensor<1x3x8x8xf32>, %[[W:.+]]: tensor<4x3x3x3xf32>, %[[B:.+]]: tensor<4xf32>, %[[DW:.+]]: tensor<4x1x3x3xf32>)
// CHECK: %[[Y:.+]] = graph.conv %[[X]], %[[W]], %[[B]] {dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
// CHECK: graph.conv %[[Y]], %[[DW]] {dilations = array<i64: 2, 2>, group = 4 : i64, pads = array<i64: 2, 2, 2, 2>, strides = array<i64: 1, 1>} : (tensor<1x4x4x4xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x4x4xf32>
func.func @conv(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>,
                %dw: tensor<4x1x3x3xf32>) -> tensor<1x4x4x4xf32> {
  %0 = graph.conv %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>,
                              dilations = array<i64: 1, 1>, group = 1 : i64}
      : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  %1 = graph.conv %0, %dw {strides = array<i64: 1, 1>, pads = array<i64: 2, 2, 2, 2>,
                           dilations = array<i64: 2, 2>, group = 4 : i64}
      : (tensor<1x4x4x4xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x4x4xf32>
  return %1 : tensor<1x4x4x4xf32>
}

// Pooling ops keep their window attributes, ceil_mode and count_include_pad.
// CHECK-LABEL: func.func @pooling
// CHECK-SAME: (%[[X:.+]]: tensor<1x64x112x112xf32>)
// CHECK: %[[M:.+]] = graph.max_pool %[[X]] {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x64x112x112xf32>) -> tensor<1x64x56x56xf32>
// CHECK: %[[A:.+]] = graph.average_pool %[[M]] {ceil_mode = true, count_include_pad = true, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 3, 3>} : (tensor<1x64x56x56xf32>) -> tensor<1x64x19x19xf32>
// CHECK: graph.global_average_pool %[[A]] : (tensor<1x64x19x19xf32>) -> tensor<1x64x1x1xf32>
func.func @pooling(%x: tensor<1x64x112x112xf32>) -> tensor<1x64x1x1xf32> {
  %0 = graph.max_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>,
                          pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}
      : (tensor<1x64x112x112xf32>) -> tensor<1x64x56x56xf32>
  %1 = graph.average_pool %0 {kernel_shape = array<i64: 2, 2>, strides = array<i64: 3, 3>,
                              pads = array<i64: 0, 0, 0, 0>, ceil_mode = true,
                              count_include_pad = true}
      : (tensor<1x64x56x56xf32>) -> tensor<1x64x19x19xf32>
  %2 = graph.global_average_pool %1 : (tensor<1x64x19x19xf32>) -> tensor<1x64x1x1xf32>
  return %2 : tensor<1x64x1x1xf32>
}

// Normalization ops keep epsilon and axis.
// CHECK-LABEL: func.func @normalization
// CHECK-SAME: (%[[X:.+]]: tensor<2x8x4x4xf32>, %[[P:.+]]: tensor<8xf32>, %[[L:.+]]: tensor<2x10xf32>)
// CHECK: graph.batch_normalization %[[X]], %[[P]], %[[P]], %[[P]], %[[P]] {epsilon = 1.000000e-03 : f32} : (tensor<2x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<2x8x4x4xf32>
// CHECK: graph.softmax %[[L]] {axis = 1 : i64} : (tensor<2x10xf32>) -> tensor<2x10xf32>
// CHECK: graph.log_softmax %[[L]] : (tensor<2x10xf32>) -> tensor<2x10xf32>
func.func @normalization(%x: tensor<2x8x4x4xf32>, %p: tensor<8xf32>, %l: tensor<2x10xf32>)
    -> (tensor<2x8x4x4xf32>, tensor<2x10xf32>, tensor<2x10xf32>) {
  %0 = graph.batch_normalization %x, %p, %p, %p, %p {epsilon = 1.0e-3 : f32}
      : (tensor<2x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>)
      -> tensor<2x8x4x4xf32>
  %1 = graph.softmax %l {axis = 1 : i64} : (tensor<2x10xf32>) -> tensor<2x10xf32>
  %2 = graph.log_softmax %l : (tensor<2x10xf32>) -> tensor<2x10xf32>
  return %0, %1, %2 : tensor<2x8x4x4xf32>, tensor<2x10xf32>, tensor<2x10xf32>
}

// Reshape-like ops keep their axes and target types.
// CHECK-LABEL: func.func @reshapes
// CHECK-SAME: (%[[X:.+]]: tensor<1x3x1x4xf32>)
// CHECK: %[[R:.+]] = graph.reshape %[[X]] : (tensor<1x3x1x4xf32>) -> tensor<3x4xf32>
// CHECK: graph.flatten %[[X]] {axis = 2 : i64} : (tensor<1x3x1x4xf32>) -> tensor<3x4xf32>
// CHECK: graph.squeeze %[[X]] {axes = array<i64: 0, -2>} : (tensor<1x3x1x4xf32>) -> tensor<3x4xf32>
// CHECK: graph.unsqueeze %[[R]] {axes = array<i64: 0, 3>} : (tensor<3x4xf32>) -> tensor<1x3x4x1xf32>
// CHECK: graph.expand %[[R]] : (tensor<3x4xf32>) -> tensor<2x3x4xf32>
func.func @reshapes(%x: tensor<1x3x1x4xf32>)
    -> (tensor<3x4xf32>, tensor<3x4xf32>, tensor<1x3x4x1xf32>, tensor<2x3x4xf32>) {
  %0 = graph.reshape %x : (tensor<1x3x1x4xf32>) -> tensor<3x4xf32>
  %1 = graph.flatten %x {axis = 2 : i64} : (tensor<1x3x1x4xf32>) -> tensor<3x4xf32>
  %2 = graph.squeeze %x {axes = array<i64: 0, -2>} : (tensor<1x3x1x4xf32>) -> tensor<3x4xf32>
  %3 = graph.unsqueeze %0 {axes = array<i64: 0, 3>} : (tensor<3x4xf32>) -> tensor<1x3x4x1xf32>
  %4 = graph.expand %0 : (tensor<3x4xf32>) -> tensor<2x3x4xf32>
  return %1, %2, %3, %4 : tensor<3x4xf32>, tensor<3x4xf32>, tensor<1x3x4x1xf32>, tensor<2x3x4xf32>
}

// Transpose, concat, slice (with a negative step) and gather keep their attributes.
// CHECK-LABEL: func.func @data_movement
// CHECK-SAME: (%[[X:.+]]: tensor<2x3x4xf32>, %[[Y:.+]]: tensor<2x5x4xf32>, %[[I:.+]]: tensor<2x2xi64>)
// CHECK: graph.transpose %[[X]] {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
// CHECK: graph.concat %[[X]], %[[Y]], %[[X]] {axis = -2 : i64} : (tensor<2x3x4xf32>, tensor<2x5x4xf32>, tensor<2x3x4xf32>) -> tensor<2x11x4xf32>
// CHECK: graph.slice %[[Y]] {axes = array<i64: 1, 2>, ends = array<i64: -9223372036854775807, 4>, starts = array<i64: -1, 1>, steps = array<i64: -2, 2>} : (tensor<2x5x4xf32>) -> tensor<2x3x2xf32>
// CHECK: graph.gather %[[X]], %[[I]] {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<2x2xi64>) -> tensor<2x2x2x4xf32>
func.func @data_movement(%x: tensor<2x3x4xf32>, %y: tensor<2x5x4xf32>, %i: tensor<2x2xi64>)
    -> (tensor<4x2x3xf32>, tensor<2x11x4xf32>, tensor<2x3x2xf32>, tensor<2x2x2x4xf32>) {
  %0 = graph.transpose %x {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
  %1 = graph.concat %x, %y, %x {axis = -2 : i64}
      : (tensor<2x3x4xf32>, tensor<2x5x4xf32>, tensor<2x3x4xf32>) -> tensor<2x11x4xf32>
  %2 = graph.slice %y {starts = array<i64: -1, 1>, ends = array<i64: -9223372036854775807, 4>,
                       axes = array<i64: 1, 2>, steps = array<i64: -2, 2>}
      : (tensor<2x5x4xf32>) -> tensor<2x3x2xf32>
  %3 = graph.gather %x, %i {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<2x2xi64>) -> tensor<2x2x2x4xf32>
  return %0, %1, %2, %3 : tensor<4x2x3xf32>, tensor<2x11x4xf32>, tensor<2x3x2xf32>, tensor<2x2x2x4xf32>
}

// LSTM with every optional operand keeps its keywords, and without them omits them.
// CHECK-LABEL: func.func @lstm
// CHECK-SAME: (%[[X:.+]]: tensor<5x2x3xf32>, %[[W:.+]]: tensor<1x16x3xf32>, %[[R:.+]]: tensor<1x16x4xf32>, %[[B:.+]]: tensor<1x32xf32>, %[[H:.+]]: tensor<1x2x4xf32>, %[[C:.+]]: tensor<1x2x4xf32>)
// CHECK: graph.lstm %[[X]], %[[W]], %[[R]] bias %[[B]] initial_h %[[H]] initial_c %[[C]] {hidden_size = 4 : i64} : (tensor<5x2x3xf32>, tensor<1x16x3xf32>, tensor<1x16x4xf32>, tensor<1x32xf32>, tensor<1x2x4xf32>, tensor<1x2x4xf32>) -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>, tensor<1x2x4xf32>)
// CHECK: graph.lstm %[[X]], %[[W]], %[[R]] initial_c %[[C]] {hidden_size = 4 : i64} : (tensor<5x2x3xf32>, tensor<1x16x3xf32>, tensor<1x16x4xf32>, tensor<1x2x4xf32>) -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>, tensor<1x2x4xf32>)
func.func @lstm(%x: tensor<5x2x3xf32>, %w: tensor<1x16x3xf32>, %r: tensor<1x16x4xf32>,
                %b: tensor<1x32xf32>, %h: tensor<1x2x4xf32>, %c: tensor<1x2x4xf32>)
    -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>) {
  %y, %yh, %yc = graph.lstm %x, %w, %r bias %b initial_h %h initial_c %c {hidden_size = 4 : i64}
      : (tensor<5x2x3xf32>, tensor<1x16x3xf32>, tensor<1x16x4xf32>, tensor<1x32xf32>,
         tensor<1x2x4xf32>, tensor<1x2x4xf32>)
      -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>, tensor<1x2x4xf32>)
  %y2, %yh2, %yc2 = graph.lstm %x, %w, %r initial_c %c {hidden_size = 4 : i64}
      : (tensor<5x2x3xf32>, tensor<1x16x3xf32>, tensor<1x16x4xf32>, tensor<1x2x4xf32>)
      -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>, tensor<1x2x4xf32>)
  return %y2, %yh : tensor<5x1x2x4xf32>, tensor<1x2x4xf32>
}

// Elementwise math, activations with ONNX's parameters, logic and comparison.
// CHECK-LABEL: func.func @elementwise_family
// CHECK: graph.neg %arg0 : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: graph.erf
// CHECK: graph.leaky_relu %arg0 {alpha = 2.000000e-01 : f32}
// CHECK: graph.selu %arg0 : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: graph.hard_sigmoid %arg0 {alpha = 1.000000e-01 : f32, beta = 6.000000e-01 : f32}
// CHECK: graph.pow %arg0, %arg1 : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
// CHECK: graph.max %arg0, %arg1
// CHECK: graph.less %arg0, %arg1 : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
// CHECK: graph.and %{{.*}}, %{{.*}} : (tensor<2x3xi1>, tensor<2x3xi1>) -> tensor<2x3xi1>
// CHECK: graph.not
// CHECK: graph.where %{{.*}}, %arg0, %arg1 : (tensor<2x3xi1>, tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
func.func @elementwise_family(%x: tensor<2x3xf32>, %y: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = graph.neg %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = graph.erf %0 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %2 = graph.leaky_relu %x {alpha = 0.2 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %3 = graph.selu %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %4 = graph.hard_sigmoid %x {alpha = 0.1 : f32, beta = 0.6 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %5 = graph.pow %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %6 = graph.max %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %7 = graph.less %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  %8 = graph.and %7, %7 : (tensor<2x3xi1>, tensor<2x3xi1>) -> tensor<2x3xi1>
  %9 = graph.not %8 : (tensor<2x3xi1>) -> tensor<2x3xi1>
  %10 = graph.where %9, %x, %y : (tensor<2x3xi1>, tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %10 : tensor<2x3xf32>
}

// Reductions keep or drop their axes; ArgMax/ArgMin give int64 indices.
// CHECK-LABEL: func.func @reductions
// CHECK: graph.reduce_sum %arg0 {axes = array<i64: 1>} : (tensor<2x3x4xf32>) -> tensor<2x1x4xf32>
// CHECK: graph.reduce_log_sum_exp %arg0 {axes = array<i64: 0, 2>, keepdims = false} : (tensor<2x3x4xf32>) -> tensor<3xf32>
// CHECK: graph.arg_max %arg0 {axis = 2 : i64, select_last_index = true} : (tensor<2x3x4xf32>) -> tensor<2x3x1xi64>
func.func @reductions(%x: tensor<2x3x4xf32>) -> (tensor<2x1x4xf32>, tensor<3xf32>, tensor<2x3x1xi64>) {
  %0 = graph.reduce_sum %x {axes = array<i64: 1>} : (tensor<2x3x4xf32>) -> tensor<2x1x4xf32>
  %1 = graph.reduce_log_sum_exp %x {axes = array<i64: 0, 2>, keepdims = false} : (tensor<2x3x4xf32>) -> tensor<3xf32>
  %2 = graph.arg_max %x {axis = 2 : i64, select_last_index = true} : (tensor<2x3x4xf32>) -> tensor<2x3x1xi64>
  return %0, %1, %2 : tensor<2x1x4xf32>, tensor<3xf32>, tensor<2x3x1xi64>
}

// GatherElements takes the indices' shape; Trilu keeps its input's type.
// CHECK-LABEL: func.func @gather_elements_and_trilu
// CHECK: graph.gather_elements %arg0, %arg1 {axis = 1 : i64} : (tensor<3x4xf32>, tensor<3x2xi64>) -> tensor<3x2xf32>
// CHECK: graph.trilu %arg0 {k = -1 : i64, upper = false} : (tensor<3x4xf32>) -> tensor<3x4xf32>
func.func @gather_elements_and_trilu(%x: tensor<3x4xf32>, %i: tensor<3x2xi64>) -> (tensor<3x2xf32>, tensor<3x4xf32>) {
  %0 = graph.gather_elements %x, %i {axis = 1 : i64} : (tensor<3x4xf32>, tensor<3x2xi64>) -> tensor<3x2xf32>
  %1 = graph.trilu %x {upper = false, k = -1 : i64} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0, %1 : tensor<3x2xf32>, tensor<3x4xf32>
}

// Inverse and hyperbolic trigonometry, Sign, Round, Shrink, the float tests
// (bool results) and Mod with either remainder convention.
// CHECK-LABEL: func.func @more_elementwise
// CHECK: graph.asin %arg0 : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: graph.atanh
// CHECK: graph.sign
// CHECK: graph.round
// CHECK: graph.shrink %arg0 {bias = 1.000000e+00 : f32, lambd = 1.500000e+00 : f32}
// CHECK: graph.is_nan %arg0 : (tensor<2x3xf32>) -> tensor<2x3xi1>
// CHECK: graph.is_inf %arg0 {detect_negative = false} : (tensor<2x3xf32>) -> tensor<2x3xi1>
// CHECK: graph.mod %arg1, %arg1 {fmod = true} : (tensor<3xi32>, tensor<3xi32>) -> tensor<3xi32>
func.func @more_elementwise(%x: tensor<2x3xf32>, %i: tensor<3xi32>) -> (tensor<2x3xf32>, tensor<2x3xi1>, tensor<2x3xi1>, tensor<3xi32>) {
  %0 = graph.asin %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = graph.atanh %0 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %2 = graph.sign %1 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %3 = graph.round %2 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %4 = graph.shrink %x {lambd = 1.5 : f32, bias = 1.0 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %5 = graph.is_nan %x : (tensor<2x3xf32>) -> tensor<2x3xi1>
  %6 = graph.is_inf %x {detect_negative = false} : (tensor<2x3xf32>) -> tensor<2x3xi1>
  %7 = graph.mod %i, %i {fmod = true} : (tensor<3xi32>, tensor<3xi32>) -> tensor<3xi32>
  return %4, %5, %6, %7 : tensor<2x3xf32>, tensor<2x3xi1>, tensor<2x3xi1>, tensor<3xi32>
}

// Pad keeps its mode and per-axis counts; the result grows by them.
// CHECK-LABEL: func.func @pad
// CHECK: graph.pad %arg0, %arg1 {mode = "reflect", pads = array<i64: 0, 1, 0, 2>} : (tensor<3x4xf32>, tensor<f32>) -> tensor<3x7xf32>
func.func @pad(%x: tensor<3x4xf32>, %v: tensor<f32>) -> tensor<3x7xf32> {
  %0 = graph.pad %x, %v {pads = array<i64: 0, 1, 0, 2>, mode = "reflect"} : (tensor<3x4xf32>, tensor<f32>) -> tensor<3x7xf32>
  return %0 : tensor<3x7xf32>
}

// CHECK-LABEL: func.func @requantize
// CHECK: graph.requantize %{{.*}} {axis = 1 : i64, max = 127 : i32, min = -5 : i32, multiplier = array<i32: 1073741824, 2147483647>, shift = array<i32: 31, 40>, zero_point = -5 : i32} : (tensor<1x2x3xi32>) -> tensor<1x2x3xi8>
func.func @requantize(%acc: tensor<1x2x3xi32>) -> tensor<1x2x3xi8> {
  %0 = graph.requantize %acc {axis = 1 : i64, multiplier = array<i32: 1073741824, 2147483647>,
         shift = array<i32: 31, 40>, zero_point = -5 : i32, min = -5 : i32, max = 127 : i32}
         : (tensor<1x2x3xi32>) -> tensor<1x2x3xi8>
  return %0 : tensor<1x2x3xi8>
}

// int8 products may accumulate in an int32 result.
// CHECK-LABEL: func.func @widening_products
// CHECK: graph.matmul %{{.*}}, %{{.*}} : (tensor<2x4xi8>, tensor<4x3xi8>) -> tensor<2x3xi32>
// CHECK: graph.conv %{{.*}}, %{{.*}} {{.*}} : (tensor<1x2x4x4xi8>, tensor<3x2x1x1xi8>) -> tensor<1x3x4x4xi32>
func.func @widening_products(%a: tensor<2x4xi8>, %b: tensor<4x3xi8>, %x: tensor<1x2x4x4xi8>,
                             %w: tensor<3x2x1x1xi8>) -> (tensor<2x3xi32>, tensor<1x3x4x4xi32>) {
  %0 = graph.matmul %a, %b : (tensor<2x4xi8>, tensor<4x3xi8>) -> tensor<2x3xi32>
  %1 = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>}
      : (tensor<1x2x4x4xi8>, tensor<3x2x1x1xi8>) -> tensor<1x3x4x4xi32>
  return %0, %1 : tensor<2x3xi32>, tensor<1x3x4x4xi32>
}
