// RUN: strata-opt %s -split-input-file -verify-diagnostics

//===- errors.mlir - Verifier diagnostics of the graph dialect ------------===//
//
// One section per diagnostic in GraphOps.cpp. The messages are part of the
// interface (an importer bug surfaces as one of them), so each is checked
// with its full text, including the shapes and values it prints.
//
//===----------------------------------------------------------------------===//

// Broadcasting ops reject operands of different element types.
func.func @binary_operand_types(%a: tensor<2xf32>, %b: tensor<2xi32>) {
  // expected-error @+2 {{'graph.add' op element types of the operands differ: 'f32' vs 'i32'}}
  // expected-error @+1 {{'graph.add' op failed to infer returned types}}
  %0 = graph.add %a, %b : (tensor<2xf32>, tensor<2xi32>) -> tensor<2xf32>
  return
}

// -----

// Broadcasting ops reject a result element type other than the operands'.
func.func @binary_result_type(%a: tensor<2xf32>) {
  // expected-error @+2 {{'graph.mul' op inferred type(s) 'tensor<2xf32>' are incompatible with return type(s) of operation 'tensor<2xf16>'}}
  // expected-error @+1 {{'graph.mul' op failed to infer returned types}}
  %0 = graph.mul %a, %a : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf16>
  return
}

// -----

// Trailing extents 3 and 4 do not broadcast.
func.func @binary_no_broadcast(%a: tensor<2x3xf32>, %b: tensor<4xf32>) {
  // expected-error @+2 {{'graph.sub' op operand shapes 2x3 and 4 do not broadcast}}
  // expected-error @+1 {{'graph.sub' op failed to infer returned types}}
  %0 = graph.sub %a, %b : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  return
}

// -----

// The result of a broadcast must have the broadcast shape, not a larger one.
func.func @binary_result_shape(%a: tensor<3x1xf32>, %b: tensor<4xf32>) {
  // expected-error @+2 {{'graph.div' op inferred type(s) 'tensor<3x4xf32>' are incompatible with return type(s) of operation 'tensor<2x3x4xf32>'}}
  // expected-error @+1 {{'graph.div' op failed to infer returned types}}
  %0 = graph.div %a, %b : (tensor<3x1xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
  return
}

// -----

// A scalar operand's shape is printed as "scalar".
func.func @binary_scalar(%a: tensor<f32>, %b: tensor<2xf32>) {
  // expected-error @+2 {{'graph.add' op inferred type(s) 'tensor<2xf32>' are incompatible with return type(s) of operation 'tensor<f32>'}}
  // expected-error @+1 {{'graph.add' op failed to infer returned types}}
  %0 = graph.add %a, %b : (tensor<f32>, tensor<2xf32>) -> tensor<f32>
  return
}

// -----

// Unary elementwise ops keep the input type exactly.
func.func @unary_type(%a: tensor<2xf32>) {
  // expected-error @+2 {{'graph.relu' op inferred type(s) 'tensor<2xf32>' are incompatible with return type(s) of operation 'tensor<2xf16>'}}
  // expected-error @+1 {{'graph.relu' op failed to infer returned types}}
  %0 = graph.relu %a : (tensor<2xf32>) -> tensor<2xf16>
  return
}

// -----

// Clip shares the same-type rule, shape included.
func.func @clip_shape(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{'graph.clip' op inferred type(s) 'tensor<2x3xf32>' are incompatible with return type(s) of operation 'tensor<3x2xf32>'}}
  // expected-error @+1 {{'graph.clip' op failed to infer returned types}}
  %0 = graph.clip %a {min = 0.0 : f64} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return
}

// -----

// ConstantOfShape's shape operand is a 1-D int64 tensor.
func.func @constant_of_shape_operand(%s: tensor<2xi32>) {
  // expected-error @+1 {{'graph.constant_of_shape' op shape operand must be a 1-D int64 tensor}}
  %0 = graph.constant_of_shape %s, 0.0 : f32 : (tensor<2xi32>) -> tensor<2x3xf32>
  return
}

// -----

// ConstantOfShape's value has the result's element type.
func.func @constant_of_shape_value(%s: tensor<2xi64>) {
  // expected-error @+1 {{'graph.constant_of_shape' op value type 'i32' differs from the result's element type}}
  %0 = graph.constant_of_shape %s, 1 : i32 : (tensor<2xi64>) -> tensor<2x3xf32>
  return
}

// -----

// ConstantOfShape's shape operand has one entry per result axis.
func.func @constant_of_shape_rank(%s: tensor<3xi64>) {
  // expected-error @+1 {{'graph.constant_of_shape' op shape operand has 3 entries for a rank-2 result}}
  %0 = graph.constant_of_shape %s, 0.0 : f32 : (tensor<3xi64>) -> tensor<2x3xf32>
  return
}

// -----

// Shape's result must have end - start entries after ONNX's clamping.
func.func @shape_clamped_range(%x: tensor<2x3xf32>) {
  // expected-error @+2 {{'graph.shape' op inferred type(s) 'tensor<0xi64>' are incompatible with return type(s) of operation 'tensor<1xi64>'}}
  // expected-error @+1 {{'graph.shape' op failed to infer returned types}}
  %0 = graph.shape %x {start = 3 : i64} : (tensor<2x3xf32>) -> tensor<1xi64>
  return
}

// -----

// Shape produces int64 extents only.
func.func @shape_element(%x: tensor<2x3xf32>) {
  // expected-error @+2 {{'graph.shape' op inferred type(s) 'tensor<2xi64>' are incompatible with return type(s) of operation 'tensor<2xi32>'}}
  // expected-error @+1 {{'graph.shape' op failed to infer returned types}}
  %0 = graph.shape %x : (tensor<2x3xf32>) -> tensor<2xi32>
  return
}

// -----

// Shape's result has end - start entries.
func.func @shape_result(%x: tensor<2x3x4xf32>) {
  // expected-error @+2 {{'graph.shape' op inferred type(s) 'tensor<2xi64>' are incompatible with return type(s) of operation 'tensor<3xi64>'}}
  // expected-error @+1 {{'graph.shape' op failed to infer returned types}}
  %0 = graph.shape %x {start = 1 : i64} : (tensor<2x3x4xf32>) -> tensor<3xi64>
  return
}

// -----

// Cast converts elements only.
func.func @cast_shape(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'graph.cast' op cast changes the shape}}
  %0 = graph.cast %x : (tensor<2x3xf32>) -> tensor<6xi32>
  return
}

// -----

// MatMul operands share an element type.
func.func @matmul_types(%a: tensor<2x3xf32>, %b: tensor<3x4xf16>) {
  // expected-error @+2 {{'graph.matmul' op element types of the operands differ: 'f32' vs 'f16'}}
  // expected-error @+1 {{'graph.matmul' op failed to infer returned types}}
  %0 = graph.matmul %a, %b : (tensor<2x3xf32>, tensor<3x4xf16>) -> tensor<2x4xf32>
  return
}

// -----

// MatMul's inner extents must agree.
func.func @matmul_inner(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+2 {{'graph.matmul' op operand shapes 2x3 and 4x5 do not multiply}}
  // expected-error @+1 {{'graph.matmul' op failed to infer returned types}}
  %0 = graph.matmul %a, %b : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return
}

// -----

// MatMul's batch axes must broadcast.
func.func @matmul_batch(%a: tensor<2x4x3xf32>, %b: tensor<5x3x6xf32>) {
  // expected-error @+2 {{'graph.matmul' op operand shapes 2x4x3 and 5x3x6 do not multiply}}
  // expected-error @+1 {{'graph.matmul' op failed to infer returned types}}
  %0 = graph.matmul %a, %b : (tensor<2x4x3xf32>, tensor<5x3x6xf32>) -> tensor<2x4x6xf32>
  return
}

// -----

// A vector lhs drops its promoted row axis from the result.
func.func @matmul_vector(%a: tensor<3xf32>, %b: tensor<3x6xf32>) {
  // expected-error @+2 {{'graph.matmul' op inferred type(s) 'tensor<6xf32>' are incompatible with return type(s) of operation 'tensor<1x6xf32>'}}
  // expected-error @+1 {{'graph.matmul' op failed to infer returned types}}
  %0 = graph.matmul %a, %b : (tensor<3xf32>, tensor<3x6xf32>) -> tensor<1x6xf32>
  return
}

// -----

// Gemm takes matrices only.
func.func @gemm_rank(%a: tensor<2x3x4xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+2 {{'graph.gemm' op A and B must be matrices}}
  // expected-error @+1 {{'graph.gemm' op failed to infer returned types}}
  %0 = graph.gemm %a, %b : (tensor<2x3x4xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return
}

// -----

// Gemm's inner extents are compared after trans_b.
func.func @gemm_inner(%a: tensor<2x3xf32>, %b: tensor<3x5xf32>) {
  // expected-error @+2 {{'graph.gemm' op inner dimensions differ: 3 vs 5}}
  // expected-error @+1 {{'graph.gemm' op failed to infer returned types}}
  %0 = graph.gemm %a, %b {trans_b = true} : (tensor<2x3xf32>, tensor<3x5xf32>) -> tensor<2x3xf32>
  return
}

// -----

// Gemm's C broadcasts to MxN, never beyond it.
func.func @gemm_c(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>, %c: tensor<3xf32>) {
  // expected-error @+2 {{'graph.gemm' op C of shape 3 does not broadcast to 2x4}}
  // expected-error @+1 {{'graph.gemm' op failed to infer returned types}}
  %0 = graph.gemm %a, %b, %c : (tensor<2x3xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<2x4xf32>
  return
}

// -----

// A C that would grow the result (3x2x4 over 2x4) is rejected too.
func.func @gemm_c_grows(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>, %c: tensor<3x2x4xf32>) {
  // expected-error @+2 {{'graph.gemm' op C of shape 3x2x4 does not broadcast to 2x4}}
  // expected-error @+1 {{'graph.gemm' op failed to infer returned types}}
  %0 = graph.gemm %a, %b, %c : (tensor<2x3xf32>, tensor<3x4xf32>, tensor<3x2x4xf32>) -> tensor<2x4xf32>
  return
}

// -----

// Gemm's result is MxN after trans_a.
func.func @gemm_result(%a: tensor<3x2xf32>, %b: tensor<3x4xf32>) {
  // expected-error @+2 {{'graph.gemm' op inferred type(s) 'tensor<2x4xf32>' are incompatible with return type(s) of operation 'tensor<3x4xf32>'}}
  // expected-error @+1 {{'graph.gemm' op failed to infer returned types}}
  %0 = graph.gemm %a, %b {trans_a = true} : (tensor<3x2xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  return
}

// -----

// Conv supports 1-D to 3-D only.
func.func @conv_rank(%x: tensor<1x3x4x4x4x4xf32>, %w: tensor<2x3x1x1x1x1xf32>) {
  // expected-error @+2 {{'graph.conv' op expects a 1-D, 2-D or 3-D convolution (rank-3 to rank-5 input and weight of the same rank)}}
  // expected-error @+1 {{'graph.conv' op failed to infer returned types}}
  %0 = graph.conv %x, %w {strides = array<i64: 1, 1, 1, 1>, pads = array<i64: 0, 0, 0, 0, 0, 0, 0, 0>,
                          dilations = array<i64: 1, 1, 1, 1>}
      : (tensor<1x3x4x4x4x4xf32>, tensor<2x3x1x1x1x1xf32>) -> tensor<1x2x4x4x4x4xf32>
  return
}

// -----

// Conv's input channels equal the weight's per-group channels times group.
func.func @conv_channels(%x: tensor<1x3x8x8xf32>, %w: tensor<4x2x3x3xf32>) {
  // expected-error @+2 {{'graph.conv' op input channels 3 do not match weight 4x2x3x3 with group 1}}
  // expected-error @+1 {{'graph.conv' op failed to infer returned types}}
  %0 = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
                          dilations = array<i64: 1, 1>}
      : (tensor<1x3x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

// Conv's output channels must split evenly into groups.
func.func @conv_group(%x: tensor<1x4x8x8xf32>, %w: tensor<6x1x3x3xf32>) {
  // expected-error @+2 {{'graph.conv' op input channels 4 do not match weight 6x1x3x3 with group 4}}
  // expected-error @+1 {{'graph.conv' op failed to infer returned types}}
  %0 = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
                          dilations = array<i64: 1, 1>, group = 4 : i64}
      : (tensor<1x4x8x8xf32>, tensor<6x1x3x3xf32>) -> tensor<1x6x6x6xf32>
  return
}

// -----

// Conv's bias has one entry per output channel.
func.func @conv_bias(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<3xf32>) {
  // expected-error @+2 {{'graph.conv' op bias must be 1-D with 4 entries}}
  // expected-error @+1 {{'graph.conv' op failed to infer returned types}}
  %0 = graph.conv %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
                              dilations = array<i64: 1, 1>}
      : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

// Conv's pads hold a begin and an end per spatial axis.
func.func @conv_window_count(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+2 {{'graph.conv' op expects 2 kernel, stride and dilation entries and 4 pads for a rank-4 input}}
  // expected-error @+1 {{'graph.conv' op failed to infer returned types}}
  %0 = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1>,
                          dilations = array<i64: 1, 1>}
      : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

// Conv's strides are positive.
func.func @conv_stride(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+2 {{'graph.conv' op kernel, strides and dilations must be positive}}
  // expected-error @+1 {{'graph.conv' op failed to infer returned types}}
  %0 = graph.conv %x, %w {strides = array<i64: 0, 1>, pads = array<i64: 0, 0, 0, 0>,
                          dilations = array<i64: 1, 1>}
      : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

// Conv's pads are non-negative.
func.func @conv_pads(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+2 {{'graph.conv' op pads must be non-negative}}
  // expected-error @+1 {{'graph.conv' op failed to infer returned types}}
  %0 = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: -1, 0, 0, 0>,
                          dilations = array<i64: 1, 1>}
      : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

// Conv's spatial output follows (in + pads - dilated kernel) / stride + 1.
func.func @conv_result(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+2 {{'graph.conv' op inferred type(s) 'tensor<1x4x3x3xf32>' are incompatible with return type(s) of operation 'tensor<1x4x4x4xf32>'}}
  // expected-error @+1 {{'graph.conv' op failed to infer returned types}}
  %0 = graph.conv %x, %w {strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>,
                          dilations = array<i64: 1, 1>}
      : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x4x4xf32>
  return
}

// -----

// MaxPool needs batch, channel and at least one spatial axis.
func.func @max_pool_rank(%x: tensor<3x8xf32>) {
  // expected-error @+2 {{'graph.max_pool' op expects an input of rank 3 or more}}
  // expected-error @+1 {{'graph.max_pool' op failed to infer returned types}}
  %0 = graph.max_pool %x {kernel_shape = array<i64: 2>, strides = array<i64: 1>,
                          pads = array<i64: 0, 0>, dilations = array<i64: 1>}
      : (tensor<3x8xf32>) -> tensor<3x7xf32>
  return
}

// -----

// MaxPool's kernel has one entry per spatial axis.
func.func @max_pool_window(%x: tensor<1x3x8x8xf32>) {
  // expected-error @+2 {{'graph.max_pool' op expects 2 kernel, stride and dilation entries and 4 pads for a rank-4 input}}
  // expected-error @+1 {{'graph.max_pool' op failed to infer returned types}}
  %0 = graph.max_pool %x {kernel_shape = array<i64: 2>, strides = array<i64: 2, 2>,
                          pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>}
      : (tensor<1x3x8x8xf32>) -> tensor<1x3x4x4xf32>
  return
}

// -----

// MaxPool's dilations are positive.
func.func @max_pool_dilation(%x: tensor<1x3x8x8xf32>) {
  // expected-error @+2 {{'graph.max_pool' op kernel, strides and dilations must be positive}}
  // expected-error @+1 {{'graph.max_pool' op failed to infer returned types}}
  %0 = graph.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>,
                          pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 0>}
      : (tensor<1x3x8x8xf32>) -> tensor<1x3x4x4xf32>
  return
}

// -----

// ceil_mode rounds the window count up: 7 - 2 = 5 spans 3 windows of stride 2.
func.func @max_pool_ceil(%x: tensor<1x3x7x7xf32>) {
  // expected-error @+2 {{'graph.max_pool' op inferred type(s) 'tensor<1x3x4x4xf32>' are incompatible with return type(s) of operation 'tensor<1x3x3x3xf32>'}}
  // expected-error @+1 {{'graph.max_pool' op failed to infer returned types}}
  %0 = graph.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>,
                          pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>,
                          ceil_mode = true}
      : (tensor<1x3x7x7xf32>) -> tensor<1x3x3x3xf32>
  return
}

// -----

// With ceil_mode, a last window that would start in the end padding is
// dropped: 5 + 2 - 2 spans ceil(5 / 2) = 3 strides, but the fourth window
// would start at 6, past the input.
func.func @max_pool_ceil_last_window(%x: tensor<1x1x5xf32>) {
  // expected-error @+2 {{'graph.max_pool' op inferred type(s) 'tensor<1x1x3xf32>' are incompatible with return type(s) of operation 'tensor<1x1x4xf32>'}}
  // expected-error @+1 {{'graph.max_pool' op failed to infer returned types}}
  %0 = graph.max_pool %x {kernel_shape = array<i64: 2>, strides = array<i64: 2>,
                          pads = array<i64: 0, 2>, dilations = array<i64: 1>,
                          ceil_mode = true}
      : (tensor<1x1x5xf32>) -> tensor<1x1x4xf32>
  return
}

// -----

// AveragePool needs a spatial axis too.
func.func @average_pool_rank(%x: tensor<3x8xf32>) {
  // expected-error @+2 {{'graph.average_pool' op expects an input of rank 3 or more}}
  // expected-error @+1 {{'graph.average_pool' op failed to infer returned types}}
  %0 = graph.average_pool %x {kernel_shape = array<i64: 2>, strides = array<i64: 1>,
                              pads = array<i64: 0, 0>}
      : (tensor<3x8xf32>) -> tensor<3x7xf32>
  return
}

// -----

// AveragePool's pads hold a begin and an end per spatial axis.
func.func @average_pool_window(%x: tensor<1x3x8x8xf32>) {
  // expected-error @+2 {{'graph.average_pool' op expects 2 kernel, stride and dilation entries and 4 pads for a rank-4 input}}
  // expected-error @+1 {{'graph.average_pool' op failed to infer returned types}}
  %0 = graph.average_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>,
                              pads = array<i64: 0, 0>}
      : (tensor<1x3x8x8xf32>) -> tensor<1x3x4x4xf32>
  return
}

// -----

// AveragePool's pads are non-negative.
func.func @average_pool_pads(%x: tensor<1x3x8x8xf32>) {
  // expected-error @+2 {{'graph.average_pool' op pads must be non-negative}}
  // expected-error @+1 {{'graph.average_pool' op failed to infer returned types}}
  %0 = graph.average_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>,
                              pads = array<i64: 0, 0, -1, 0>}
      : (tensor<1x3x8x8xf32>) -> tensor<1x3x4x4xf32>
  return
}

// -----

// AveragePool's output counts the padding.
func.func @average_pool_result(%x: tensor<1x3x8x8xf32>) {
  // expected-error @+2 {{'graph.average_pool' op inferred type(s) 'tensor<1x3x5x5xf32>' are incompatible with return type(s) of operation 'tensor<1x3x4x4xf32>'}}
  // expected-error @+1 {{'graph.average_pool' op failed to infer returned types}}
  %0 = graph.average_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>,
                              pads = array<i64: 1, 1, 1, 1>}
      : (tensor<1x3x8x8xf32>) -> tensor<1x3x4x4xf32>
  return
}

// -----

// GlobalAveragePool needs a spatial axis.
func.func @global_average_pool_rank(%x: tensor<1x3xf32>) {
  // expected-error @+2 {{'graph.global_average_pool' op expects an input of rank 3 or more}}
  // expected-error @+1 {{'graph.global_average_pool' op failed to infer returned types}}
  %0 = graph.global_average_pool %x : (tensor<1x3xf32>) -> tensor<1x3xf32>
  return
}

// -----

// GlobalAveragePool keeps every spatial axis as a unit axis.
func.func @global_average_pool_result(%x: tensor<1x3x7x7xf32>) {
  // expected-error @+2 {{'graph.global_average_pool' op inferred type(s) 'tensor<1x3x1x1xf32>' are incompatible with return type(s) of operation 'tensor<1x3xf32>'}}
  // expected-error @+1 {{'graph.global_average_pool' op failed to infer returned types}}
  %0 = graph.global_average_pool %x : (tensor<1x3x7x7xf32>) -> tensor<1x3xf32>
  return
}

// -----

// BatchNormalization needs a channel axis.
func.func @batch_normalization_rank(%x: tensor<8xf32>, %p: tensor<8xf32>) {
  // expected-error @+2 {{'graph.batch_normalization' op expects an input of rank 2 or more}}
  // expected-error @+1 {{'graph.batch_normalization' op failed to infer returned types}}
  %0 = graph.batch_normalization %x, %p, %p, %p, %p
      : (tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  return
}

// -----

// BatchNormalization's parameters have one entry per channel (axis 1).
func.func @batch_normalization_params(%x: tensor<2x8x4x4xf32>, %p: tensor<8xf32>, %v: tensor<4xf32>) {
  // expected-error @+2 {{'graph.batch_normalization' op scale, bias, mean and variance must be 1-D with 8 entries (the channel count)}}
  // expected-error @+1 {{'graph.batch_normalization' op failed to infer returned types}}
  %0 = graph.batch_normalization %x, %p, %p, %p, %v
      : (tensor<2x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<4xf32>) -> tensor<2x8x4x4xf32>
  return
}

// -----

// Softmax's axis lies within the input's rank.
func.func @softmax_axis(%x: tensor<2x10xf32>) {
  // expected-error @+2 {{'graph.softmax' op axis 2 is outside the input's rank 2}}
  // expected-error @+1 {{'graph.softmax' op failed to infer returned types}}
  %0 = graph.softmax %x {axis = 2 : i64} : (tensor<2x10xf32>) -> tensor<2x10xf32>
  return
}

// -----

// LogSoftmax's negative axis is bounded by -rank.
func.func @log_softmax_axis(%x: tensor<2x10xf32>) {
  // expected-error @+2 {{'graph.log_softmax' op axis -3 is outside the input's rank 2}}
  // expected-error @+1 {{'graph.log_softmax' op failed to infer returned types}}
  %0 = graph.log_softmax %x {axis = -3 : i64} : (tensor<2x10xf32>) -> tensor<2x10xf32>
  return
}

// -----

// Reshape keeps the element type.
func.func @reshape_type(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'graph.reshape' op element types of input and result differ: 'f32' vs 'i32'}}
  %0 = graph.reshape %x : (tensor<2x3xf32>) -> tensor<6xi32>
  return
}

// -----

// Reshape keeps the element count.
func.func @reshape_count(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'graph.reshape' op cannot reshape 2x3 into 4x2}}
  %0 = graph.reshape %x : (tensor<2x3xf32>) -> tensor<4x2xf32>
  return
}

// -----

// Flatten's axis lies within [-rank, rank].
func.func @flatten_axis(%x: tensor<2x3x4xf32>) {
  // expected-error @+2 {{'graph.flatten' op axis 4 is outside the input's rank}}
  // expected-error @+1 {{'graph.flatten' op failed to infer returned types}}
  %0 = graph.flatten %x {axis = 4 : i64} : (tensor<2x3x4xf32>) -> tensor<24x1xf32>
  return
}

// -----

// Flatten splits the extents at axis: 2x3 | 4.
func.func @flatten_result(%x: tensor<2x3x4xf32>) {
  // expected-error @+2 {{'graph.flatten' op inferred type(s) 'tensor<6x4xf32>' are incompatible with return type(s) of operation 'tensor<2x12xf32>'}}
  // expected-error @+1 {{'graph.flatten' op failed to infer returned types}}
  %0 = graph.flatten %x {axis = 2 : i64} : (tensor<2x3x4xf32>) -> tensor<2x12xf32>
  return
}

// -----

// Squeeze only drops unit axes.
func.func @squeeze_non_unit(%x: tensor<1x3x1xf32>) {
  // expected-error @+2 {{'graph.squeeze' op axis 1 is not a unit axis of the input}}
  // expected-error @+1 {{'graph.squeeze' op failed to infer returned types}}
  %0 = graph.squeeze %x {axes = array<i64: 1>} : (tensor<1x3x1xf32>) -> tensor<1x1xf32>
  return
}

// -----

// Squeeze's axes lie within the input's rank.
func.func @squeeze_out_of_range(%x: tensor<1x3x1xf32>) {
  // expected-error @+2 {{'graph.squeeze' op axis -4 is not a unit axis of the input}}
  // expected-error @+1 {{'graph.squeeze' op failed to infer returned types}}
  %0 = graph.squeeze %x {axes = array<i64: -4>} : (tensor<1x3x1xf32>) -> tensor<1x3x1xf32>
  return
}

// -----

// Squeeze's result drops exactly the listed axes.
func.func @squeeze_result(%x: tensor<1x3x1xf32>) {
  // expected-error @+2 {{'graph.squeeze' op inferred type(s) 'tensor<3x1xf32>' are incompatible with return type(s) of operation 'tensor<3xf32>'}}
  // expected-error @+1 {{'graph.squeeze' op failed to infer returned types}}
  %0 = graph.squeeze %x {axes = array<i64: 0>} : (tensor<1x3x1xf32>) -> tensor<3xf32>
  return
}

// -----

// Unsqueeze rejects an axis listed twice (1 and -2 of a rank-3 result).
func.func @unsqueeze_repeated(%x: tensor<3xf32>) {
  // expected-error @+2 {{'graph.unsqueeze' op axis -2 is invalid or repeated}}
  // expected-error @+1 {{'graph.unsqueeze' op failed to infer returned types}}
  %0 = graph.unsqueeze %x {axes = array<i64: 1, -2>} : (tensor<3xf32>) -> tensor<3x1x1xf32>
  return
}

// -----

// Unsqueeze's axes index the result, whose rank bounds them.
func.func @unsqueeze_out_of_range(%x: tensor<3xf32>) {
  // expected-error @+2 {{'graph.unsqueeze' op axis 2 is invalid or repeated}}
  // expected-error @+1 {{'graph.unsqueeze' op failed to infer returned types}}
  %0 = graph.unsqueeze %x {axes = array<i64: 2>} : (tensor<3xf32>) -> tensor<3x1xf32>
  return
}

// -----

// Unsqueeze places the unit axes where `axes` says.
func.func @unsqueeze_result(%x: tensor<3x4xf32>) {
  // expected-error @+2 {{'graph.unsqueeze' op inferred type(s) 'tensor<3x1x4xf32>' are incompatible with return type(s) of operation 'tensor<1x3x4xf32>'}}
  // expected-error @+1 {{'graph.unsqueeze' op failed to infer returned types}}
  %0 = graph.unsqueeze %x {axes = array<i64: 1>} : (tensor<3x4xf32>) -> tensor<1x3x4xf32>
  return
}

// -----

// Expand keeps the element type.
func.func @expand_type(%x: tensor<3x1xf32>) {
  // expected-error @+1 {{'graph.expand' op element types of input and result differ: 'f32' vs 'f64'}}
  %0 = graph.expand %x : (tensor<3x1xf32>) -> tensor<3x4xf64>
  return
}

// -----

// Expand only grows unit axes.
func.func @expand_shape(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'graph.expand' op cannot expand 2x3 to 4x3}}
  %0 = graph.expand %x : (tensor<2x3xf32>) -> tensor<4x3xf32>
  return
}

// -----

// Expand's result is the broadcast shape, not a smaller one.
func.func @expand_shrink(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'graph.expand' op cannot expand 2x3 to 3}}
  %0 = graph.expand %x : (tensor<2x3xf32>) -> tensor<3xf32>
  return
}

// -----

// Transpose's perm has one entry per input axis.
func.func @transpose_count(%x: tensor<2x3x4xf32>) {
  // expected-error @+2 {{'graph.transpose' op perm has 2 entries for a rank-3 input}}
  // expected-error @+1 {{'graph.transpose' op failed to infer returned types}}
  %0 = graph.transpose %x {perm = array<i64: 1, 0>} : (tensor<2x3x4xf32>) -> tensor<3x2x4xf32>
  return
}

// -----

// Transpose's perm lists every axis once.
func.func @transpose_repeated(%x: tensor<2x3x4xf32>) {
  // expected-error @+2 {{'graph.transpose' op perm is not a permutation}}
  // expected-error @+1 {{'graph.transpose' op failed to infer returned types}}
  %0 = graph.transpose %x {perm = array<i64: 0, 2, 0>} : (tensor<2x3x4xf32>) -> tensor<2x4x2xf32>
  return
}

// -----

// Transpose's perm entries are axes of the input.
func.func @transpose_range(%x: tensor<2x3xf32>) {
  // expected-error @+2 {{'graph.transpose' op perm is not a permutation}}
  // expected-error @+1 {{'graph.transpose' op failed to infer returned types}}
  %0 = graph.transpose %x {perm = array<i64: 2, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return
}

// -----

// Transpose's result axis i is input axis perm[i].
func.func @transpose_result(%x: tensor<2x3x4xf32>) {
  // expected-error @+2 {{'graph.transpose' op inferred type(s) 'tensor<3x4x2xf32>' are incompatible with return type(s) of operation 'tensor<4x3x2xf32>'}}
  // expected-error @+1 {{'graph.transpose' op failed to infer returned types}}
  %0 = graph.transpose %x {perm = array<i64: 1, 2, 0>} : (tensor<2x3x4xf32>) -> tensor<4x3x2xf32>
  return
}

// -----

// Concat needs an input.
func.func @concat_empty() {
  // expected-error @+2 {{'graph.concat' op needs at least one input}}
  // expected-error @+1 {{'graph.concat' op failed to infer returned types}}
  %0 = graph.concat {axis = 0 : i64} : () -> tensor<2xf32>
  return
}

// -----

// Concat's axis lies within the inputs' rank.
func.func @concat_axis(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{'graph.concat' op axis 2 is outside the inputs' rank}}
  // expected-error @+1 {{'graph.concat' op failed to infer returned types}}
  %0 = graph.concat %a, %a {axis = 2 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x6xf32>
  return
}

// -----

// Concat's inputs share one element type.
func.func @concat_type(%a: tensor<2x3xf32>, %b: tensor<2x3xi32>) {
  // expected-error @+2 {{'graph.concat' op element types of the inputs differ: 'f32' vs 'i32'}}
  // expected-error @+1 {{'graph.concat' op failed to infer returned types}}
  %0 = graph.concat %a, %b {axis = 0 : i64} : (tensor<2x3xf32>, tensor<2x3xi32>) -> tensor<4x3xf32>
  return
}

// -----

// Concat's inputs agree on every axis but the concatenated one.
func.func @concat_mismatch(%a: tensor<2x3xf32>, %b: tensor<2x4xf32>) {
  // expected-error @+2 {{'graph.concat' op inputs differ off the concatenation axis}}
  // expected-error @+1 {{'graph.concat' op failed to infer returned types}}
  %0 = graph.concat %a, %b {axis = 0 : i64} : (tensor<2x3xf32>, tensor<2x4xf32>) -> tensor<4x3xf32>
  return
}

// -----

// Concat's inputs share a rank.
func.func @concat_rank(%a: tensor<2x3xf32>, %b: tensor<2x3x1xf32>) {
  // expected-error @+2 {{'graph.concat' op inputs differ off the concatenation axis}}
  // expected-error @+1 {{'graph.concat' op failed to infer returned types}}
  %0 = graph.concat %a, %b {axis = 0 : i64} : (tensor<2x3xf32>, tensor<2x3x1xf32>) -> tensor<4x3xf32>
  return
}

// -----

// Concat's result sums the extents along the axis.
func.func @concat_result(%a: tensor<2x3xf32>, %b: tensor<2x4xf32>) {
  // expected-error @+2 {{'graph.concat' op inferred type(s) 'tensor<2x7xf32>' are incompatible with return type(s) of operation 'tensor<2x8xf32>'}}
  // expected-error @+1 {{'graph.concat' op failed to infer returned types}}
  %0 = graph.concat %a, %b {axis = -1 : i64} : (tensor<2x3xf32>, tensor<2x4xf32>) -> tensor<2x8xf32>
  return
}

// -----

// Slice's attribute arrays have one entry per sliced axis.
func.func @slice_lengths(%x: tensor<4x4xf32>) {
  // expected-error @+2 {{'graph.slice' op starts, ends, axes and steps differ in length}}
  // expected-error @+1 {{'graph.slice' op failed to infer returned types}}
  %0 = graph.slice %x {starts = array<i64: 0, 0>, ends = array<i64: 2, 2>,
                       axes = array<i64: 0, 1>, steps = array<i64: 1>}
      : (tensor<4x4xf32>) -> tensor<2x2xf32>
  return
}

// -----

// Slice rejects an axis listed twice (0 and -2 of a rank-2 input).
func.func @slice_repeated_axis(%x: tensor<4x4xf32>) {
  // expected-error @+2 {{'graph.slice' op axis -2 is invalid or repeated}}
  // expected-error @+1 {{'graph.slice' op failed to infer returned types}}
  %0 = graph.slice %x {starts = array<i64: 0, 0>, ends = array<i64: 2, 2>,
                       axes = array<i64: 0, -2>, steps = array<i64: 1, 1>}
      : (tensor<4x4xf32>) -> tensor<2x4xf32>
  return
}

// -----

// Slice's axes lie within the input's rank.
func.func @slice_axis_range(%x: tensor<4x4xf32>) {
  // expected-error @+2 {{'graph.slice' op axis 2 is invalid or repeated}}
  // expected-error @+1 {{'graph.slice' op failed to infer returned types}}
  %0 = graph.slice %x {starts = array<i64: 0>, ends = array<i64: 2>,
                       axes = array<i64: 2>, steps = array<i64: 1>}
      : (tensor<4x4xf32>) -> tensor<4x4xf32>
  return
}

// -----

// Slice's steps are non-zero.
func.func @slice_zero_step(%x: tensor<4x4xf32>) {
  // expected-error @+2 {{'graph.slice' op steps must be non-zero}}
  // expected-error @+1 {{'graph.slice' op failed to infer returned types}}
  %0 = graph.slice %x {starts = array<i64: 0>, ends = array<i64: 2>,
                       axes = array<i64: 0>, steps = array<i64: 0>}
      : (tensor<4x4xf32>) -> tensor<2x4xf32>
  return
}

// -----

// A negative step walks down from start: 3, 1 along axis 0 (end -5 clamps to before 0).
func.func @slice_result(%x: tensor<4x4xf32>) {
  // expected-error @+2 {{'graph.slice' op inferred type(s) 'tensor<2x4xf32>' are incompatible with return type(s) of operation 'tensor<4x4xf32>'}}
  // expected-error @+1 {{'graph.slice' op failed to infer returned types}}
  %0 = graph.slice %x {starts = array<i64: -1>, ends = array<i64: -5>,
                       axes = array<i64: 0>, steps = array<i64: -2>}
      : (tensor<4x4xf32>) -> tensor<4x4xf32>
  return
}

// -----

// Gather's axis lies within the input's rank.
func.func @gather_axis(%x: tensor<4x3xf32>, %i: tensor<2xi64>) {
  // expected-error @+2 {{'graph.gather' op axis 2 is outside the input's rank}}
  // expected-error @+1 {{'graph.gather' op failed to infer returned types}}
  %0 = graph.gather %x, %i {axis = 2 : i64} : (tensor<4x3xf32>, tensor<2xi64>) -> tensor<4x3xf32>
  return
}

// -----

// Gather's indices are integers.
func.func @gather_indices(%x: tensor<4x3xf32>, %i: tensor<2xf32>) {
  // expected-error @+2 {{'graph.gather' op indices must be integers}}
  // expected-error @+1 {{'graph.gather' op failed to infer returned types}}
  %0 = graph.gather %x, %i : (tensor<4x3xf32>, tensor<2xf32>) -> tensor<2x3xf32>
  return
}

// -----

// Gather's result replaces the axis with the indices' shape.
func.func @gather_result(%x: tensor<4x3xf32>, %i: tensor<2x5xi32>) {
  // expected-error @+2 {{'graph.gather' op inferred type(s) 'tensor<4x2x5xf32>' are incompatible with return type(s) of operation 'tensor<4x2x5x3xf32>'}}
  // expected-error @+1 {{'graph.gather' op failed to infer returned types}}
  %0 = graph.gather %x, %i {axis = 1 : i64} : (tensor<4x3xf32>, tensor<2x5xi32>) -> tensor<4x2x5x3xf32>
  return
}

// -----

// LSTM's X is [seq_length, batch, input_size].
func.func @lstm_x(%x: tensor<5x3xf32>, %w: tensor<1x16x3xf32>, %r: tensor<1x16x4xf32>) {
  // expected-error @+2 {{'graph.lstm' op X must be [seq_length, batch, input_size]}}
  // expected-error @+1 {{'graph.lstm' op failed to infer returned types}}
  %y, %yh, %yc = graph.lstm %x, %w, %r {hidden_size = 4 : i64}
      : (tensor<5x3xf32>, tensor<1x16x3xf32>, tensor<1x16x4xf32>)
      -> (tensor<5x1x1x4xf32>, tensor<1x1x4xf32>, tensor<1x1x4xf32>)
  return
}

// -----

// LSTM's W is [1, 4 * hidden, input_size].
func.func @lstm_w(%x: tensor<5x2x3xf32>, %w: tensor<1x12x3xf32>, %r: tensor<1x16x4xf32>) {
  // expected-error @+2 {{'graph.lstm' op W must be 1x16x3, got 1x12x3}}
  // expected-error @+1 {{'graph.lstm' op failed to infer returned types}}
  %y, %yh, %yc = graph.lstm %x, %w, %r {hidden_size = 4 : i64}
      : (tensor<5x2x3xf32>, tensor<1x12x3xf32>, tensor<1x16x4xf32>)
      -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>, tensor<1x2x4xf32>)
  return
}

// -----

// LSTM's R is [1, 4 * hidden, hidden].
func.func @lstm_r(%x: tensor<5x2x3xf32>, %w: tensor<1x16x3xf32>, %r: tensor<1x16x3xf32>) {
  // expected-error @+2 {{'graph.lstm' op R must be 1x16x4, got 1x16x3}}
  // expected-error @+1 {{'graph.lstm' op failed to infer returned types}}
  %y, %yh, %yc = graph.lstm %x, %w, %r {hidden_size = 4 : i64}
      : (tensor<5x2x3xf32>, tensor<1x16x3xf32>, tensor<1x16x3xf32>)
      -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>, tensor<1x2x4xf32>)
  return
}

// -----

// LSTM's B holds both biases: [1, 8 * hidden].
func.func @lstm_b(%x: tensor<5x2x3xf32>, %w: tensor<1x16x3xf32>, %r: tensor<1x16x4xf32>,
                  %b: tensor<1x16xf32>) {
  // expected-error @+2 {{'graph.lstm' op B must be 1x32, got 1x16}}
  // expected-error @+1 {{'graph.lstm' op failed to infer returned types}}
  %y, %yh, %yc = graph.lstm %x, %w, %r bias %b {hidden_size = 4 : i64}
      : (tensor<5x2x3xf32>, tensor<1x16x3xf32>, tensor<1x16x4xf32>, tensor<1x16xf32>)
      -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>, tensor<1x2x4xf32>)
  return
}

// -----

// LSTM's initial_h is [1, batch, hidden].
func.func @lstm_initial_h(%x: tensor<5x2x3xf32>, %w: tensor<1x16x3xf32>, %r: tensor<1x16x4xf32>,
                          %h: tensor<2x4xf32>) {
  // expected-error @+2 {{'graph.lstm' op initial_h must be 1x2x4, got 2x4}}
  // expected-error @+1 {{'graph.lstm' op failed to infer returned types}}
  %y, %yh, %yc = graph.lstm %x, %w, %r initial_h %h {hidden_size = 4 : i64}
      : (tensor<5x2x3xf32>, tensor<1x16x3xf32>, tensor<1x16x4xf32>, tensor<2x4xf32>)
      -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>, tensor<1x2x4xf32>)
  return
}

// -----

// LSTM's initial_c is [1, batch, hidden].
func.func @lstm_initial_c(%x: tensor<5x2x3xf32>, %w: tensor<1x16x3xf32>, %r: tensor<1x16x4xf32>,
                          %c: tensor<1x1x4xf32>) {
  // expected-error @+2 {{'graph.lstm' op initial_c must be 1x2x4, got 1x1x4}}
  // expected-error @+1 {{'graph.lstm' op failed to infer returned types}}
  %y, %yh, %yc = graph.lstm %x, %w, %r initial_c %c {hidden_size = 4 : i64}
      : (tensor<5x2x3xf32>, tensor<1x16x3xf32>, tensor<1x16x4xf32>, tensor<1x1x4xf32>)
      -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>, tensor<1x2x4xf32>)
  return
}

// -----

// LSTM's Y is [seq_length, num_directions = 1, batch, hidden].
func.func @lstm_y(%x: tensor<5x2x3xf32>, %w: tensor<1x16x3xf32>, %r: tensor<1x16x4xf32>) {
  // expected-error @+2 {{'graph.lstm' op inferred type(s) 'tensor<5x1x2x4xf32>', 'tensor<1x2x4xf32>', 'tensor<1x2x4xf32>' are incompatible with return type(s) of operation 'tensor<5x2x4xf32>', 'tensor<1x2x4xf32>', 'tensor<1x2x4xf32>'}}
  // expected-error @+1 {{'graph.lstm' op failed to infer returned types}}
  %y, %yh, %yc = graph.lstm %x, %w, %r {hidden_size = 4 : i64}
      : (tensor<5x2x3xf32>, tensor<1x16x3xf32>, tensor<1x16x4xf32>)
      -> (tensor<5x2x4xf32>, tensor<1x2x4xf32>, tensor<1x2x4xf32>)
  return
}

// -----

// LSTM's Y_h is [1, batch, hidden].
func.func @lstm_y_h(%x: tensor<5x2x3xf32>, %w: tensor<1x16x3xf32>, %r: tensor<1x16x4xf32>) {
  // expected-error @+2 {{'graph.lstm' op inferred type(s) 'tensor<5x1x2x4xf32>', 'tensor<1x2x4xf32>', 'tensor<1x2x4xf32>' are incompatible with return type(s) of operation 'tensor<5x1x2x4xf32>', 'tensor<1x2x3xf32>', 'tensor<1x2x4xf32>'}}
  // expected-error @+1 {{'graph.lstm' op failed to infer returned types}}
  %y, %yh, %yc = graph.lstm %x, %w, %r {hidden_size = 4 : i64}
      : (tensor<5x2x3xf32>, tensor<1x16x3xf32>, tensor<1x16x4xf32>)
      -> (tensor<5x1x2x4xf32>, tensor<1x2x3xf32>, tensor<1x2x4xf32>)
  return
}

// -----

// LSTM's Y_c is [1, batch, hidden].
func.func @lstm_y_c(%x: tensor<5x2x3xf32>, %w: tensor<1x16x3xf32>, %r: tensor<1x16x4xf32>) {
  // expected-error @+2 {{'graph.lstm' op inferred type(s) 'tensor<5x1x2x4xf32>', 'tensor<1x2x4xf32>', 'tensor<1x2x4xf32>' are incompatible with return type(s) of operation 'tensor<5x1x2x4xf32>', 'tensor<1x2x4xf32>', 'tensor<2x4xf32>'}}
  // expected-error @+1 {{'graph.lstm' op failed to infer returned types}}
  %y, %yh, %yc = graph.lstm %x, %w, %r {hidden_size = 4 : i64}
      : (tensor<5x2x3xf32>, tensor<1x16x3xf32>, tensor<1x16x4xf32>)
      -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>, tensor<2x4xf32>)
  return
}

// -----

// Where's condition must be bool.
func.func @where_condition_type(%c: tensor<2xf32>, %x: tensor<2xf32>) {
  // expected-error @+2 {{'graph.where' op condition must be a bool tensor}}
  // expected-error @+1 {{'graph.where' op failed to infer returned types}}
  %0 = graph.where %c, %x, %x : (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return
}

// -----

// Comparisons produce bool, not the operands' type.
func.func @compare_result_type(%x: tensor<2xf32>) {
  // expected-error @+2 {{'graph.equal' op inferred type(s) 'tensor<2xi1>' are incompatible with return type(s) of operation 'tensor<2xf32>'}}
  // expected-error @+1 {{'graph.equal' op failed to infer returned types}}
  %0 = graph.equal %x, %x : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return
}

// -----

// A reduction names each axis once.
func.func @reduce_repeated_axis(%x: tensor<2x3xf32>) {
  // expected-error @+2 {{'graph.reduce_max' op axis -1 is invalid or repeated}}
  // expected-error @+1 {{'graph.reduce_max' op failed to infer returned types}}
  %0 = graph.reduce_max %x {axes = array<i64: 1, -1>} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  return
}

// -----

func.func @is_nan_of_integers(%x: tensor<4xi32>) -> tensor<4xi1> {
  // expected-error @+2 {{'graph.is_nan' op expects a floating-point tensor}}
  // expected-error @+1 {{'graph.is_nan' op failed to infer returned types}}
  %0 = graph.is_nan %x : (tensor<4xi32>) -> tensor<4xi1>
  return %0 : tensor<4xi1>
}

// -----

func.func @pad_reflect_too_far(%x: tensor<3x4xf32>, %v: tensor<f32>) -> tensor<3x9xf32> {
  // expected-error @+2 {{'graph.pad' op reflect pads of axis 1 must be smaller than its extent 4}}
  // expected-error @+1 {{'graph.pad' op failed to infer returned types}}
  %0 = graph.pad %x, %v {pads = array<i64: 0, 4, 0, 1>, mode = "reflect"} : (tensor<3x4xf32>, tensor<f32>) -> tensor<3x9xf32>
  return %0 : tensor<3x9xf32>
}

// -----

func.func @pad_count(%x: tensor<3x4xf32>, %v: tensor<f32>) -> tensor<3x4xf32> {
  // expected-error @+2 {{'graph.pad' op expects 4 pads for a rank-2 input, not 2}}
  // expected-error @+1 {{'graph.pad' op failed to infer returned types}}
  %0 = graph.pad %x, %v {pads = array<i64: 0, 0>} : (tensor<3x4xf32>, tensor<f32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

func.func @scatter_nd_updates(%x: tensor<3x3xf32>, %t: tensor<2x1xi64>, %s: tensor<2x2xf32>) -> tensor<3x3xf32> {
  // expected-error @+2 {{'graph.scatter_nd' op updates must be 2x3}}
  // expected-error @+1 {{'graph.scatter_nd' op failed to infer returned types}}
  %0 = graph.scatter_nd %x, %t, %s : (tensor<3x3xf32>, tensor<2x1xi64>, tensor<2x2xf32>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

func.func @grid_sample_mode(%x: tensor<1x1x4x4xf32>, %g: tensor<1x3x2x2xf32>) -> tensor<1x1x3x2xf32> {
  // expected-error @+2 {{'graph.grid_sample' op mode must be bilinear, nearest or bicubic, not 'area'}}
  // expected-error @+1 {{'graph.grid_sample' op failed to infer returned types}}
  %0 = graph.grid_sample %x, %g {mode = "area"} : (tensor<1x1x4x4xf32>, tensor<1x3x2x2xf32>) -> tensor<1x1x3x2xf32>
  return %0 : tensor<1x1x3x2xf32>
}

// -----

// graph.requantize: int32 in, int8 out, one multiplier and shift or one per
// channel, shifts in [1, 62], zero point and clamp within int8.
func.func @requantize_input_type(%a: tensor<2xf32>) {
  // expected-error @+1 {{'graph.requantize' op input must be int32 accumulators, not 'f32'}}
  %0 = graph.requantize %a {axis = 0 : i64, multiplier = array<i32: 1>, shift = array<i32: 1>, zero_point = 0 : i32, min = -128 : i32, max = 127 : i32} : (tensor<2xf32>) -> tensor<2xi8>
  return
}

// -----

func.func @requantize_result_type(%a: tensor<2xi32>) {
  // expected-error @+1 {{'graph.requantize' op result must be int8, not 'i32'}}
  %0 = graph.requantize %a {axis = 0 : i64, multiplier = array<i32: 1>, shift = array<i32: 1>, zero_point = 0 : i32, min = -128 : i32, max = 127 : i32} : (tensor<2xi32>) -> tensor<2xi32>
  return
}

// -----

func.func @requantize_shape(%a: tensor<2xi32>) {
  // expected-error @+1 {{'graph.requantize' op requantization changes the shape}}
  %0 = graph.requantize %a {axis = 0 : i64, multiplier = array<i32: 1>, shift = array<i32: 1>, zero_point = 0 : i32, min = -128 : i32, max = 127 : i32} : (tensor<2xi32>) -> tensor<3xi8>
  return
}

// -----

func.func @requantize_axis(%a: tensor<2xi32>) {
  // expected-error @+1 {{'graph.requantize' op axis 1 is outside a rank-1 input}}
  %0 = graph.requantize %a {axis = 1 : i64, multiplier = array<i32: 1>, shift = array<i32: 1>, zero_point = 0 : i32, min = -128 : i32, max = 127 : i32} : (tensor<2xi32>) -> tensor<2xi8>
  return
}

// -----

func.func @requantize_channels(%a: tensor<1x3xi32>) {
  // expected-error @+1 {{'graph.requantize' op needs one multiplier and one shift, or one of each per channel of axis 1 (3), not 2 and 2}}
  %0 = graph.requantize %a {axis = 1 : i64, multiplier = array<i32: 1, 2>, shift = array<i32: 1, 2>, zero_point = 0 : i32, min = -128 : i32, max = 127 : i32} : (tensor<1x3xi32>) -> tensor<1x3xi8>
  return
}

// -----

func.func @requantize_negative_multiplier(%a: tensor<2xi32>) {
  // expected-error @+1 {{'graph.requantize' op multiplier -1 is negative}}
  %0 = graph.requantize %a {axis = 0 : i64, multiplier = array<i32: -1>, shift = array<i32: 1>, zero_point = 0 : i32, min = -128 : i32, max = 127 : i32} : (tensor<2xi32>) -> tensor<2xi8>
  return
}

// -----

func.func @requantize_shift(%a: tensor<2xi32>) {
  // expected-error @+1 {{'graph.requantize' op shift 63 is outside [1, 62]}}
  %0 = graph.requantize %a {axis = 0 : i64, multiplier = array<i32: 1>, shift = array<i32: 63>, zero_point = 0 : i32, min = -128 : i32, max = 127 : i32} : (tensor<2xi32>) -> tensor<2xi8>
  return
}

// -----

func.func @requantize_zero_point(%a: tensor<2xi32>) {
  // expected-error @+1 {{'graph.requantize' op zero point 128 is outside the int8 range}}
  %0 = graph.requantize %a {axis = 0 : i64, multiplier = array<i32: 1>, shift = array<i32: 1>, zero_point = 128 : i32, min = -128 : i32, max = 127 : i32} : (tensor<2xi32>) -> tensor<2xi8>
  return
}

// -----

func.func @requantize_clamp(%a: tensor<2xi32>) {
  // expected-error @+1 {{'graph.requantize' op clamp [10, 5] is not a range within int8}}
  %0 = graph.requantize %a {axis = 0 : i64, multiplier = array<i32: 1>, shift = array<i32: 1>, zero_point = 0 : i32, min = 10 : i32, max = 5 : i32} : (tensor<2xi32>) -> tensor<2xi8>
  return
}

// -----

// Only int8 products widen, and only to int32.
func.func @matmul_widening_to_i16(%a: tensor<2x4xi8>, %b: tensor<4x3xi8>) {
  // expected-error @+2 {{'graph.matmul' op inferred type(s) 'tensor<2x3xi8>' are incompatible with return type(s) of operation 'tensor<2x3xi16>'}}
  // expected-error @+1 {{'graph.matmul' op failed to infer returned types}}
  %0 = graph.matmul %a, %b : (tensor<2x4xi8>, tensor<4x3xi8>) -> tensor<2x3xi16>
  return
}
