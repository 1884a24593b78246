// RUN: strata-opt %s --strata-tile-and-vectorize="dot-product=vpdpwssd" -verify-diagnostics

// A dot-product instruction the pass does not know is an error, not a
// silent fallback.
// expected-error @+1 {{unknown dot-product 'vpdpwssd' (supported: vpdpbusd, smlad, sdot)}}
func.func @unknown_dot_product(%a: tensor<4xf32>) -> tensor<4xf32> {
  return %a : tensor<4xf32>
}
