// RUN: strata-opt %s -strata-convert-graph-to-linalg | FileCheck %s

//===- graph-to-linalg-elementwise.mlir - Elementwise graph ops to linalg -===//
//
// Broadcasting arithmetic, activations, Clip, Cast, BatchNormalization and
// the softmax family lower to linalg.generic ops. These tests pin the
// indexing maps that implement numpy broadcasting and the scalar bodies that
// implement each operator's formula.
//
//===----------------------------------------------------------------------===//

// CHECK-DAG: #[[$ID1:.+]] = affine_map<(d0) -> (d0)>
// CHECK-DAG: #[[$ID2:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$ROW:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[$COL:.+]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-DAG: #[[$UNITROW:.+]] = affine_map<(d0, d1) -> (0, d1)>
// CHECK-DAG: #[[$FIRST:.+]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG: #[[$ID4:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[$CHANNEL:.+]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-DAG: #[[$SCALAR:.+]] = affine_map<() -> ()>

// A trailing-axis operand is read by column index, a 2x1 operand at column 0.
// CHECK-LABEL: func.func @add_sub_broadcast
// CHECK-SAME: (%[[A:.+]]: tensor<2x3xf32>, %[[B:.+]]: tensor<3xf32>, %[[C:.+]]: tensor<2x1xf32>)
// CHECK: %[[E0:.+]] = tensor.empty() : tensor<2x3xf32>
// CHECK: %[[ADD:.+]] = linalg.generic {indexing_maps = [#[[$ID2]], #[[$ROW]], #[[$ID2]]], iterator_types = ["parallel", "parallel"]} ins(%[[A]], %[[B]] : tensor<2x3xf32>, tensor<3xf32>) outs(%[[E0]] : tensor<2x3xf32>)
// CHECK-NEXT: ^bb0(%[[L:.+]]: f32, %[[R:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: %[[S:.+]] = arith.addf %[[L]], %[[R]] : f32
// CHECK-NEXT: linalg.yield %[[S]] : f32
// CHECK: %[[E1:.+]] = tensor.empty() : tensor<2x3xf32>
// CHECK: %[[SUB:.+]] = linalg.generic {indexing_maps = [#[[$ID2]], #[[$COL]], #[[$ID2]]], iterator_types = ["parallel", "parallel"]} ins(%[[ADD]], %[[C]] : tensor<2x3xf32>, tensor<2x1xf32>) outs(%[[E1]] : tensor<2x3xf32>)
// CHECK-NEXT: ^bb0(%[[L1:.+]]: f32, %[[R1:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: arith.subf %[[L1]], %[[R1]] : f32
// CHECK: return %[[SUB]]
func.func @add_sub_broadcast(%a: tensor<2x3xf32>, %b: tensor<3xf32>, %c: tensor<2x1xf32>)
    -> tensor<2x3xf32> {
  %0 = graph.add %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %1 = graph.sub %0, %c : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
  return %1 : tensor<2x3xf32>
}

// Both operands broadcast: a 1x3 row and a 2x1 column make a 2x3 product.
// CHECK-LABEL: func.func @mul_both_broadcast
// CHECK: linalg.generic {indexing_maps = [#[[$UNITROW]], #[[$COL]], #[[$ID2]]], iterator_types = ["parallel", "parallel"]} ins(%{{.+}}, %{{.+}} : tensor<1x3xf32>, tensor<2x1xf32>) outs(%{{.+}} : tensor<2x3xf32>)
// CHECK: arith.mulf
func.func @mul_both_broadcast(%a: tensor<1x3xf32>, %b: tensor<2x1xf32>) -> tensor<2x3xf32> {
  %0 = graph.mul %a, %b : (tensor<1x3xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// Integer division is signed division; float division is divf.
// CHECK-LABEL: func.func @div_int_and_float
// CHECK: linalg.generic {indexing_maps = [#[[$ID1]], #[[$ID1]], #[[$ID1]]], iterator_types = ["parallel"]} ins(%{{.+}}, %{{.+}} : tensor<4xi32>, tensor<4xi32>)
// CHECK-NEXT: ^bb0(%[[L:.+]]: i32, %[[R:.+]]: i32, %{{.+}}: i32):
// CHECK-NEXT: arith.divsi %[[L]], %[[R]] : i32
// CHECK: linalg.generic
// CHECK: arith.divf %{{.+}}, %{{.+}} : f32
func.func @div_int_and_float(%a: tensor<4xi32>, %b: tensor<4xf32>) -> (tensor<4xi32>, tensor<4xf32>) {
  %0 = graph.div %a, %a : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %1 = graph.div %b, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0, %1 : tensor<4xi32>, tensor<4xf32>
}

// Relu is max(x, 0): maximumf on floats, maxsi on integers.
// CHECK-LABEL: func.func @relu
// CHECK: linalg.generic {indexing_maps = [#[[$ID2]], #[[$ID2]]], iterator_types = ["parallel", "parallel"]} ins(%{{.+}} : tensor<2x5xf32>) outs(%{{.+}} : tensor<2x5xf32>)
// CHECK-NEXT: ^bb0(%[[IN:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[M:.+]] = arith.maximumf %[[IN]], %[[ZERO]] : f32
// CHECK-NEXT: linalg.yield %[[M]] : f32
// CHECK: ^bb0(%[[IIN:.+]]: i32, %{{.+}}: i32):
// CHECK-NEXT: %[[IZERO:.+]] = arith.constant 0 : i32
// CHECK-NEXT: arith.maxsi %[[IIN]], %[[IZERO]] : i32
func.func @relu(%x: tensor<2x5xf32>, %i: tensor<2x5xi32>) -> (tensor<2x5xf32>, tensor<2x5xi32>) {
  %0 = graph.relu %x : (tensor<2x5xf32>) -> tensor<2x5xf32>
  %1 = graph.relu %i : (tensor<2x5xi32>) -> tensor<2x5xi32>
  return %0, %1 : tensor<2x5xf32>, tensor<2x5xi32>
}

// Sigmoid is 1 / (1 + exp(-x)).
// CHECK-LABEL: func.func @sigmoid
// CHECK: ^bb0(%[[IN:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: %[[ONE:.+]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT: %[[NEG:.+]] = arith.negf %[[IN]] : f32
// CHECK-NEXT: %[[EXP:.+]] = math.exp %[[NEG]] : f32
// CHECK-NEXT: %[[DEN:.+]] = arith.addf %[[ONE]], %[[EXP]] : f32
// CHECK-NEXT: %[[Q:.+]] = arith.divf %[[ONE]], %[[DEN]] : f32
// CHECK-NEXT: linalg.yield %[[Q]] : f32
func.func @sigmoid(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = graph.sigmoid %x : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// Tanh stays a math op (expanded later), even on a rank-0 tensor.
// CHECK-LABEL: func.func @tanh_scalar
// CHECK: linalg.generic {indexing_maps = [#[[$SCALAR]], #[[$SCALAR]]], iterator_types = []} ins(%{{.+}} : tensor<f32>) outs(%{{.+}} : tensor<f32>)
// CHECK-NEXT: ^bb0(%[[IN:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: %[[T:.+]] = math.tanh %[[IN]] : f32
// CHECK-NEXT: linalg.yield %[[T]] : f32
func.func @tanh_scalar(%x: tensor<f32>) -> tensor<f32> {
  %0 = graph.tanh %x : (tensor<f32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// Clip with both bounds clamps with max then min; with only max, no lower clamp.
// CHECK-LABEL: func.func @clip
// CHECK: ^bb0(%[[IN:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: %[[LO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[M:.+]] = arith.maximumf %[[IN]], %[[LO]] : f32
// CHECK-NEXT: %[[HI:.+]] = arith.constant 6.000000e+00 : f32
// CHECK-NEXT: %[[N:.+]] = arith.minimumf %[[M]], %[[HI]] : f32
// CHECK-NEXT: linalg.yield %[[N]] : f32
// CHECK: ^bb0(%[[IN2:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: %[[HI2:.+]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT: %[[N2:.+]] = arith.minimumf %[[IN2]], %[[HI2]] : f32
// CHECK-NEXT: linalg.yield %[[N2]] : f32
func.func @clip(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %0 = graph.clip %x {min = 0.0 : f64, max = 6.0 : f64} : (tensor<4xf32>) -> tensor<4xf32>
  %1 = graph.clip %x {max = 1.0 : f64} : (tensor<4xf32>) -> tensor<4xf32>
  return %0, %1 : tensor<4xf32>, tensor<4xf32>
}

// Cast picks the conversion by source and target: signed int to float, float
// to bool by comparing with zero, bool zero-extends, float narrows, ints extend
// by sign or truncate, int to bool compares with zero, bool to float unsigned.
// CHECK-LABEL: func.func @cast
// CHECK: ^bb0(%[[A:.+]]: i64, %{{.+}}: f32):
// CHECK-NEXT: arith.sitofp %[[A]] : i64 to f32
// CHECK: ^bb0(%[[B:.+]]: f32, %{{.+}}: i1):
// CHECK-NEXT: %[[Z:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: arith.cmpf une, %[[B]], %[[Z]] : f32
// CHECK: ^bb0(%[[C:.+]]: i1, %{{.+}}: i32):
// CHECK-NEXT: arith.extui %[[C]] : i1 to i32
// CHECK: ^bb0(%[[D:.+]]: f32, %{{.+}}: f16):
// CHECK-NEXT: arith.truncf %[[D]] : f32 to f16
// CHECK: ^bb0(%[[E:.+]]: i32, %{{.+}}: i64):
// CHECK-NEXT: arith.extsi %[[E]] : i32 to i64
// CHECK: ^bb0(%[[F:.+]]: i64, %{{.+}}: i32):
// CHECK-NEXT: arith.trunci %[[F]] : i64 to i32
// CHECK: ^bb0(%[[G:.+]]: i32, %{{.+}}: i1):
// CHECK-NEXT: %[[IZ:.+]] = arith.constant 0 : i32
// CHECK-NEXT: arith.cmpi ne, %[[G]], %[[IZ]] : i32
// CHECK: ^bb0(%[[H:.+]]: i1, %{{.+}}: f32):
// CHECK-NEXT: arith.uitofp %[[H]] : i1 to f32
// CHECK: ^bb0(%[[K:.+]]: f16, %{{.+}}: f32):
// CHECK-NEXT: arith.extf %[[K]] : f16 to f32
func.func @cast(%a: tensor<4xi64>, %f: tensor<4xf32>, %b: tensor<4xi1>, %i: tensor<4xi32>,
                %h: tensor<4xf16>)
    -> (tensor<4xf32>, tensor<4xi1>, tensor<4xi32>, tensor<4xf16>, tensor<4xi64>,
        tensor<4xi32>, tensor<4xi1>, tensor<4xf32>, tensor<4xf32>) {
  %0 = graph.cast %a : (tensor<4xi64>) -> tensor<4xf32>
  %1 = graph.cast %f : (tensor<4xf32>) -> tensor<4xi1>
  %2 = graph.cast %b : (tensor<4xi1>) -> tensor<4xi32>
  %3 = graph.cast %f : (tensor<4xf32>) -> tensor<4xf16>
  %4 = graph.cast %i : (tensor<4xi32>) -> tensor<4xi64>
  %5 = graph.cast %a : (tensor<4xi64>) -> tensor<4xi32>
  %6 = graph.cast %i : (tensor<4xi32>) -> tensor<4xi1>
  %7 = graph.cast %b : (tensor<4xi1>) -> tensor<4xf32>
  %8 = graph.cast %h : (tensor<4xf16>) -> tensor<4xf32>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8 : tensor<4xf32>, tensor<4xi1>, tensor<4xi32>,
      tensor<4xf16>, tensor<4xi64>, tensor<4xi32>, tensor<4xi1>, tensor<4xf32>, tensor<4xf32>
}

// BatchNormalization reads its parameters along axis 1 and computes
// (x - mean) * (scale / sqrt(var + eps)) + bias.
// CHECK-LABEL: func.func @batch_normalization
// CHECK-SAME: (%[[X:.+]]: tensor<1x2x3x3xf32>, %[[SC:.+]]: tensor<2xf32>, %[[BI:.+]]: tensor<2xf32>, %[[ME:.+]]: tensor<2xf32>, %[[VA:.+]]: tensor<2xf32>)
// CHECK: linalg.generic {indexing_maps = [#[[$ID4]], #[[$CHANNEL]], #[[$CHANNEL]], #[[$CHANNEL]], #[[$CHANNEL]], #[[$ID4]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[X]], %[[SC]], %[[BI]], %[[ME]], %[[VA]] :
// CHECK-NEXT: ^bb0(%[[IX:.+]]: f32, %[[IS:.+]]: f32, %[[IB:.+]]: f32, %[[IM:.+]]: f32, %[[IV:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: %[[EPS:.+]] = arith.constant 1.000000e-03 : f32
// CHECK-NEXT: %[[VE:.+]] = arith.addf %[[IV]], %[[EPS]] : f32
// CHECK-NEXT: %[[SD:.+]] = math.sqrt %[[VE]] : f32
// CHECK-NEXT: %[[CE:.+]] = arith.subf %[[IX]], %[[IM]] : f32
// CHECK-NEXT: %[[K:.+]] = arith.divf %[[IS]], %[[SD]] : f32
// CHECK-NEXT: %[[P:.+]] = arith.mulf %[[CE]], %[[K]] : f32
// CHECK-NEXT: %[[Y:.+]] = arith.addf %[[P]], %[[IB]] : f32
// CHECK-NEXT: linalg.yield %[[Y]] : f32
func.func @batch_normalization(%x: tensor<1x2x3x3xf32>, %scale: tensor<2xf32>, %bias: tensor<2xf32>,
                               %mean: tensor<2xf32>, %var: tensor<2xf32>) -> tensor<1x2x3x3xf32> {
  %0 = graph.batch_normalization %x, %scale, %bias, %mean, %var {epsilon = 1.0e-3 : f32}
      : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>)
      -> tensor<1x2x3x3xf32>
  return %0 : tensor<1x2x3x3xf32>
}

// Softmax along the last axis: max reduction from -inf, x - max, exp, sum
// reduction from 0, then exp / sum.
// CHECK-LABEL: func.func @softmax
// CHECK-SAME: (%[[X:.+]]: tensor<2x5xf32>)
// CHECK: %[[NEGINF:.+]] = arith.constant 0xFF800000 : f32
// CHECK: %[[MAXINIT:.+]] = linalg.fill ins(%[[NEGINF]] : f32) outs(%{{.+}} : tensor<2xf32>)
// CHECK: %[[MAX:.+]] = linalg.generic {indexing_maps = [#[[$ID2]], #[[$FIRST]]], iterator_types = ["parallel", "reduction"]} ins(%[[X]] : tensor<2x5xf32>) outs(%[[MAXINIT]] : tensor<2xf32>)
// CHECK-NEXT: ^bb0(%[[IN:.+]]: f32, %[[ACC:.+]]: f32):
// CHECK-NEXT: arith.maximumf %[[ACC]], %[[IN]] : f32
// CHECK: %[[SHIFT:.+]] = linalg.generic {indexing_maps = [#[[$ID2]], #[[$FIRST]], #[[$ID2]]], iterator_types = ["parallel", "parallel"]} ins(%[[X]], %[[MAX]] : tensor<2x5xf32>, tensor<2xf32>)
// CHECK: arith.subf
// CHECK: %[[EXP:.+]] = linalg.generic {{.+}} ins(%[[SHIFT]] : tensor<2x5xf32>)
// CHECK: math.exp
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[SUMINIT:.+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.+}} : tensor<2xf32>)
// CHECK: %[[SUM:.+]] = linalg.generic {indexing_maps = [#[[$ID2]], #[[$FIRST]]], iterator_types = ["parallel", "reduction"]} ins(%[[EXP]] : tensor<2x5xf32>) outs(%[[SUMINIT]] : tensor<2xf32>)
// CHECK: arith.addf
// CHECK: %[[Y:.+]] = linalg.generic {indexing_maps = [#[[$ID2]], #[[$FIRST]], #[[$ID2]]], iterator_types = ["parallel", "parallel"]} ins(%[[EXP]], %[[SUM]] : tensor<2x5xf32>, tensor<2xf32>)
// CHECK-NEXT: ^bb0(%[[E:.+]]: f32, %[[S:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: arith.divf %[[E]], %[[S]] : f32
// CHECK: return %[[Y]]
func.func @softmax(%x: tensor<2x5xf32>) -> tensor<2x5xf32> {
  %0 = graph.softmax %x : (tensor<2x5xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// Softmax along axis 0 reduces the first loop and reads the reduced tensor by d1.
// CHECK-LABEL: func.func @softmax_axis0
// CHECK: linalg.generic {indexing_maps = [#[[$ID2]], #[[$ROW]]], iterator_types = ["reduction", "parallel"]} ins(%{{.+}} : tensor<2x5xf32>) outs(%{{.+}} : tensor<5xf32>)
func.func @softmax_axis0(%x: tensor<2x5xf32>) -> tensor<2x5xf32> {
  %0 = graph.softmax %x {axis = 0 : i64} : (tensor<2x5xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// LogSoftmax ends with shifted - log(sum(exp(shifted))).
// CHECK-LABEL: func.func @log_softmax
// CHECK: %[[MAX:.+]] = linalg.generic {{.+}} iterator_types = ["parallel", "reduction"]
// CHECK: arith.maximumf
// CHECK: %[[SHIFT:.+]] = linalg.generic
// CHECK: arith.subf
// CHECK: %[[EXP:.+]] = linalg.generic
// CHECK: math.exp
// CHECK: %[[SUM:.+]] = linalg.generic {{.+}} iterator_types = ["parallel", "reduction"]
// CHECK: arith.addf
// CHECK: %[[Y:.+]] = linalg.generic {indexing_maps = [#[[$ID2]], #[[$FIRST]], #[[$ID2]]], iterator_types = ["parallel", "parallel"]} ins(%[[SHIFT]], %[[SUM]] : tensor<2x5xf32>, tensor<2xf32>)
// CHECK-NEXT: ^bb0(%[[SH:.+]]: f32, %[[S:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: %[[LOG:.+]] = math.log %[[S]] : f32
// CHECK-NEXT: %[[R:.+]] = arith.subf %[[SH]], %[[LOG]] : f32
// CHECK-NEXT: linalg.yield %[[R]] : f32
// CHECK-NOT: arith.divf
// CHECK: return %[[Y]]
func.func @log_softmax(%x: tensor<2x5xf32>) -> tensor<2x5xf32> {
  %0 = graph.log_softmax %x {axis = -1 : i64} : (tensor<2x5xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// Comparisons pick ordered-float or signed predicates; Where is a select;
// activations expand to their ONNX formulas.
// CHECK-LABEL: func.func @compare_and_select
// CHECK: arith.cmpf olt
// CHECK: arith.cmpi slt
// CHECK: arith.select
// CHECK: %[[SCALED:.+]] = arith.mulf %[[IN:.+]], %{{.+}} : f32
// CHECK: %[[NEG:.+]] = arith.cmpf olt, %[[IN]], %{{.+}} : f32
// CHECK: arith.select %[[NEG]], %[[SCALED]], %[[IN]] : f32
func.func @compare_and_select(%x: tensor<4xf32>, %i: tensor<4xi32>) -> (tensor<4xi1>, tensor<4xi1>, tensor<4xf32>, tensor<4xf32>) {
  %0 = graph.less %x, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  %1 = graph.less %i, %i : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi1>
  %2 = graph.where %0, %x, %x : (tensor<4xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %3 = graph.leaky_relu %x {alpha = 0.5 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  return %0, %1, %2, %3 : tensor<4xi1>, tensor<4xi1>, tensor<4xf32>, tensor<4xf32>
}

// Mod without fmod is Python's remainder: remsi, then one divisor added when
// the remainder is non-zero and its sign differs from the divisor's. Float
// fmod is x - trunc(x / y) * y (frem would call libm).
// CHECK-LABEL: func.func @mod
// CHECK: %[[REM:.+]] = arith.remsi %[[X:.+]], %[[Y:.+]] : i32
// CHECK: %[[NZ:.+]] = arith.cmpi ne, %[[REM]]
// CHECK: %[[RNEG:.+]] = arith.cmpi slt, %[[REM]]
// CHECK: %[[YNEG:.+]] = arith.cmpi slt, %[[Y]]
// CHECK: %[[DIFF:.+]] = arith.xori %[[RNEG]], %[[YNEG]] : i1
// CHECK: %[[ADJ:.+]] = arith.andi %[[NZ]], %[[DIFF]] : i1
// CHECK: %[[SUM:.+]] = arith.addi %[[REM]], %[[Y]] : i32
// CHECK: arith.select %[[ADJ]], %[[SUM]], %[[REM]] : i32
// CHECK: arith.divf
// CHECK: math.trunc
// CHECK: arith.mulf
// CHECK: arith.subf
// CHECK-NOT: arith.remf
func.func @mod(%i: tensor<4xi32>, %x: tensor<4xf32>) -> (tensor<4xi32>, tensor<4xf32>) {
  %0 = graph.mod %i, %i : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %1 = graph.mod %x, %x {fmod = true} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0, %1 : tensor<4xi32>, tensor<4xf32>
}

// Sign passes zero and NaN through; IsInf compares with the infinities it
// is asked to detect; IsNaN is an unordered self-comparison.
// CHECK-LABEL: func.func @float_tests
// CHECK: %[[POS:.+]] = arith.cmpf ogt
// CHECK: %[[NEG:.+]] = arith.cmpf olt
// CHECK: %[[LOW:.+]] = arith.select %[[NEG]], %{{.+}}, %[[X:.+]] : f32
// CHECK: arith.select %[[POS]], %{{.+}}, %[[LOW]] : f32
// CHECK: arith.cmpf oeq, %{{.+}}, %{{.+}} : f32
// CHECK-NOT: 0xFF800000
// CHECK: arith.cmpf uno
func.func @float_tests(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xi1>, tensor<4xi1>) {
  %0 = graph.sign %x : (tensor<4xf32>) -> tensor<4xf32>
  %1 = graph.is_inf %x {detect_negative = false} : (tensor<4xf32>) -> tensor<4xi1>
  %2 = graph.is_nan %x : (tensor<4xf32>) -> tensor<4xi1>
  return %0, %1, %2 : tensor<4xf32>, tensor<4xi1>, tensor<4xi1>
}

// An integer Pow is exact: six rounds of square-and-multiply over the
// exponent's bits, 0 for a negative exponent. A float exponent of another
// type is converted to the base's.
// CHECK-LABEL: func.func @pow_types
// CHECK: linalg.generic
// CHECK-COUNT-6: arith.andi
// CHECK: arith.cmpi slt
// CHECK: linalg.generic
// CHECK: arith.sitofp %{{.+}} : i32 to f32
// CHECK: math.powf
func.func @pow_types(%i: tensor<4xi64>, %x: tensor<4xf32>, %e: tensor<4xi32>) -> (tensor<4xi64>, tensor<4xf32>) {
  %0 = graph.pow %i, %i : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  %1 = graph.pow %x, %e : (tensor<4xf32>, tensor<4xi32>) -> tensor<4xf32>
  return %0, %1 : tensor<4xi64>, tensor<4xf32>
}

// Unsigned tensors lower to signless ones (the function's signature too);
// division, comparison and widening pick their unsigned forms from the graph
// types, and uint8 to float is uitofp.
// CHECK-LABEL: func.func @unsigned
// CHECK-SAME: (%{{.+}}: tensor<4xi8>, %{{.+}}: tensor<4xi8>) -> (tensor<4xi8>, tensor<4xi1>, tensor<4xi32>, tensor<4xf32>, tensor<4xi8>)
// CHECK: arith.divui
// CHECK: arith.cmpi ult
// CHECK: arith.extui %{{.+}} : i8 to i32
// CHECK: arith.uitofp %{{.+}} : i8 to f32
// CHECK: arith.maxui
// CHECK-NOT: ui8
func.func @unsigned(%a: tensor<4xui8>, %b: tensor<4xui8>) -> (tensor<4xui8>, tensor<4xi1>, tensor<4xi32>, tensor<4xf32>, tensor<4xui8>) {
  %0 = graph.div %a, %b : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  %1 = graph.less %a, %b : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xi1>
  %2 = graph.cast %a : (tensor<4xui8>) -> tensor<4xi32>
  %3 = graph.cast %a : (tensor<4xui8>) -> tensor<4xf32>
  %4 = graph.max %a, %b : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  return %0, %1, %2, %3, %4 : tensor<4xui8>, tensor<4xi1>, tensor<4xi32>, tensor<4xf32>, tensor<4xui8>
}

// BitShift right is a logical shift (ONNX shifts unsigned integers only).
// CHECK-LABEL: func.func @bit_shift
// CHECK: arith.shli %{{.+}}, %{{.+}} : i16
// CHECK: arith.shrui %{{.+}}, %{{.+}} : i16
func.func @bit_shift(%a: tensor<4xui16>, %s: tensor<ui16>) -> (tensor<4xui16>, tensor<4xui16>) {
  %0 = graph.bit_shift %a, %s {left = true} : (tensor<4xui16>, tensor<ui16>) -> tensor<4xui16>
  %1 = graph.bit_shift %a, %s {left = false} : (tensor<4xui16>, tensor<ui16>) -> tensor<4xui16>
  return %0, %1 : tensor<4xui16>, tensor<4xui16>
}

// With constant parameters (a model in inference form) the per-channel
// arithmetic happens at compile time: y = x * multiplier + shift, where
// multiplier = scale / sqrt(var + eps) = [2, 3] and shift = bias - mean *
// multiplier = [-1, -6].
// CHECK-LABEL: func.func @batch_normalization_constants
//   CHECK-DAG: %[[MUL:.+]] = arith.constant dense<[2.000000e+00, 3.000000e+00]> : tensor<2xf32>
//   CHECK-DAG: %[[SHIFT:.+]] = arith.constant dense<[-1.000000e+00, -6.000000e+00]> : tensor<2xf32>
//       CHECK: linalg.generic {indexing_maps = [#[[$ID4]], #[[$CHANNEL]], #[[$CHANNEL]], #[[$ID4]]], {{.*}} ins(%{{.+}}, %[[MUL]], %[[SHIFT]] :
//  CHECK-NEXT: ^bb0(%[[IX:.+]]: f32, %[[IM:.+]]: f32, %[[IS:.+]]: f32, %{{.+}}: f32):
//  CHECK-NEXT: %[[P:.+]] = arith.mulf %[[IX]], %[[IM]] : f32
//  CHECK-NEXT: %[[Y:.+]] = arith.addf %[[P]], %[[IS]] : f32
//  CHECK-NEXT: linalg.yield %[[Y]] : f32
//   CHECK-NOT: math.sqrt
func.func @batch_normalization_constants(%x: tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %scale = graph.constant dense<[4.0, 3.0]> : tensor<2xf32>
  %bias = graph.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %mean = graph.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %var = graph.constant dense<[3.75, 0.75]> : tensor<2xf32>
  %0 = graph.batch_normalization %x, %scale, %bias, %mean, %var {epsilon = 0.25 : f32}
      : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>)
      -> tensor<1x2x3x3xf32>
  return %0 : tensor<1x2x3x3xf32>
}

// Requantization reads each channel's multiplier (int32, sign-extended in
// the body: a product of two sign-extended int32s), rounding term and shift
// along its axis and computes clamp(z + ((a * m + 2^(s-1)) >> s)) in int64,
// the zero point z = -5 in the rounding term as z * 2^s: 2^30 - 5 * 2^31
// and 2^39 - 5 * 2^40.
// CHECK-LABEL: func.func @requantize
//   CHECK-DAG: %[[M:.+]] = arith.constant dense<[1073741824, 2147483647]> : tensor<2xi32>
//   CHECK-DAG: %[[H:.+]] = arith.constant dense<[-9663676416, -4947802324992]> : tensor<2xi64>
//   CHECK-DAG: %[[S:.+]] = arith.constant dense<[31, 40]> : tensor<2xi64>
//       CHECK: linalg.generic {indexing_maps = [#{{[a-z0-9]+}}, #[[CH:[a-z0-9]+]], #[[CH]], #[[CH]], #{{[a-z0-9]+}}]
//  CHECK-SAME: ins(%{{.+}}, %[[M]], %[[H]], %[[S]] : tensor<1x2x3xi32>, tensor<2xi32>, tensor<2xi64>, tensor<2xi64>)
//       CHECK: ^bb0(%[[A:.+]]: i32, %[[MUL:.+]]: i32, %[[HALF:.+]]: i64, %[[SH:.+]]: i64, %{{.+}}: i8):
//       CHECK:   %[[W:.+]] = arith.extsi %[[A]] : i32 to i64
//       CHECK:   %[[WM:.+]] = arith.extsi %[[MUL]] : i32 to i64
//       CHECK:   %[[P:.+]] = arith.muli %[[W]], %[[WM]] : i64
//       CHECK:   %[[R:.+]] = arith.addi %[[P]], %[[HALF]] : i64
//       CHECK:   %[[Q:.+]] = arith.shrsi %[[R]], %[[SH]] : i64
//       CHECK:   %[[LO:.+]] = arith.maxsi %[[Q]], %{{.+}} : i64
//       CHECK:   %[[HI:.+]] = arith.minsi %[[LO]], %{{.+}} : i64
//       CHECK:   %[[T:.+]] = arith.trunci %[[HI]] : i64 to i8
//       CHECK:   linalg.yield %[[T]] : i8
func.func @requantize(%acc: tensor<1x2x3xi32>) -> tensor<1x2x3xi8> {
  %0 = graph.requantize %acc {axis = 1 : i64, multiplier = array<i32: 1073741824, 2147483647>,
         shift = array<i32: 31, 40>, zero_point = -5 : i32, min = -5 : i32, max = 127 : i32}
         : (tensor<1x2x3xi32>) -> tensor<1x2x3xi8>
  return %0 : tensor<1x2x3xi8>
}

// A shift above 55 leaves the zero point an add of its own: z * 2^56 and
// a product near 2^62 could overflow int64.
// CHECK-LABEL: func.func @requantize_large_shift
//   CHECK-DAG: arith.constant dense<36028797018963968> : tensor<1xi64>
//       CHECK:   %[[Q:.+]] = arith.shrsi %{{.+}}, %{{.+}} : i64
//       CHECK:   %[[Z:.+]] = arith.addi %[[Q]], %{{.+}} : i64
//       CHECK:   arith.maxsi %[[Z]], %{{.+}} : i64
func.func @requantize_large_shift(%acc: tensor<4xi32>) -> tensor<4xi8> {
  %0 = graph.requantize %acc {axis = 0 : i64, multiplier = array<i32: 1073741824>,
         shift = array<i32: 56>, zero_point = 3 : i32, min = -128 : i32, max = 127 : i32}
         : (tensor<4xi32>) -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// Round (half to even) is (|x| + 2^23) - 2^23 with x's sign bit, for |x|
// below 2^23; larger magnitudes, infinities and NaN pass through.
// CHECK-LABEL: func.func @round
//       CHECK: ^bb0(%[[X:.+]]: f32, %{{.+}}: f32):
//       CHECK:   %[[MAGIC:.+]] = arith.constant 0x4B000000 : f32
//       CHECK:   %[[ABS:.+]] = math.absf %[[X]] : f32
//       CHECK:   %[[UP:.+]] = arith.addf %[[ABS]], %[[MAGIC]] : f32
//       CHECK:   %[[R:.+]] = arith.subf %[[UP]], %[[MAGIC]] : f32
//       CHECK:   %[[BITS:.+]] = arith.bitcast %[[X]] : f32 to i32
//       CHECK:   %[[NEG:.+]] = arith.cmpi slt, %[[BITS]], %{{.+}} : i32
//       CHECK:   %[[MINUS:.+]] = arith.negf %[[R]] : f32
//       CHECK:   %[[SIGNED:.+]] = arith.select %[[NEG]], %[[MINUS]], %[[R]] : f32
//       CHECK:   %[[SMALL:.+]] = arith.cmpf olt, %[[ABS]], %[[MAGIC]] : f32
//       CHECK:   %[[Y:.+]] = arith.select %[[SMALL]], %[[SIGNED]], %[[X]] : f32
//       CHECK:   linalg.yield %[[Y]] : f32
func.func @round(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = graph.round %x : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
