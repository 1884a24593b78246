// RUN: strata-opt %s -strata-convert-graph-to-linalg | FileCheck %s

//===- graph-to-linalg-sampling.mlir - GridSample to a gathering generic ---===//
//
// GridSample is one generic over the output: the grid point is read and
// unnormalized, the padding mode applied, and the neighbours blended: one
// read for nearest, four for bilinear, sixteen for bicubic.
//
//===----------------------------------------------------------------------===//

// Bilinear, zeros padding: four reads, each masked to 0 outside the input.
// CHECK-LABEL: func.func @bilinear
// CHECK: linalg.generic
// CHECK-COUNT-2: tensor.extract %{{.+}} : tensor<1x3x2x2xf32>
// CHECK: math.floor
// CHECK-COUNT-4: tensor.extract %{{.+}} : tensor<1x1x4x4xf32>
// CHECK-NOT: tensor.extract
// CHECK: linalg.yield
func.func @bilinear(%x: tensor<1x1x4x4xf32>, %g: tensor<1x3x2x2xf32>) -> tensor<1x1x3x2xf32> {
  %0 = graph.grid_sample %x, %g : (tensor<1x1x4x4xf32>, tensor<1x3x2x2xf32>) -> tensor<1x1x3x2xf32>
  return %0 : tensor<1x1x3x2xf32>
}

// Nearest with border padding: clamped, rounded half to even, one read.
// CHECK-LABEL: func.func @nearest_border
// CHECK: arith.maximumf
// CHECK: arith.minimumf
// CHECK: math.roundeven
// CHECK-COUNT-1: tensor.extract %{{.+}} : tensor<1x1x4x4xf32>
// CHECK-NOT: tensor.extract %{{.+}} : tensor<1x1x4x4xf32>
// CHECK: linalg.yield
func.func @nearest_border(%x: tensor<1x1x4x4xf32>, %g: tensor<1x3x2x2xf32>) -> tensor<1x1x3x2xf32> {
  %0 = graph.grid_sample %x, %g {mode = "nearest", padding_mode = "border"} : (tensor<1x1x4x4xf32>, tensor<1x3x2x2xf32>) -> tensor<1x1x3x2xf32>
  return %0 : tensor<1x1x3x2xf32>
}

// Bicubic: sixteen taps.
// CHECK-LABEL: func.func @bicubic
// CHECK-COUNT-16: tensor.extract %{{.+}} : tensor<1x1x4x4xf32>
// CHECK: linalg.yield
func.func @bicubic(%x: tensor<1x1x4x4xf32>, %g: tensor<1x3x2x2xf32>) -> tensor<1x1x3x2xf32> {
  %0 = graph.grid_sample %x, %g {mode = "bicubic", align_corners = true} : (tensor<1x1x4x4xf32>, tensor<1x3x2x2xf32>) -> tensor<1x1x3x2xf32>
  return %0 : tensor<1x1x3x2xf32>
}
