// RUN: strata-opt %s -strata-convert-graph-to-linalg | FileCheck %s

//===- graph-to-linalg-data-movement.mlir - Shape and copy ops to tensor --===//
//
// Reshape-like ops become collapse_shape/expand_shape views, Transpose a
// linalg.transpose, Concat a chain of insert_slice, Slice an extract_slice
// (or an index-computing generic for negative steps), Gather and Expand
// generics, and Shape/ConstantOfShape constants. These tests pin the
// reassociations, offsets, strides and index arithmetic of each.
//
//===----------------------------------------------------------------------===//

// CHECK-DAG: #[[$ID3:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[$MID:.+]] = affine_map<(d0, d1, d2) -> (d1)>
// CHECK-DAG: #[[$EXPAND:.+]] = affine_map<(d0, d1, d2) -> (d1, 0)>

// Squeeze and Reshape that drop unit axes collapse them into their neighbours.
// CHECK-LABEL: func.func @collapse
// CHECK-SAME: (%[[X:.+]]: tensor<1x3x1x4xf32>, %[[Y:.+]]: tensor<2x3x4xf32>)
// CHECK: %[[R:.+]] = tensor.collapse_shape %[[X]] {{\[}}[0, 1], [2, 3]] : tensor<1x3x1x4xf32> into tensor<3x4xf32>
// CHECK: %[[S:.+]] = tensor.collapse_shape %[[X]] {{\[}}[0, 1], [2, 3]] : tensor<1x3x1x4xf32> into tensor<3x4xf32>
// CHECK: %[[F:.+]] = tensor.collapse_shape %[[Y]] {{\[}}[0, 1], [2]] : tensor<2x3x4xf32> into tensor<6x4xf32>
// CHECK: %[[V:.+]] = tensor.collapse_shape %[[Y]] {{\[}}[0, 1, 2]] : tensor<2x3x4xf32> into tensor<24xf32>
// CHECK: return %[[R]], %[[S]], %[[F]], %[[V]]
func.func @collapse(%x: tensor<1x3x1x4xf32>, %y: tensor<2x3x4xf32>)
    -> (tensor<3x4xf32>, tensor<3x4xf32>, tensor<6x4xf32>, tensor<24xf32>) {
  %0 = graph.reshape %x : (tensor<1x3x1x4xf32>) -> tensor<3x4xf32>
  %1 = graph.squeeze %x {axes = array<i64: 0, -2>} : (tensor<1x3x1x4xf32>) -> tensor<3x4xf32>
  %2 = graph.flatten %y {axis = 2 : i64} : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
  %3 = graph.reshape %y : (tensor<2x3x4xf32>) -> tensor<24xf32>
  return %0, %1, %2, %3 : tensor<3x4xf32>, tensor<3x4xf32>, tensor<6x4xf32>, tensor<24xf32>
}

// Unsqueeze and a rank-growing Reshape expand with the result's static shape.
// CHECK-LABEL: func.func @expand_shapes
// CHECK-SAME: (%[[X:.+]]: tensor<3x4xf32>)
// CHECK: %[[U:.+]] = tensor.expand_shape %[[X]] {{\[}}[0, 1], [2, 3]] output_shape [1, 3, 4, 1] : tensor<3x4xf32> into tensor<1x3x4x1xf32>
// CHECK: %[[R:.+]] = tensor.expand_shape %[[X]] {{\[}}[0], [1, 2]] output_shape [3, 2, 2] : tensor<3x4xf32> into tensor<3x2x2xf32>
// CHECK: return %[[U]], %[[R]]
func.func @expand_shapes(%x: tensor<3x4xf32>) -> (tensor<1x3x4x1xf32>, tensor<3x2x2xf32>) {
  %0 = graph.unsqueeze %x {axes = array<i64: 0, 3>} : (tensor<3x4xf32>) -> tensor<1x3x4x1xf32>
  %1 = graph.reshape %x : (tensor<3x4xf32>) -> tensor<3x2x2xf32>
  return %0, %1 : tensor<1x3x4x1xf32>, tensor<3x2x2xf32>
}

// A reshape no single collapse or expand relates goes through 1-D.
// CHECK-LABEL: func.func @reshape_via_flat
// CHECK-SAME: (%[[Y:.+]]: tensor<2x3x4xf32>)
// CHECK: %[[FLAT:.+]] = tensor.collapse_shape %[[Y]] {{\[}}[0, 1, 2]] : tensor<2x3x4xf32> into tensor<24xf32>
// CHECK: %[[R:.+]] = tensor.expand_shape %[[FLAT]] {{\[}}[0, 1]] output_shape [4, 6] : tensor<24xf32> into tensor<4x6xf32>
// CHECK: return %[[R]]
func.func @reshape_via_flat(%y: tensor<2x3x4xf32>) -> tensor<4x6xf32> {
  %0 = graph.reshape %y : (tensor<2x3x4xf32>) -> tensor<4x6xf32>
  return %0 : tensor<4x6xf32>
}

// A scalar reshapes to and from a 1-element tensor.
// CHECK-LABEL: func.func @reshape_scalar
// CHECK-SAME: (%[[S:.+]]: tensor<f32>)
// CHECK: %[[E:.+]] = tensor.expand_shape %[[S]] [] output_shape [1, 1] : tensor<f32> into tensor<1x1xf32>
// CHECK: %[[C:.+]] = tensor.collapse_shape %[[E]] [] : tensor<1x1xf32> into tensor<f32>
// CHECK: return %[[E]], %[[C]]
func.func @reshape_scalar(%s: tensor<f32>) -> (tensor<1x1xf32>, tensor<f32>) {
  %0 = graph.reshape %s : (tensor<f32>) -> tensor<1x1xf32>
  %1 = graph.reshape %0 : (tensor<1x1xf32>) -> tensor<f32>
  return %0, %1 : tensor<1x1xf32>, tensor<f32>
}

// Transpose is linalg.transpose with the same permutation.
// CHECK-LABEL: func.func @transpose
// CHECK-SAME: (%[[X:.+]]: tensor<2x3x4xf32>)
// CHECK: %[[E:.+]] = tensor.empty() : tensor<4x2x3xf32>
// CHECK: %[[T:.+]] = linalg.transpose ins(%[[X]] : tensor<2x3x4xf32>) outs(%[[E]] : tensor<4x2x3xf32>) permutation = [2, 0, 1]
// CHECK: return %[[T]]
func.func @transpose(%x: tensor<2x3x4xf32>) -> tensor<4x2x3xf32> {
  %0 = graph.transpose %x {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
  return %0 : tensor<4x2x3xf32>
}

// Concat along a negative axis inserts each input at the running offset 0, 3, 8.
// CHECK-LABEL: func.func @concat
// CHECK-SAME: (%[[X:.+]]: tensor<2x3x4xf32>, %[[Y:.+]]: tensor<2x5x4xf32>)
// CHECK: %[[E:.+]] = tensor.empty() : tensor<2x11x4xf32>
// CHECK: %[[I0:.+]] = tensor.insert_slice %[[X]] into %[[E]][0, 0, 0] [2, 3, 4] [1, 1, 1] : tensor<2x3x4xf32> into tensor<2x11x4xf32>
// CHECK: %[[I1:.+]] = tensor.insert_slice %[[Y]] into %[[I0]][0, 3, 0] [2, 5, 4] [1, 1, 1] : tensor<2x5x4xf32> into tensor<2x11x4xf32>
// CHECK: %[[I2:.+]] = tensor.insert_slice %[[X]] into %[[I1]][0, 8, 0] [2, 3, 4] [1, 1, 1] : tensor<2x3x4xf32> into tensor<2x11x4xf32>
// CHECK: return %[[I2]]
func.func @concat(%x: tensor<2x3x4xf32>, %y: tensor<2x5x4xf32>) -> tensor<2x11x4xf32> {
  %0 = graph.concat %x, %y, %x {axis = -2 : i64}
      : (tensor<2x3x4xf32>, tensor<2x5x4xf32>, tensor<2x3x4xf32>) -> tensor<2x11x4xf32>
  return %0 : tensor<2x11x4xf32>
}

// Slice with positive steps is a strided extract_slice; ends clamp to the
// extent and negative starts count from the end.
// CHECK-LABEL: func.func @slice_positive
// CHECK-SAME: (%[[Y:.+]]: tensor<2x5x4xf32>)
// CHECK: %[[S:.+]] = tensor.extract_slice %[[Y]][1, 1, 1] [1, 2, 2] [1, 2, 1] : tensor<2x5x4xf32> to tensor<1x2x2xf32>
// CHECK: return %[[S]]
func.func @slice_positive(%y: tensor<2x5x4xf32>) -> tensor<1x2x2xf32> {
  %0 = graph.slice %y {starts = array<i64: 1, 1, -3>, ends = array<i64: 100, 5, -1>,
                       axes = array<i64: 0, 1, 2>, steps = array<i64: 1, 2, 1>}
      : (tensor<2x5x4xf32>) -> tensor<1x2x2xf32>
  return %0 : tensor<1x2x2xf32>
}

// A negative step reads through a generic: source index = i * step + start per
// axis, here axis 1 from 4 down by 2 and axis 2 from 1 up by 2.
// CHECK-LABEL: func.func @slice_negative_step
// CHECK-SAME: (%[[Y:.+]]: tensor<2x5x4xf32>)
// CHECK: %[[E:.+]] = tensor.empty() : tensor<2x3x2xf32>
// CHECK: %[[G:.+]] = linalg.generic {indexing_maps = [#[[$ID3]]], iterator_types = ["parallel", "parallel", "parallel"]} outs(%[[E]] : tensor<2x3x2xf32>)
// CHECK: %[[I0:.+]] = linalg.index 0 : index
// CHECK: %[[ST0:.+]] = arith.constant 1 : index
// CHECK: %[[M0:.+]] = arith.muli %[[I0]], %[[ST0]] : index
// CHECK: %[[O0:.+]] = arith.constant 0 : index
// CHECK: %[[A0:.+]] = arith.addi %[[M0]], %[[O0]] : index
// CHECK: %[[I1:.+]] = linalg.index 1 : index
// CHECK: %[[ST1:.+]] = arith.constant -2 : index
// CHECK: %[[M1:.+]] = arith.muli %[[I1]], %[[ST1]] : index
// CHECK: %[[O1:.+]] = arith.constant 4 : index
// CHECK: %[[A1:.+]] = arith.addi %[[M1]], %[[O1]] : index
// CHECK: %[[I2:.+]] = linalg.index 2 : index
// CHECK: %[[ST2:.+]] = arith.constant 2 : index
// CHECK: %[[M2:.+]] = arith.muli %[[I2]], %[[ST2]] : index
// CHECK: %[[O2:.+]] = arith.constant 1 : index
// CHECK: %[[A2:.+]] = arith.addi %[[M2]], %[[O2]] : index
// CHECK: %[[V:.+]] = tensor.extract %[[Y]][%[[A0]], %[[A1]], %[[A2]]] : tensor<2x5x4xf32>
// CHECK: linalg.yield %[[V]] : f32
// CHECK-NOT: tensor.extract_slice
// CHECK: return %[[G]]
func.func @slice_negative_step(%y: tensor<2x5x4xf32>) -> tensor<2x3x2xf32> {
  %0 = graph.slice %y {starts = array<i64: -1, 1>, ends = array<i64: -9223372036854775807, 4>,
                       axes = array<i64: 1, 2>, steps = array<i64: -2, 2>}
      : (tensor<2x5x4xf32>) -> tensor<2x3x2xf32>
  return %0 : tensor<2x3x2xf32>
}

// Gather reads the index tensor along the gathered loop axis, wraps negative
// indices by the axis extent (3), clamps the index to [0, 2] so no index
// read at run time leaves the input, and extracts from the input.
// CHECK-LABEL: func.func @gather
// CHECK-SAME: (%[[X:.+]]: tensor<2x3x4xf32>, %[[I:.+]]: tensor<5xi64>)
// CHECK: %[[E:.+]] = tensor.empty() : tensor<2x5x4xf32>
// CHECK: %[[G:.+]] = linalg.generic {indexing_maps = [#[[$MID]], #[[$ID3]]], iterator_types = ["parallel", "parallel", "parallel"]} ins(%[[I]] : tensor<5xi64>) outs(%[[E]] : tensor<2x5x4xf32>)
// CHECK-NEXT: ^bb0(%[[IDX:.+]]: i64, %{{.+}}: f32):
// CHECK-NEXT: %[[P:.+]] = arith.index_cast %[[IDX]] : i64 to index
// CHECK-NEXT: %[[ZERO:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[NEG:.+]] = arith.cmpi slt, %[[P]], %[[ZERO]] : index
// CHECK-NEXT: %[[EXT:.+]] = arith.constant 3 : index
// CHECK-NEXT: %[[WRAP:.+]] = arith.addi %[[P]], %[[EXT]] : index
// CHECK-NEXT: %[[SEL:.+]] = arith.select %[[NEG]], %[[WRAP]], %[[P]] : index
// CHECK-NEXT: %[[LAST:.+]] = arith.constant 2 : index
// CHECK-NEXT: %[[BELOW:.+]] = arith.minsi %[[SEL]], %[[LAST]] : index
// CHECK-NEXT: %[[FIRST:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[PICK:.+]] = arith.maxsi %[[BELOW]], %[[FIRST]] : index
// CHECK-NEXT: %[[D0:.+]] = linalg.index 0 : index
// CHECK-NEXT: %[[D2:.+]] = linalg.index 2 : index
// CHECK-NEXT: %[[V:.+]] = tensor.extract %[[X]][%[[D0]], %[[PICK]], %[[D2]]] : tensor<2x3x4xf32>
// CHECK-NEXT: linalg.yield %[[V]] : f32
// CHECK: return %[[G]]
func.func @gather(%x: tensor<2x3x4xf32>, %i: tensor<5xi64>) -> tensor<2x5x4xf32> {
  %0 = graph.gather %x, %i {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<5xi64>) -> tensor<2x5x4xf32>
  return %0 : tensor<2x5x4xf32>
}

// Expand is a broadcasting copy: the unit axis of the input reads index 0 and
// missing leading axes are not read at all.
// CHECK-LABEL: func.func @expand
// CHECK-SAME: (%[[X:.+]]: tensor<3x1xf32>)
// CHECK: %[[G:.+]] = linalg.generic {indexing_maps = [#[[$EXPAND]], #[[$ID3]]], iterator_types = ["parallel", "parallel", "parallel"]} ins(%[[X]] : tensor<3x1xf32>) outs(%{{.+}} : tensor<2x3x4xf32>)
// CHECK-NEXT: ^bb0(%[[IN:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: linalg.yield %[[IN]] : f32
// CHECK: return %[[G]]
func.func @expand(%x: tensor<3x1xf32>) -> tensor<2x3x4xf32> {
  %0 = graph.expand %x : (tensor<3x1xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// Shape and ConstantOfShape become constants; Identity forwards its operand.
// CHECK-LABEL: func.func @constants
// CHECK-SAME: (%[[Y:.+]]: tensor<1x2x3xf32>, %[[S:.+]]: tensor<2xi64>)
// CHECK-DAG: %[[SH:.+]] = arith.constant dense<2> : tensor<1xi64>
// CHECK-DAG: %[[FILL:.+]] = arith.constant dense<5.000000e+00> : tensor<2x3xf32>
// CHECK-NOT: graph.
// CHECK: return %[[SH]], %[[FILL]], %[[Y]]
func.func @constants(%y: tensor<1x2x3xf32>, %s: tensor<2xi64>)
    -> (tensor<1xi64>, tensor<2x3xf32>, tensor<1x2x3xf32>) {
  %0 = graph.shape %y {start = 1 : i64, end = 2 : i64} : (tensor<1x2x3xf32>) -> tensor<1xi64>
  %1 = graph.constant_of_shape %s, 5.0 : f32 : (tensor<2xi64>) -> tensor<2x3xf32>
  %2 = graph.identity %y : (tensor<1x2x3xf32>) -> tensor<1x2x3xf32>
  return %0, %1, %2 : tensor<1xi64>, tensor<2x3xf32>, tensor<1x2x3xf32>
}

// graph.constant becomes arith.constant with the same payload.
// CHECK-LABEL: func.func @constant
// CHECK: %[[C:.+]] = arith.constant dense<{{\[}}[1, 2], [3, 4]]> : tensor<2x2xi32>
// CHECK: return %[[C]]
func.func @constant() -> tensor<2x2xi32> {
  %0 = graph.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi32>
  return %0 : tensor<2x2xi32>
}

// GatherElements reads the input at (index along the axis, own position
// elsewhere), wrapping negative indices and clamping to the axis.
// CHECK-LABEL: func.func @gather_elements
// CHECK: linalg.generic {{.*}} ins(%arg1 : tensor<3x2xi64>) outs(%{{.*}} : tensor<3x2xf32>)
// CHECK: arith.index_cast %{{.*}} : i64 to index
// CHECK: arith.minsi
// CHECK: %[[PICK:.+]] = arith.maxsi
// CHECK: %[[ROW:.+]] = linalg.index 0 : index
// CHECK: tensor.extract %arg0[%[[ROW]], %[[PICK]]] : tensor<3x4xf32>
func.func @gather_elements(%x: tensor<3x4xf32>, %i: tensor<3x2xi64>) -> tensor<3x2xf32> {
  %0 = graph.gather_elements %x, %i {axis = 1 : i64} : (tensor<3x4xf32>, tensor<3x2xi64>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// Trilu compares column - row with k on the last two axes.
// CHECK-LABEL: func.func @trilu_lower
// CHECK: %[[ROW:.+]] = linalg.index 0 : index
// CHECK: %[[COL:.+]] = linalg.index 1 : index
// CHECK: %[[OFF:.+]] = arith.subi %[[COL]], %[[ROW]] : index
// CHECK: arith.cmpi sle, %[[OFF]], %{{.*}} : index
// CHECK: arith.select
func.func @trilu_lower(%x: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = graph.trilu %x {upper = false, k = 1 : i64} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// Constant Pad is tensor.pad yielding the scalar operand; reflect and edge
// gather each element from its mirrored or clamped source index.
// CHECK-LABEL: func.func @pad_modes
// CHECK: %[[V:.+]] = tensor.extract %{{.+}}[] : tensor<f32>
// CHECK: tensor.pad %{{.+}} low[0, 1] high[0, 2]
// CHECK: tensor.yield %[[V]] : f32
// CHECK: linalg.generic
// CHECK: arith.select
// CHECK: tensor.extract
// CHECK: linalg.generic
// CHECK: arith.minsi
// CHECK: arith.maxsi
// CHECK: tensor.extract
func.func @pad_modes(%x: tensor<3x4xf32>, %v: tensor<f32>) -> (tensor<3x7xf32>, tensor<3x7xf32>, tensor<3x7xf32>) {
  %0 = graph.pad %x, %v {pads = array<i64: 0, 1, 0, 2>} : (tensor<3x4xf32>, tensor<f32>) -> tensor<3x7xf32>
  %1 = graph.pad %x, %v {pads = array<i64: 0, 1, 0, 2>, mode = "reflect"} : (tensor<3x4xf32>, tensor<f32>) -> tensor<3x7xf32>
  %2 = graph.pad %x, %v {pads = array<i64: 0, 1, 0, 2>, mode = "edge"} : (tensor<3x4xf32>, tensor<f32>) -> tensor<3x7xf32>
  return %0, %1, %2 : tensor<3x7xf32>, tensor<3x7xf32>, tensor<3x7xf32>
}

// GatherND reads each tuple's coordinates from the indices, wrapping
// negative ones and clamping each to its axis, then the input there.
// CHECK-LABEL: func.func @gather_nd
// CHECK: linalg.generic
// CHECK: tensor.extract %{{.+}}[%{{.+}}, %{{.+}}] : tensor<3x2xi64>
// CHECK: arith.minsi
// CHECK: %[[C0:.+]] = arith.maxsi
// CHECK: tensor.extract %{{.+}}[%{{.+}}, %{{.+}}] : tensor<3x2xi64>
// CHECK: arith.minsi
// CHECK: %[[C1:.+]] = arith.maxsi
// CHECK: tensor.extract %{{.+}}[%[[C0]], %[[C1]], %{{.+}}] : tensor<2x2x5xf32>
func.func @gather_nd(%x: tensor<2x2x5xf32>, %i: tensor<3x2xi64>) -> tensor<3x5xf32> {
  %0 = graph.gather_nd %x, %i : (tensor<2x2x5xf32>, tensor<3x2xi64>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// Scatters start from the input and visit the updates in order in an
// innermost reduction loop: a hit replaces (or, with add, accumulates into)
// the element.
// CHECK-LABEL: func.func @scatters
// CHECK: linalg.generic {{.+}} iterator_types = ["parallel", "parallel", "reduction"]
// CHECK: arith.select
// CHECK: linalg.generic {{.+}} iterator_types = ["parallel", "parallel", "reduction"]
// CHECK: arith.addf
// CHECK: arith.select
func.func @scatters(%x: tensor<3x3xf32>, %i: tensor<2x3xi64>, %u: tensor<2x3xf32>,
                    %t: tensor<2x1xi64>, %s: tensor<2x3xf32>) -> (tensor<3x3xf32>, tensor<3x3xf32>) {
  %0 = graph.scatter_elements %x, %i, %u {axis = 0 : i64} : (tensor<3x3xf32>, tensor<2x3xi64>, tensor<2x3xf32>) -> tensor<3x3xf32>
  %1 = graph.scatter_nd %x, %t, %s {reduction = "add"} : (tensor<3x3xf32>, tensor<2x1xi64>, tensor<2x3xf32>) -> tensor<3x3xf32>
  return %0, %1 : tensor<3x3xf32>, tensor<3x3xf32>
}

// Constant indices already inside the axis (the importer rejects any that
// are not) are only wrapped, not clamped.
// CHECK-LABEL: func.func @gather_constant_indices
// CHECK: linalg.generic
// CHECK: arith.select
// CHECK-NOT: arith.minsi
// CHECK: tensor.extract
// CHECK: return
func.func @gather_constant_indices(%x: tensor<2x3x4xf32>) -> tensor<2x2x4xf32> {
  %i = graph.constant dense<[2, -1]> : tensor<2xi64>
  %0 = graph.gather %x, %i {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<2x2x4xf32>
  return %0 : tensor<2x2x4xf32>
}
