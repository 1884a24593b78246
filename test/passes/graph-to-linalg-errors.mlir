// RUN: strata-opt %s -convert-graph-to-linalg -split-input-file -verify-diagnostics

// Unsigned integer tensors are refused with a message, not lowered into
// arith ops that only take signless integers.
func.func @unsigned(%u: tensor<4xui8>) -> tensor<4xi1> {
  // expected-error @+1 {{unsigned integer tensors are not supported yet (graph.less)}}
  %0 = graph.less %u, %u : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xi1>
  return %0 : tensor<4xi1>
}
