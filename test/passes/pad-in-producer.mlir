// RUN: strata-opt %s --split-input-file -strata-pad-in-producer | FileCheck %s
// RUN: strata-opt %s --split-input-file -strata-pad-in-producer \
// RUN:   -one-shot-bufferize="bufferize-function-boundaries" -cse -canonicalize \
// RUN:   | FileCheck %s --check-prefix=BUFFERS

//===- pad-in-producer.mlir - producers write into padded buffers ---------===//
//
// The ReLU writes into the interior of a padded tensor whose border is
// filled, instead of a tensor of its own; the pad becomes the insert of its
// result, and its other user (the residual add) reads the padded tensor's
// interior. Bufferized, that leaves the border's fills and no copy.
//
//===----------------------------------------------------------------------===//

#id = affine_map<(n, h, w, c) -> (n, h, w, c)>

// CHECK-LABEL: func.func @relu_then_pad
//       CHECK: %[[BUFFER:.*]] = bufferization.alloc_tensor() : tensor<1x6x6x8xf32>
// Only the border is filled: the row above, the row below, then the columns
// left and right of the interior's rows.
//       CHECK: %[[TOP:.*]] = tensor.extract_slice %[[BUFFER]][0, 0, 0, 0] [1, 1, 6, 8] [1, 1, 1, 1]
//       CHECK: linalg.fill {{.*}} outs(%[[TOP]] : tensor<1x1x6x8xf32>)
//       CHECK: tensor.extract_slice %{{.*}}[0, 5, 0, 0] [1, 1, 6, 8] [1, 1, 1, 1]
//       CHECK: tensor.extract_slice %{{.*}}[0, 1, 0, 0] [1, 4, 1, 8] [1, 1, 1, 1]
//       CHECK: tensor.extract_slice %{{.*}}[0, 1, 5, 0] [1, 4, 1, 8] [1, 1, 1, 1]
//       CHECK: %[[FILLED:.*]] = tensor.insert_slice %{{.*}}[0, 1, 5, 0] [1, 4, 1, 8] [1, 1, 1, 1]
//   CHECK-NOT: linalg.fill
//       CHECK: %[[INTERIOR:.*]] = tensor.extract_slice %[[FILLED]][0, 1, 1, 0] [1, 4, 4, 8] [1, 1, 1, 1]
//       CHECK: %[[RELU:.*]] = linalg.generic {{.*}} outs(%[[INTERIOR]] : tensor<1x4x4x8xf32>)
//       CHECK: %[[PADDED:.*]] = tensor.insert_slice %[[RELU]] into %[[FILLED]][0, 1, 1, 0] [1, 4, 4, 8] [1, 1, 1, 1]
//       CHECK: %[[VIEW:.*]] = tensor.extract_slice %[[PADDED]][0, 1, 1, 0] [1, 4, 4, 8] [1, 1, 1, 1]
//   CHECK-NOT: tensor.pad
//       CHECK: linalg.generic {{.*}} ins(%[[VIEW]], %{{.*}} : tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>)
//       CHECK: return %[[PADDED]], %{{.*}}
// BUFFERS-LABEL: func.func @relu_then_pad
//       BUFFERS: %[[PADDED:.*]] = memref.alloc() {{.*}} : memref<1x6x6x8xf32>
// BUFFERS-COUNT-4: linalg.fill
//       BUFFERS: %[[INTERIOR:.*]] = memref.subview %[[PADDED]][0, 1, 1, 0]
//       BUFFERS: linalg.generic {{.*}} outs(%[[INTERIOR]]
//   BUFFERS-NOT: memref.copy
//       BUFFERS: return %[[PADDED]]
func.func @relu_then_pad(%x: tensor<1x4x4x8xf32>) -> (tensor<1x6x6x8xf32>, tensor<1x4x4x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x4x8xf32>
  %relu = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<1x4x4x8xf32>) outs(%e : tensor<1x4x4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.maximumf %in, %zero : f32
    linalg.yield %r : f32
  } -> tensor<1x4x4x8xf32>
  %padded = tensor.pad %relu low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x4x4x8xf32> to tensor<1x6x6x8xf32>
  %sum = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%relu, %x : tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>) outs(%e : tensor<1x4x4x8xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<1x4x4x8xf32>
  return %padded, %sum : tensor<1x6x6x8xf32>, tensor<1x4x4x8xf32>
}

// -----

// Left alone: a producer that accumulates into its init (a convolution
// seeded with its bias), a returned value, and a pad of a function argument.
// CHECK-LABEL: func.func @kept
// CHECK-COUNT-3: tensor.pad
//     CHECK-NOT: bufferization.alloc_tensor
func.func @kept(%x: tensor<1x6x6x8xf32>, %g: tensor<3x3x8x8xf32>, %bias: tensor<1x4x4x8xf32>,
                %arg: tensor<1x4x4x8xf32>)
    -> (tensor<1x6x6x8xf32>, tensor<1x6x6x8xf32>, tensor<1x4x4x8xf32>, tensor<1x6x6x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %conv = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %g : tensor<1x6x6x8xf32>, tensor<3x3x8x8xf32>) outs(%bias : tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  %p0 = tensor.pad %conv low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x4x4x8xf32> to tensor<1x6x6x8xf32>
  %e = tensor.empty() : tensor<1x4x4x8xf32>
  %copy = linalg.copy ins(%arg : tensor<1x4x4x8xf32>) outs(%e : tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  %p1 = tensor.pad %copy low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x4x4x8xf32> to tensor<1x6x6x8xf32>
  %p2 = tensor.pad %arg low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x4x4x8xf32> to tensor<1x6x6x8xf32>
  return %p0, %p1, %copy, %p2 : tensor<1x6x6x8xf32>, tensor<1x6x6x8xf32>, tensor<1x4x4x8xf32>, tensor<1x6x6x8xf32>
}
