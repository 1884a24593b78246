// RUN: strata-opt %s -canonicalize | FileCheck %s

//===- fold.mlir - Constant folding of graph ops --------------------------===//
//
// PyTorch exports compute reshape targets and slice bounds with Shape,
// Gather, Unsqueeze, Concat and arithmetic on static shapes; every one of
// those must fold to the exact constant ONNX would compute, or a model's
// shapes come out wrong. Each case checks the folded values element by
// element, and that ops which must not fold are left alone.
//
//===----------------------------------------------------------------------===//

// Shape of a static tensor is its extents.
// CHECK-LABEL: func.func @shape_full
// CHECK-NEXT: %[[C:.+]] = graph.constant dense<[1, 3, 224, 224]> : tensor<4xi64>
// CHECK-NEXT: return %[[C]]
func.func @shape_full(%x: tensor<1x3x224x224xf32>) -> tensor<4xi64> {
  %0 = graph.shape %x : (tensor<1x3x224x224xf32>) -> tensor<4xi64>
  return %0 : tensor<4xi64>
}

// Shape with start and end keeps the extents in [start, end).
// CHECK-LABEL: func.func @shape_range
// CHECK-NEXT: %[[C:.+]] = graph.constant dense<[3, 224]> : tensor<2xi64>
// CHECK-NEXT: return %[[C]]
func.func @shape_range(%x: tensor<1x3x224x225xf32>) -> tensor<2xi64> {
  %0 = graph.shape %x {start = 1 : i64, end = 3 : i64} : (tensor<1x3x224x225xf32>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// Shape clamps out-of-range start and end to the input's rank, as ONNX does.
// CHECK-LABEL: func.func @shape_clamped
// CHECK: %[[C:.*]] = graph.constant dense<[2, 3]> : tensor<2xi64>
// CHECK: return %[[C]]
func.func @shape_clamped(%x: tensor<2x3xf32>) -> tensor<2xi64> {
  %0 = graph.shape %x {start = -5 : i64, end = 10 : i64} : (tensor<2x3xf32>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// ConstantOfShape folds to a splat of its value.
// CHECK-LABEL: func.func @constant_of_shape
// CHECK-NEXT: %[[C:.+]] = graph.constant dense<1.500000e+00> : tensor<2x3xf32>
// CHECK-NEXT: return %[[C]]
func.func @constant_of_shape() -> tensor<2x3xf32> {
  %s = graph.constant dense<[2, 3]> : tensor<2xi64>
  %0 = graph.constant_of_shape %s, 1.5 : f32 : (tensor<2xi64>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// Integer add broadcasts a 2x1 column against a row of 3.
// CHECK-LABEL: func.func @add_int_broadcast
// CHECK-NEXT: %[[C:.+]] = graph.constant dense<{{\[}}[11, 21, 31], [12, 22, 32]]> : tensor<2x3xi64>
// CHECK-NEXT: return %[[C]]
func.func @add_int_broadcast() -> tensor<2x3xi64> {
  %a = graph.constant dense<[[1], [2]]> : tensor<2x1xi64>
  %b = graph.constant dense<[10, 20, 30]> : tensor<3xi64>
  %0 = graph.add %a, %b : (tensor<2x1xi64>, tensor<3xi64>) -> tensor<2x3xi64>
  return %0 : tensor<2x3xi64>
}

// Integer sub and mul against a scalar (rank-0) operand on either side.
// CHECK-LABEL: func.func @sub_mul_int_scalar
// CHECK-NEXT: %[[C:.+]] = graph.constant dense<[-2, 0, 2]> : tensor<3xi32>
// CHECK-NEXT: return %[[C]]
func.func @sub_mul_int_scalar() -> tensor<3xi32> {
  %a = graph.constant dense<[1, 2, 3]> : tensor<3xi32>
  %two = graph.constant dense<2> : tensor<i32>
  %0 = graph.sub %a, %two : (tensor<3xi32>, tensor<i32>) -> tensor<3xi32>
  %1 = graph.mul %two, %0 : (tensor<i32>, tensor<3xi32>) -> tensor<3xi32>
  return %1 : tensor<3xi32>
}

// Neg folds integer and float constants (a LayerNormalization function
// negates its axis to size the reduced shape).
// CHECK-LABEL: func.func @neg
// CHECK-DAG: graph.constant dense<[-1, 2]> : tensor<2xi64>
// CHECK-DAG: graph.constant dense<[-5.000000e-01, 0.000000e+00]> : tensor<2xf32>
// CHECK-NOT: graph.neg
func.func @neg() -> (tensor<2xi64>, tensor<2xf32>) {
  %a = graph.constant dense<[1, -2]> : tensor<2xi64>
  %b = graph.constant dense<[0.5, -0.0]> : tensor<2xf32>
  %0 = graph.neg %a : (tensor<2xi64>) -> tensor<2xi64>
  %1 = graph.neg %b : (tensor<2xf32>) -> tensor<2xf32>
  return %0, %1 : tensor<2xi64>, tensor<2xf32>
}

// Integer division truncates toward zero, as ONNX and C do.
// CHECK-LABEL: func.func @div_int
// CHECK-NEXT: %[[C:.+]] = graph.constant dense<[3, -3, -3, 3]> : tensor<4xi64>
// CHECK-NEXT: return %[[C]]
func.func @div_int() -> tensor<4xi64> {
  %a = graph.constant dense<[7, -7, 7, -7]> : tensor<4xi64>
  %b = graph.constant dense<[2, 2, -2, -2]> : tensor<4xi64>
  %0 = graph.div %a, %b : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  return %0 : tensor<4xi64>
}

// Unsigned division reads the operands as unsigned: 200 / 3 is 66 in ui8.
// CHECK-LABEL: func.func @div_unsigned
// CHECK-NEXT: %[[C:.+]] = graph.constant dense<[66, 4]> : tensor<2xui8>
// CHECK-NEXT: return %[[C]]
func.func @div_unsigned() -> tensor<2xui8> {
  %a = graph.constant dense<[200, 9]> : tensor<2xui8>
  %b = graph.constant dense<[3, 2]> : tensor<2xui8>
  %0 = graph.div %a, %b : (tensor<2xui8>, tensor<2xui8>) -> tensor<2xui8>
  return %0 : tensor<2xui8>
}

// Integer division by zero is left for run time, not folded.
// CHECK-LABEL: func.func @div_int_by_zero
// CHECK-DAG: %[[A:.+]] = graph.constant dense<[4, 6]> : tensor<2xi64>
// CHECK-DAG: %[[B:.+]] = graph.constant dense<[2, 0]> : tensor<2xi64>
// CHECK: %[[D:.+]] = graph.div %[[A]], %[[B]] : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
// CHECK-NEXT: return %[[D]]
func.func @div_int_by_zero() -> tensor<2xi64> {
  %a = graph.constant dense<[4, 6]> : tensor<2xi64>
  %b = graph.constant dense<[2, 0]> : tensor<2xi64>
  %0 = graph.div %a, %b : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// Float arithmetic folds all four ops, broadcasting a row over a matrix:
// ((a + b) * b - a) / b with row 0: ((1,2)+(2,4))*(2,4) = (6,24), -(1,2), /(2,4).
// CHECK-LABEL: func.func @float_arithmetic
// CHECK-NEXT: %[[C:.+]] = graph.constant dense<{{\[}}[2.500000e+00, 5.500000e+00], [3.500000e+00, 7.000000e+00]]> : tensor<2x2xf32>
// CHECK-NEXT: return %[[C]]
func.func @float_arithmetic() -> tensor<2x2xf32> {
  %a = graph.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %b = graph.constant dense<[2.0, 4.0]> : tensor<2xf32>
  %0 = graph.add %a, %b : (tensor<2x2xf32>, tensor<2xf32>) -> tensor<2x2xf32>
  %1 = graph.mul %0, %b : (tensor<2x2xf32>, tensor<2xf32>) -> tensor<2x2xf32>
  %2 = graph.sub %1, %a : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  %3 = graph.div %2, %b : (tensor<2x2xf32>, tensor<2xf32>) -> tensor<2x2xf32>
  return %3 : tensor<2x2xf32>
}

// Arithmetic with a non-constant operand is not folded.
// CHECK-LABEL: func.func @add_not_constant
// CHECK: graph.add %{{.+}}, %{{.+}} : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
func.func @add_not_constant(%x: tensor<2xf32>) -> tensor<2xf32> {
  %c = graph.constant dense<1.0> : tensor<2xf32>
  %0 = graph.add %x, %c : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// Transpose of a constant moves every element: out[i][j] = in[j][i].
// CHECK-LABEL: func.func @transpose_constant
// CHECK-NEXT: %[[C:.+]] = graph.constant dense<{{\[}}[1, 4], [2, 5], [3, 6]]> : tensor<3x2xi32>
// CHECK-NEXT: return %[[C]]
func.func @transpose_constant() -> tensor<3x2xi32> {
  %a = graph.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi32>
  %0 = graph.transpose %a {perm = array<i64: 1, 0>} : (tensor<2x3xi32>) -> tensor<3x2xi32>
  return %0 : tensor<3x2xi32>
}

// A rank-3 transpose: out[a][b][c] = in[b][c][a] for perm (2, 0, 1).
// CHECK-LABEL: func.func @transpose_rank3
// CHECK-NEXT: %[[C:.+]] = graph.constant dense<{{\[}}{{\[}}[0, 2, 4], [6, 8, 10]], {{\[}}[1, 3, 5], [7, 9, 11]]]> : tensor<2x2x3xi64>
// CHECK-NEXT: return %[[C]]
func.func @transpose_rank3() -> tensor<2x2x3xi64> {
  %a = graph.constant dense<[[[0, 1], [2, 3], [4, 5]], [[6, 7], [8, 9], [10, 11]]]> : tensor<2x3x2xi64>
  %0 = graph.transpose %a {perm = array<i64: 2, 0, 1>} : (tensor<2x3x2xi64>) -> tensor<2x2x3xi64>
  return %0 : tensor<2x2x3xi64>
}

// Slice with a positive step picks start, start + step, ... below end.
// CHECK-LABEL: func.func @slice_step
// CHECK-NEXT: %[[C:.+]] = graph.constant dense<[1, 4, 7]> : tensor<3xi64>
// CHECK-NEXT: return %[[C]]
func.func @slice_step() -> tensor<3xi64> {
  %a = graph.constant dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]> : tensor<10xi64>
  %0 = graph.slice %a {starts = array<i64: 1>, ends = array<i64: 8>,
                       axes = array<i64: 0>, steps = array<i64: 3>}
      : (tensor<10xi64>) -> tensor<3xi64>
  return %0 : tensor<3xi64>
}

// Slice with a negative step from the last element to past the front reverses.
// CHECK-LABEL: func.func @slice_negative_step
// CHECK-NEXT: %[[C:.+]] = graph.constant dense<[5, 3, 1]> : tensor<3xi64>
// CHECK-NEXT: return %[[C]]
func.func @slice_negative_step() -> tensor<3xi64> {
  %a = graph.constant dense<[0, 1, 2, 3, 4, 5]> : tensor<6xi64>
  %0 = graph.slice %a {starts = array<i64: -1>, ends = array<i64: -9223372036854775807>,
                       axes = array<i64: 0>, steps = array<i64: -2>}
      : (tensor<6xi64>) -> tensor<3xi64>
  return %0 : tensor<3xi64>
}

// A 2-D slice: rows 1.. (end clamped), columns reversed from 2 down to 1.
// CHECK-LABEL: func.func @slice_2d
// CHECK-NEXT: %[[C:.+]] = graph.constant dense<{{\[}}[6, 5], [10, 9]]> : tensor<2x2xi32>
// CHECK-NEXT: return %[[C]]
func.func @slice_2d() -> tensor<2x2xi32> {
  %a = graph.constant dense<[[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]> : tensor<3x4xi32>
  %0 = graph.slice %a {starts = array<i64: 1, 2>, ends = array<i64: 100, 0>,
                       axes = array<i64: 0, -1>, steps = array<i64: 1, -1>}
      : (tensor<3x4xi32>) -> tensor<2x2xi32>
  return %0 : tensor<2x2xi32>
}

// Gather along axis 0 with a negative index, which counts from the end.
// CHECK-LABEL: func.func @gather_negative_index
// CHECK-NEXT: %[[C:.+]] = graph.constant dense<{{\[}}[5, 6], [1, 2], [3, 4]]> : tensor<3x2xi64>
// CHECK-NEXT: return %[[C]]
func.func @gather_negative_index() -> tensor<3x2xi64> {
  %a = graph.constant dense<[[1, 2], [3, 4], [5, 6]]> : tensor<3x2xi64>
  %i = graph.constant dense<[-1, 0, 1]> : tensor<3xi64>
  %0 = graph.gather %a, %i : (tensor<3x2xi64>, tensor<3xi64>) -> tensor<3x2xi64>
  return %0 : tensor<3x2xi64>
}

// Gather along axis 1 with 2-D indices: out[r][i][j] = in[r][idx[i][j]].
// CHECK-LABEL: func.func @gather_axis1
// CHECK-NEXT: %[[C:.+]] = graph.constant dense<{{\[}}{{\[}}[3, 1], [2, 2]], {{\[}}[6, 4], [5, 5]]]> : tensor<2x2x2xi32>
// CHECK-NEXT: return %[[C]]
func.func @gather_axis1() -> tensor<2x2x2xi32> {
  %a = graph.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi32>
  %i = graph.constant dense<[[2, 0], [1, -2]]> : tensor<2x2xi32>
  %0 = graph.gather %a, %i {axis = 1 : i64} : (tensor<2x3xi32>, tensor<2x2xi32>) -> tensor<2x2x2xi32>
  return %0 : tensor<2x2x2xi32>
}

// A scalar index drops the gathered axis: Shape then Gather picks one extent.
// CHECK-LABEL: func.func @gather_scalar_of_shape
// CHECK-NEXT: %[[C:.+]] = graph.constant dense<224> : tensor<i64>
// CHECK-NEXT: return %[[C]]
func.func @gather_scalar_of_shape(%x: tensor<1x3x224x225xf32>) -> tensor<i64> {
  %s = graph.shape %x : (tensor<1x3x224x225xf32>) -> tensor<4xi64>
  %i = graph.constant dense<2> : tensor<i64>
  %0 = graph.gather %s, %i : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  return %0 : tensor<i64>
}

// An out-of-range index is not folded.
// CHECK-LABEL: func.func @gather_out_of_range
// CHECK: graph.gather
func.func @gather_out_of_range() -> tensor<1xi64> {
  %a = graph.constant dense<[1, 2, 3]> : tensor<3xi64>
  %i = graph.constant dense<[3]> : tensor<1xi64>
  %0 = graph.gather %a, %i : (tensor<3xi64>, tensor<1xi64>) -> tensor<1xi64>
  return %0 : tensor<1xi64>
}

// Concat of 1-D shape pieces, the reshape-target idiom of PyTorch exports.
// CHECK-LABEL: func.func @concat_shape_pieces
// CHECK-NEXT: %[[C:.+]] = graph.constant dense<[1, 3, -1]> : tensor<3xi64>
// CHECK-NEXT: return %[[C]]
func.func @concat_shape_pieces(%x: tensor<1x3x8x8xf32>) -> tensor<3xi64> {
  %s = graph.shape %x {end = 2 : i64} : (tensor<1x3x8x8xf32>) -> tensor<2xi64>
  %m = graph.constant dense<[-1]> : tensor<1xi64>
  %0 = graph.concat %s, %m {axis = 0 : i64} : (tensor<2xi64>, tensor<1xi64>) -> tensor<3xi64>
  return %0 : tensor<3xi64>
}

// Concat along the inner axis interleaves rows; a splat input repeats its value.
// CHECK-LABEL: func.func @concat_axis1
// CHECK-NEXT: %[[C:.+]] = graph.constant dense<{{\[}}[1, 2, 9, 9, 5], [3, 4, 9, 9, 6]]> : tensor<2x5xi32>
// CHECK-NEXT: return %[[C]]
func.func @concat_axis1() -> tensor<2x5xi32> {
  %a = graph.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi32>
  %b = graph.constant dense<9> : tensor<2x2xi32>
  %c = graph.constant dense<[[5], [6]]> : tensor<2x1xi32>
  %0 = graph.concat %a, %b, %c {axis = -1 : i64} : (tensor<2x2xi32>, tensor<2x2xi32>, tensor<2x1xi32>) -> tensor<2x5xi32>
  return %0 : tensor<2x5xi32>
}

// Expand repeats a column along the new extent and prepends axes.
// CHECK-LABEL: func.func @expand_constant
// CHECK-NEXT: %[[C:.+]] = graph.constant dense<{{\[}}{{\[}}[1, 1, 1], [2, 2, 2]], {{\[}}[1, 1, 1], [2, 2, 2]]]> : tensor<2x2x3xi64>
// CHECK-NEXT: return %[[C]]
func.func @expand_constant() -> tensor<2x2x3xi64> {
  %a = graph.constant dense<[[1], [2]]> : tensor<2x1xi64>
  %0 = graph.expand %a : (tensor<2x1xi64>) -> tensor<2x2x3xi64>
  return %0 : tensor<2x2x3xi64>
}

// Expand of a row repeats the row.
// CHECK-LABEL: func.func @expand_row
// CHECK-NEXT: %[[C:.+]] = graph.constant dense<{{\[}}[1.000000e+00, 2.000000e+00, 3.000000e+00], [1.000000e+00, 2.000000e+00, 3.000000e+00]]> : tensor<2x3xf32>
// CHECK-NEXT: return %[[C]]
func.func @expand_row() -> tensor<2x3xf32> {
  %a = graph.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %0 = graph.expand %a : (tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// Reshape, flatten, squeeze and unsqueeze of a constant keep the row-major order.
// CHECK-LABEL: func.func @reshape_like_constants
// CHECK-DAG: %[[R:.+]] = graph.constant dense<{{\[}}[0, 1, 2], [3, 4, 5]]> : tensor<2x3xi64>
// CHECK-DAG: %[[F:.+]] = graph.constant dense<{{\[}}[0, 1], [2, 3], [4, 5]]> : tensor<3x2xi64>
// CHECK-DAG: %[[S:.+]] = graph.constant dense<[0, 1, 2, 3, 4, 5]> : tensor<6xi64>
// CHECK-DAG: %[[U:.+]] = graph.constant dense<{{\[}}{{\[}}[0, 1, 2, 3, 4, 5]]]> : tensor<1x1x6xi64>
// CHECK-NOT: graph.reshape
// CHECK-NOT: graph.flatten
// CHECK-NOT: graph.squeeze
// CHECK-NOT: graph.unsqueeze
// CHECK: return %[[R]], %[[F]], %[[S]], %[[U]]
func.func @reshape_like_constants()
    -> (tensor<2x3xi64>, tensor<3x2xi64>, tensor<6xi64>, tensor<1x1x6xi64>) {
  %a = graph.constant dense<[[[0, 1]], [[2, 3]], [[4, 5]]]> : tensor<3x1x2xi64>
  %0 = graph.reshape %a : (tensor<3x1x2xi64>) -> tensor<2x3xi64>
  %1 = graph.flatten %a {axis = 1 : i64} : (tensor<3x1x2xi64>) -> tensor<3x2xi64>
  %s = graph.constant dense<[[0, 1, 2, 3, 4, 5]]> : tensor<1x6xi64>
  %2 = graph.squeeze %s {axes = array<i64: 0>} : (tensor<1x6xi64>) -> tensor<6xi64>
  %3 = graph.unsqueeze %2 {axes = array<i64: 0, -2>} : (tensor<6xi64>) -> tensor<1x1x6xi64>
  return %0, %1, %2, %3 : tensor<2x3xi64>, tensor<3x2xi64>, tensor<6xi64>, tensor<1x1x6xi64>
}

// Integer casts sign-extend signed inputs, zero-extend unsigned ones, truncate down.
// CHECK-LABEL: func.func @cast_integers
// CHECK-DAG: %[[W:.+]] = graph.constant dense<[-1, 7]> : tensor<2xi64>
// CHECK-DAG: %[[U:.+]] = graph.constant dense<[200, 7]> : tensor<2xi32>
// CHECK-DAG: %[[N:.+]] = graph.constant dense<[44, -1]> : tensor<2xi8>
// CHECK-NOT: graph.cast
// CHECK: return %[[W]], %[[U]], %[[N]]
func.func @cast_integers() -> (tensor<2xi64>, tensor<2xi32>, tensor<2xi8>) {
  %a = graph.constant dense<[-1, 7]> : tensor<2xi32>
  %0 = graph.cast %a : (tensor<2xi32>) -> tensor<2xi64>
  %b = graph.constant dense<[200, 7]> : tensor<2xui8>
  %1 = graph.cast %b : (tensor<2xui8>) -> tensor<2xi32>
  %c = graph.constant dense<[300, 511]> : tensor<2xi64>
  %2 = graph.cast %c : (tensor<2xi64>) -> tensor<2xi8>
  return %0, %1, %2 : tensor<2xi64>, tensor<2xi32>, tensor<2xi8>
}

// Casting to bool is "non-zero is true" (ONNX), not truncation to the low bit.
// CHECK-LABEL: func.func @cast_to_bool
// CHECK-NEXT: %[[C:.+]] = graph.constant dense<[false, true, true, true]> : tensor<4xi1>
// CHECK-NEXT: return %[[C]]
func.func @cast_to_bool() -> tensor<4xi1> {
  %a = graph.constant dense<[0, 2, 1, -2]> : tensor<4xi64>
  %0 = graph.cast %a : (tensor<4xi64>) -> tensor<4xi1>
  return %0 : tensor<4xi1>
}

// Bool to integer zero-extends: true is 1, not -1.
// CHECK-LABEL: func.func @cast_from_bool
// CHECK-NEXT: %[[C:.+]] = graph.constant dense<[1, 0]> : tensor<2xi64>
// CHECK-NEXT: return %[[C]]
func.func @cast_from_bool() -> tensor<2xi64> {
  %a = graph.constant dense<[true, false]> : tensor<2xi1>
  %0 = graph.cast %a : (tensor<2xi1>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// Float casts fold with the generated code's rounding: to float to nearest
// even, to integer toward zero; an out-of-range float-to-int stays.
// CHECK-LABEL: func.func @cast_float
// CHECK-DAG: graph.constant dense<[1, -2]> : tensor<2xi32>
// CHECK-DAG: graph.constant dense<[3.000000e+00, -1.000000e+00]> : tensor<2xf32>
// CHECK-DAG: graph.constant dense<[1.000000e+00, 0x7C00]> : tensor<2xf16>
// CHECK: graph.cast %{{.+}} : (tensor<1xf32>) -> tensor<1xi8>
func.func @cast_float() -> (tensor<2xi32>, tensor<2xf32>, tensor<2xf16>, tensor<1xi8>) {
  %a = graph.constant dense<[1.5, -2.5]> : tensor<2xf32>
  %0 = graph.cast %a : (tensor<2xf32>) -> tensor<2xi32>
  %b = graph.constant dense<[3, -1]> : tensor<2xi64>
  %1 = graph.cast %b : (tensor<2xi64>) -> tensor<2xf32>
  %c = graph.constant dense<[1.0, 1.0e10]> : tensor<2xf32>
  %2 = graph.cast %c : (tensor<2xf32>) -> tensor<2xf16>
  %d = graph.constant dense<[300.0]> : tensor<1xf32>
  %3 = graph.cast %d : (tensor<1xf32>) -> tensor<1xi8>
  return %0, %1, %2, %3 : tensor<2xi32>, tensor<2xf32>, tensor<2xf16>, tensor<1xi8>
}

// No-op data movement folds away on non-constant values.
// CHECK-LABEL: func.func @noops
// CHECK-SAME: (%[[X:.+]]: tensor<2x3xf32>)
// CHECK-NOT: graph.
// CHECK: return %[[X]], %[[X]], %[[X]], %[[X]], %[[X]], %[[X]], %[[X]], %[[X]]
func.func @noops(%x: tensor<2x3xf32>)
    -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>,
        tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) {
  %0 = graph.identity %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = graph.reshape %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %2 = graph.transpose %x {perm = array<i64: 0, 1>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %3 = graph.slice %x {starts = array<i64: 0>, ends = array<i64: 9223372036854775807>,
                       axes = array<i64: 1>, steps = array<i64: 1>}
      : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %4 = graph.concat %x {axis = 0 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %5 = graph.expand %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %6 = graph.cast %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %7 = graph.flatten %x {axis = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0, %1, %2, %3, %4, %5, %6, %7 : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>,
      tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>
}

// A real transpose or a reversing slice of a non-constant value stays.
// CHECK-LABEL: func.func @not_noops
// CHECK: graph.transpose %{{.+}} {perm = array<i64: 1, 0>}
// CHECK: graph.slice %{{.+}} {axes = array<i64: 0>, ends = array<i64: -3>, starts = array<i64: 1>, steps = array<i64: -1>}
func.func @not_noops(%x: tensor<2x2xf32>) -> (tensor<2x2xf32>, tensor<2x2xf32>) {
  %0 = graph.transpose %x {perm = array<i64: 1, 0>} : (tensor<2x2xf32>) -> tensor<2x2xf32>
  %1 = graph.slice %x {starts = array<i64: 1>, ends = array<i64: -3>,
                       axes = array<i64: 0>, steps = array<i64: -1>}
      : (tensor<2x2xf32>) -> tensor<2x2xf32>
  return %0, %1 : tensor<2x2xf32>, tensor<2x2xf32>
}

// A zero initial state times constant weights folds to zeros, and adding
// zeros (broadcast or not) folds away, so an LSTM's first step costs no
// matmul.
// CHECK-LABEL: func.func @zero_state_matmul
// CHECK-NOT: graph.matmul
// CHECK: %[[Z:.*]] = graph.constant dense<0.000000e+00> : tensor<1x3xf32>
// CHECK-NOT: graph.add
// CHECK: return %[[Z]], %arg0, %arg0
func.func @zero_state_matmul(%x: tensor<2x3xf32>) -> (tensor<1x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) {
  %h = graph.constant dense<0.0> : tensor<1x2xf32>
  %w = graph.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %0 = graph.matmul %h, %w : (tensor<1x2xf32>, tensor<2x3xf32>) -> tensor<1x3xf32>
  %1 = graph.add %x, %0 : (tensor<2x3xf32>, tensor<1x3xf32>) -> tensor<2x3xf32>
  %zero = graph.constant dense<0.0> : tensor<2x3xf32>
  %2 = graph.add %x, %zero : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0, %1, %2 : tensor<1x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>
}

// A zero times weights holding infinity is NaN, not zero: no fold.
// CHECK-LABEL: func.func @zero_times_infinity
// CHECK: graph.matmul
func.func @zero_times_infinity() -> tensor<1x1xf32> {
  %h = graph.constant dense<0.0> : tensor<1x1xf32>
  %w = graph.constant dense<0x7F800000> : tensor<1x1xf32>
  %0 = graph.matmul %h, %w : (tensor<1x1xf32>, tensor<1x1xf32>) -> tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}
