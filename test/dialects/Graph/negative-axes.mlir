// RUN: strata-opt %s -canonicalize | FileCheck %s

//===- negative-axes.mlir - Negative axes that count from the back --------===//
//
// ONNX lets Shape's start and end and Flatten's axis be negative, counting
// from the back (-1 is the last axis). These cases live apart from fold.mlir
// because a verifier that misreads them rejects the whole module, which
// would hide every other fold.
//
//===----------------------------------------------------------------------===//

// A negative start counts from the back (ONNX): start = -1 is the last axis.
// CHECK-LABEL: func.func @shape_negative_start
// CHECK-NEXT: %[[C:.+]] = graph.constant dense<4> : tensor<1xi64>
// CHECK-NEXT: return %[[C]]
func.func @shape_negative_start(%x: tensor<2x3x4xf32>) -> tensor<1xi64> {
  %0 = graph.shape %x {start = -1 : i64} : (tensor<2x3x4xf32>) -> tensor<1xi64>
  return %0 : tensor<1xi64>
}

// A negative end counts from the back too: [0, -1) drops the last axis.
// CHECK-LABEL: func.func @shape_negative_end
// CHECK-NEXT: %[[C:.+]] = graph.constant dense<[2, 3]> : tensor<2xi64>
// CHECK-NEXT: return %[[C]]
func.func @shape_negative_end(%x: tensor<2x3x4xf32>) -> tensor<2xi64> {
  %0 = graph.shape %x {end = -1 : i64} : (tensor<2x3x4xf32>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// Flatten's negative axis counts from the back: axis -1 of 2x3x4 gives 6x4.
// CHECK-LABEL: func.func @flatten_negative_axis
// CHECK-NEXT: %[[C:.+]] = graph.constant dense<1.000000e+00> : tensor<6x4xf32>
// CHECK-NEXT: return %[[C]]
func.func @flatten_negative_axis() -> tensor<6x4xf32> {
  %a = graph.constant dense<1.0> : tensor<2x3x4xf32>
  %0 = graph.flatten %a {axis = -1 : i64} : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
  return %0 : tensor<6x4xf32>
}

// Flatten's axis -rank is axis 0: everything goes to the inner extent.
// CHECK-LABEL: func.func @flatten_minus_rank
// CHECK-SAME: (%[[X:.+]]: tensor<2x3x4xf32>)
// CHECK-NEXT: %[[F:.+]] = graph.flatten %[[X]] {axis = -3 : i64} : (tensor<2x3x4xf32>) -> tensor<1x24xf32>
// CHECK-NEXT: return %[[F]]
func.func @flatten_minus_rank(%x: tensor<2x3x4xf32>) -> tensor<1x24xf32> {
  %0 = graph.flatten %x {axis = -3 : i64} : (tensor<2x3x4xf32>) -> tensor<1x24xf32>
  return %0 : tensor<1x24xf32>
}
