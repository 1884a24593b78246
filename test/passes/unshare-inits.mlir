// RUN: strata-opt %s -strata-unshare-inits | FileCheck %s
// RUN: strata-opt %s "-strata-unshare-inits=last-user-too=true" | FileCheck %s --check-prefix=ALL
// RUN: strata-opt %s -strata-unshare-inits \
// RUN:   -one-shot-bufferize="bufferize-function-boundaries" -cse -canonicalize \
// RUN:   | FileCheck %s --check-prefix=BUFFERS

//===- unshare-inits.mlir - one accumulator init per op -------------------===//
//
// Two matmuls accumulate into one zero fill and two into one bias
// broadcast. Every user but the last gets its own fill or broadcast, into a
// buffer of its own; bufferized, nothing is copied. With last-user-too the
// last user gets one too, right before it, and the shared one goes. Inits
// that are not cheap (computed from a function argument), or read by
// nobody, stay shared.
//
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @shared
//       CHECK: %[[FILL:.*]] = linalg.fill ins(%{{.*}}) outs(%{{.*}} : tensor<8x16xf32>)
//       CHECK: %[[BIAS:.*]] = linalg.generic {{.*}} ins(%[[B:.*]] : tensor<16xf32>)
//       CHECK: %[[OWN_FILL_BUFFER:.*]] = bufferization.alloc_tensor() : tensor<8x16xf32>
//       CHECK: %[[OWN_FILL:.*]] = linalg.fill ins(%{{.*}}) outs(%[[OWN_FILL_BUFFER]]
//       CHECK: linalg.matmul {{.*}} outs(%[[OWN_FILL]]
//       CHECK: linalg.matmul {{.*}} outs(%[[FILL]]
//       CHECK: %[[OWN_BIAS_BUFFER:.*]] = bufferization.alloc_tensor() : tensor<8x16xf32>
//       CHECK: %[[OWN_BIAS:.*]] = linalg.generic {{.*}} ins(%[[B]] : tensor<16xf32>) outs(%[[OWN_BIAS_BUFFER]]
//       CHECK: linalg.matmul {{.*}} outs(%[[OWN_BIAS]]
//       CHECK: linalg.matmul {{.*}} outs(%[[BIAS]]
//       CHECK: %[[RUNTIME:.*]] = linalg.generic {{.*}} ins(%arg3
//       CHECK: linalg.matmul {{.*}} outs(%[[RUNTIME]]
//       CHECK: linalg.matmul {{.*}} outs(%[[RUNTIME]]
// ALL-LABEL: func.func @shared
//     ALL-NOT: linalg.fill
//         ALL: %[[FILL_BUFFER_1:.*]] = bufferization.alloc_tensor() : tensor<8x16xf32>
//         ALL: %[[FILL_1:.*]] = linalg.fill ins(%{{.*}}) outs(%[[FILL_BUFFER_1]]
//         ALL: linalg.matmul {{.*}} outs(%[[FILL_1]]
//         ALL: %[[FILL_BUFFER_2:.*]] = bufferization.alloc_tensor() : tensor<8x16xf32>
//         ALL: %[[FILL_2:.*]] = linalg.fill ins(%{{.*}}) outs(%[[FILL_BUFFER_2]]
//         ALL: linalg.matmul {{.*}} outs(%[[FILL_2]]
//         ALL: %[[BIAS_BUFFER_1:.*]] = bufferization.alloc_tensor() : tensor<8x16xf32>
//         ALL: %[[BIAS_1:.*]] = linalg.generic {{.*}} ins(%[[B:.*]] : tensor<16xf32>) outs(%[[BIAS_BUFFER_1]]
//         ALL: linalg.matmul {{.*}} outs(%[[BIAS_1]]
//         ALL: %[[BIAS_BUFFER_2:.*]] = bufferization.alloc_tensor() : tensor<8x16xf32>
//         ALL: %[[BIAS_2:.*]] = linalg.generic {{.*}} ins(%[[B]] : tensor<16xf32>) outs(%[[BIAS_BUFFER_2]]
//         ALL: linalg.matmul {{.*}} outs(%[[BIAS_2]]
// BUFFERS-LABEL: func.func @shared
//   BUFFERS-NOT: memref.copy
//       BUFFERS: linalg.generic {{.*}} ins(%arg3
//       BUFFERS: memref.copy
//   BUFFERS-NOT: memref.copy
//       BUFFERS: return
func.func @shared(%x: tensor<8x4xf32>, %w: tensor<4x16xf32>, %v: tensor<4x16xf32>,
                  %runtime: tensor<16xf32>)
    -> (tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>,
        tensor<8x16xf32>, tensor<8x16xf32>) {
  %zero = arith.constant 0.0 : f32
  %b = arith.constant dense<1.0> : tensor<16xf32>
  %e = tensor.empty() : tensor<8x16xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<8x16xf32>) -> tensor<8x16xf32>
  %bias = linalg.generic {indexing_maps = [affine_map<(i, j) -> (j)>, affine_map<(i, j) -> (i, j)>],
                          iterator_types = ["parallel", "parallel"]}
      ins(%b : tensor<16xf32>) outs(%e : tensor<8x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<8x16xf32>
  %0 = linalg.matmul ins(%x, %w : tensor<8x4xf32>, tensor<4x16xf32>) outs(%fill : tensor<8x16xf32>) -> tensor<8x16xf32>
  %1 = linalg.matmul ins(%x, %v : tensor<8x4xf32>, tensor<4x16xf32>) outs(%fill : tensor<8x16xf32>) -> tensor<8x16xf32>
  %2 = linalg.matmul ins(%x, %w : tensor<8x4xf32>, tensor<4x16xf32>) outs(%bias : tensor<8x16xf32>) -> tensor<8x16xf32>
  %3 = linalg.matmul ins(%x, %v : tensor<8x4xf32>, tensor<4x16xf32>) outs(%bias : tensor<8x16xf32>) -> tensor<8x16xf32>
  %shared = linalg.generic {indexing_maps = [affine_map<(i, j) -> (j)>, affine_map<(i, j) -> (i, j)>],
                            iterator_types = ["parallel", "parallel"]}
      ins(%runtime : tensor<16xf32>) outs(%e : tensor<8x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<8x16xf32>
  %4 = linalg.matmul ins(%x, %w : tensor<8x4xf32>, tensor<4x16xf32>) outs(%shared : tensor<8x16xf32>) -> tensor<8x16xf32>
  %5 = linalg.matmul ins(%x, %v : tensor<8x4xf32>, tensor<4x16xf32>) outs(%shared : tensor<8x16xf32>) -> tensor<8x16xf32>
  return %0, %1, %2, %3, %4, %5 : tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>,
                                  tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>
}
