// RUN: strata-opt %s -strata-elementwise-in-place | FileCheck %s
// RUN: strata-opt %s -strata-elementwise-in-place \
// RUN:   -one-shot-bufferize="bufferize-function-boundaries" -canonicalize | FileCheck %s --check-prefix=BUFFERS

//===- elementwise-in-place.mlir - elementwise ops into their dying input -===//
//
// A ReLU whose input (a convolution's result) dies there writes that input
// instead of a new tensor: bufferized, the convolution and the ReLU share
// one buffer. An input that another op still reads and a function argument
// stay as they are.
//
//===----------------------------------------------------------------------===//

#id = affine_map<(n, h, w, c) -> (n, h, w, c)>

// CHECK-LABEL: func.func @conv_relu
//       CHECK: %[[C:.+]] = linalg.conv_2d_nhwc_hwcf
//       CHECK: linalg.generic {{.*}} ins(%[[C]] : tensor<1x4x4x8xf32>) outs(%[[C]] : tensor<1x4x4x8xf32>)
// BUFFERS-LABEL: func.func @conv_relu
//       BUFFERS: %[[B:.+]] = memref.alloc() {{.*}} : memref<1x4x4x8xf32>
//   BUFFERS-NOT: memref.alloc
//       BUFFERS: linalg.conv_2d_nhwc_hwcf {{.*}} outs(%[[B]]
//       BUFFERS: linalg.generic {{.*}} ins(%[[B]] : {{.*}}) outs(%[[B]] :
func.func @conv_relu(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<1.0> : tensor<1x1x2x8xf32>
  %e0 = tensor.empty() : tensor<1x4x4x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e0 : tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x4x4x2xf32>, tensor<1x1x2x8xf32>) outs(%init : tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  %e = tensor.empty() : tensor<1x4x4x8xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%c : tensor<1x4x4x8xf32>) outs(%e : tensor<1x4x4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<1x4x4x8xf32>
  return %r : tensor<1x4x4x8xf32>
}

// CHECK-LABEL: func.func @stays
//       CHECK: %[[E1:.+]] = tensor.empty()
//       CHECK: linalg.generic {{.*}} ins(%arg0 : tensor<8xf32>) outs(%[[E1]]
//       CHECK: %[[E2:.+]] = tensor.empty()
//       CHECK: linalg.generic {{.*}} outs(%[[E2]]
func.func @stays(%x: tensor<8xf32>) -> (tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) {
  %e = tensor.empty() : tensor<8xf32>
  // A function argument: the caller's buffer.
  %a = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]}
      ins(%x : tensor<8xf32>) outs(%e : tensor<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %n = arith.negf %in : f32
    linalg.yield %n : f32
  } -> tensor<8xf32>
  %e2 = tensor.empty() : tensor<8xf32>
  // %a is returned too: it does not die here.
  %b = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]}
      ins(%a : tensor<8xf32>) outs(%e2 : tensor<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %n = arith.negf %in : f32
    linalg.yield %n : f32
  } -> tensor<8xf32>
  return %a, %b, %b : tensor<8xf32>, tensor<8xf32>, tensor<8xf32>
}
