// RUN: strata-opt %s --strata-fuse-elementwise=max-body-ops=4 | FileCheck %s
// RUN: strata-opt %s --strata-fuse-elementwise=max-body-ops=4 | FileCheck %s --check-prefix=CAPPED
// RUN: strata-opt %s --strata-fuse-elementwise | FileCheck %s --check-prefix=UNCAPPED

// The fused body is capped (here at 4 ops plus the yield): a chain of five
// one-op generics becomes two loop nests, not one, still computing the ops
// in order. Without a cap, a chain of n ops costs O(n^2) body copies at
// compile time; under the default cap these five fuse into one.
#id = affine_map<(d0) -> (d0)>

// CHECK-LABEL: func.func @long_chain
// CHECK: math.tanh
// CHECK: math.exp
// CHECK: math.log
// CHECK: math.sin
// CHECK: math.sqrt
// CHECK: return
// CAPPED-COUNT-2: linalg.generic {
// CAPPED-NOT: linalg.generic {
// UNCAPPED-COUNT-1: linalg.generic {
// UNCAPPED-NOT: linalg.generic {
func.func @long_chain(%x: tensor<8xf32>) -> tensor<8xf32> {
  %e = tensor.empty() : tensor<8xf32>
  %a = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
       ins(%x : tensor<8xf32>) outs(%e : tensor<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = math.tanh %in : f32
    linalg.yield %v : f32
  } -> tensor<8xf32>
  %b = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
       ins(%a : tensor<8xf32>) outs(%e : tensor<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = math.exp %in : f32
    linalg.yield %v : f32
  } -> tensor<8xf32>
  %c = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
       ins(%b : tensor<8xf32>) outs(%e : tensor<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = math.log %in : f32
    linalg.yield %v : f32
  } -> tensor<8xf32>
  %d = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
       ins(%c : tensor<8xf32>) outs(%e : tensor<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = math.sin %in : f32
    linalg.yield %v : f32
  } -> tensor<8xf32>
  %f = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
       ins(%d : tensor<8xf32>) outs(%e : tensor<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = math.sqrt %in : f32
    linalg.yield %v : f32
  } -> tensor<8xf32>
  return %f : tensor<8xf32>
}
