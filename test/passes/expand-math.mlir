// RUN: strata-opt %s -strata-expand-math | FileCheck %s

//===- expand-math.mlir - Polynomial approximations for math ops ----------===//
//
// Generated code must not call libm: strata-expand-math rewrites the f32
// transcendental math ops into arithmetic (fma chains, selects, bit tricks).
// Each case checks that the op is gone and that arithmetic replaced it.
//
//===----------------------------------------------------------------------===//

// tanh becomes a clamped rational polynomial: fma chains and one division.
// CHECK-LABEL: func.func @tanh
// CHECK-NOT: math.tanh
// CHECK: arith.cmpf
// CHECK: math.fma
// CHECK: arith.divf
// CHECK: arith.select
// CHECK-NOT: math.tanh
// CHECK: return
func.func @tanh(%x: f32) -> f32 {
  %0 = math.tanh %x : f32
  return %0 : f32
}

// exp becomes a range reduction (floor) and a polynomial, rebuilt with
// integer exponent arithmetic.
// CHECK-LABEL: func.func @exp
// CHECK-NOT: math.exp
// CHECK: math.floor
// CHECK: math.fma
// CHECK: arith.shli
// CHECK: arith.bitcast
// CHECK-NOT: math.exp
// CHECK: return
func.func @exp(%x: f32) -> f32 {
  %0 = math.exp %x : f32
  return %0 : f32
}

// log, erf, log1p, expm1 and sin on a vector are expanded too.
// CHECK-LABEL: func.func @vector_ops
// CHECK-NOT: math.log
// CHECK-NOT: math.erf
// CHECK-NOT: math.log1p
// CHECK-NOT: math.expm1
// CHECK-NOT: math.sin
// CHECK: math.fma {{.+}} : vector<4xf32>
// CHECK-NOT: math.log
// CHECK-NOT: math.erf
// CHECK-NOT: math.expm1
// CHECK-NOT: math.sin
// CHECK: return
func.func @vector_ops(%x: vector<4xf32>) -> vector<4xf32> {
  %0 = math.log %x : vector<4xf32>
  %1 = math.erf %0 : vector<4xf32>
  %2 = math.log1p %1 : vector<4xf32>
  %3 = math.expm1 %2 : vector<4xf32>
  %4 = math.sin %3 : vector<4xf32>
  return %4 : vector<4xf32>
}

// Bodies of linalg ops (where strata-convert-graph-to-linalg leaves sigmoid's exp and
// tanh) are rewritten in place.
// CHECK-LABEL: func.func @in_generic
// CHECK: linalg.generic
// CHECK-NOT: math.exp
// CHECK-NOT: math.tanh
// CHECK: linalg.yield
func.func @in_generic(%x: tensor<8xf32>) -> tensor<8xf32> {
  %e = tensor.empty() : tensor<8xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>],
                       iterator_types = ["parallel"]}
      ins(%x : tensor<8xf32>) outs(%e : tensor<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %t = math.tanh %in : f32
    %s = math.exp %t : f32
    linalg.yield %s : f32
  } -> tensor<8xf32>
  return %0 : tensor<8xf32>
}

// tan, the hyperbolic functions and their inverses, and roundeven are first
// expanded into ops that have approximations (sin/cos, exp, log, sqrt), so
// none of them is left for libm.
// CHECK-LABEL: func.func @expanded_first
// CHECK-NOT: math.tan
// CHECK-NOT: math.sinh
// CHECK-NOT: math.acosh
// CHECK-NOT: math.atanh
// CHECK-NOT: math.round
// CHECK-NOT: math.asin
// CHECK-NOT: math.atan
// CHECK: return
func.func @expanded_first(%x: f32) -> f32 {
  %0 = math.tan %x : f32
  %1 = math.sinh %0 : f32
  %2 = math.acosh %1 : f32
  %3 = math.atanh %2 : f32
  %4 = math.roundeven %3 : f32
  %5 = math.asin %4 : f32
  %6 = math.atan %5 : f32
  return %6 : f32
}
