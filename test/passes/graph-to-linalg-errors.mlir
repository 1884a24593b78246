// RUN: strata-opt %s -strata-convert-graph-to-linalg -split-input-file -verify-diagnostics

// An op whose element type has no lowering is left illegal and reported at
// its location (the importer rejects this case earlier with a clearer
// message; the pass must still not crash on it).
func.func @float_mod_without_fmod(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{failed to legalize operation 'graph.mod' that was explicitly marked illegal}}
  %0 = graph.mod %x, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
