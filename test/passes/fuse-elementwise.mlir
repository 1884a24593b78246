// RUN: strata-opt %s --strata-fuse-elementwise | FileCheck %s

#id = affine_map<(d0, d1) -> (d0, d1)>
#lhs = affine_map<(d0, d1, d2) -> (d0, d2)>
#rhs = affine_map<(d0, d1, d2) -> (d2, d1)>
#out = affine_map<(d0, d1, d2) -> (d0, d1)>

// Two elementwise ops become one loop nest: one generic whose body computes
// the tanh and the product (the unfused input has a generic between them).
// CHECK-LABEL: func.func @chain
// CHECK: linalg.generic
// CHECK-NOT: linalg.generic
// CHECK: math.tanh
// CHECK-NOT: linalg.generic
// CHECK: arith.mulf
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @chain(%x: tensor<4x8xf32>, %o: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %e = tensor.empty() : tensor<4x8xf32>
  %t = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
       ins(%x : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = math.tanh %in : f32
    linalg.yield %v : f32
  } -> tensor<4x8xf32>
  %h = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
       ins(%o, %t : tensor<4x8xf32>, tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %v = arith.mulf %a, %b : f32
    linalg.yield %v : f32
  } -> tensor<4x8xf32>
  return %h : tensor<4x8xf32>
}

// An elementwise producer stays out of a contraction: fused, its tanh would
// run once per reduction step and the matmul would no longer be one.
// CHECK-LABEL: func.func @not_into_contraction
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]
// CHECK: math.tanh
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]
// CHECK-NOT: math.tanh
func.func @not_into_contraction(%x: tensor<4x8xf32>, %w: tensor<8x16xf32>,
                                %acc: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %e = tensor.empty() : tensor<4x8xf32>
  %t = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
       ins(%x : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = math.tanh %in : f32
    linalg.yield %v : f32
  } -> tensor<4x8xf32>
  %r = linalg.generic {indexing_maps = [#lhs, #rhs, #out],
                       iterator_types = ["parallel", "parallel", "reduction"]}
       ins(%t, %w : tensor<4x8xf32>, tensor<8x16xf32>) outs(%acc : tensor<4x16xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %c, %p : f32
    linalg.yield %s : f32
  } -> tensor<4x16xf32>
  return %r : tensor<4x16xf32>
}

// An int8 result stays int8 in memory when its consumer makes floats of it
// (a requantization, then a dequantization): the two are not fused.
// CHECK-LABEL: func.func @int8_then_float
// CHECK: %[[Q:.+]] = linalg.generic
// CHECK: arith.trunci
// CHECK: } -> tensor<4x4xi8>
// CHECK: linalg.generic {{.*}} ins(%[[Q]] : tensor<4x4xi8>) outs(%{{.+}} : tensor<4x4xf32>)
func.func @int8_then_float(%acc: tensor<4x4xi32>) -> tensor<4x4xf32> {
  %e8 = tensor.empty() : tensor<4x4xi8>
  %q = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%acc : tensor<4x4xi32>) outs(%e8 : tensor<4x4xi8>) {
  ^bb0(%a: i32, %o: i8):
    %t = arith.trunci %a : i32 to i8
    linalg.yield %t : i8
  } -> tensor<4x4xi8>
  %ef = tensor.empty() : tensor<4x4xf32>
  %f = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%q : tensor<4x4xi8>) outs(%ef : tensor<4x4xf32>) {
  ^bb0(%a: i8, %o: f32):
    %x = arith.sitofp %a : i8 to f32
    linalg.yield %x : f32
  } -> tensor<4x4xf32>
  return %f : tensor<4x4xf32>
}
