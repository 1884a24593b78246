// RUN: strata-opt %s -convert-graph-to-linalg -split-input-file -verify-diagnostics

// An op whose element type has no lowering is left illegal and reported at
// its location (the importer rejects this case earlier with a clearer
// message; the pass must still not crash on it).
func.func @float_mod_without_fmod(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{failed to legalize operation 'graph.mod' that was explicitly marked illegal}}
  %0 = graph.mod %x, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Unsigned max pooling has no linalg named op yet: refused, not miscompiled
// with a signed comparison.
func.func @unsigned_max_pool(%x: tensor<1x1x4x4xui8>) -> tensor<1x1x2x2xui8> {
  // expected-error @+1 {{failed to legalize operation 'graph.max_pool' that was explicitly marked illegal}}
  %0 = graph.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x1x4x4xui8>) -> tensor<1x1x2x2xui8>
  return %0 : tensor<1x1x2x2xui8>
}
