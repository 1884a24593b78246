// RUN: strata-opt %s -strata-graph-decompose-recurrent | FileCheck %s
// RUN: strata-opt %s -strata-graph-decompose-recurrent | FileCheck %s --check-prefix=COUNT

//===- decompose-recurrent.mlir - Unrolling LSTM, GRU and RNN -------------===//
//
// strata-graph-decompose-recurrent unrolls a forward LSTM over its static sequence: one
// input projection for every step, one recurrent matmul per step, the gates
// sliced in ONNX order (i, o, f, c), and
//   c' = f * c + i * tanh(g),  h' = o * tanh(c').
// The CHECK prefix follows the first step operand by operand; COUNT checks
// how many of each op the whole sequence produces.
//
//===----------------------------------------------------------------------===//

// Three steps with a bias and zero initial state.
// CHECK-LABEL: func.func @lstm_bias
// CHECK-SAME: (%[[X:.+]]: tensor<3x2x5xf32>, %[[W:.+]]: tensor<1x16x5xf32>, %[[R:.+]]: tensor<1x16x4xf32>, %[[B:.+]]: tensor<1x32xf32>)
// CHECK: %[[ZERO:.+]] = graph.constant dense<0.000000e+00> : tensor<2x4xf32>
// CHECK: %[[W2:.+]] = graph.squeeze %[[W]] {axes = array<i64: 0>} : (tensor<1x16x5xf32>) -> tensor<16x5xf32>
// CHECK: %[[WT:.+]] = graph.transpose %[[W2]] {perm = array<i64: 1, 0>} : (tensor<16x5xf32>) -> tensor<5x16xf32>
// The input projection of all three steps is one matmul.
// CHECK: %[[XW:.+]] = graph.matmul %[[X]], %[[WT]] : (tensor<3x2x5xf32>, tensor<5x16xf32>) -> tensor<3x2x16xf32>
// The bias is Wb + Rb, the two halves of B.
// CHECK: %[[B1:.+]] = graph.squeeze %[[B]] {axes = array<i64: 0>} : (tensor<1x32xf32>) -> tensor<32xf32>
// CHECK: %[[WB:.+]] = graph.slice %[[B1]] {axes = array<i64: 0>, ends = array<i64: 16>, starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<32xf32>) -> tensor<16xf32>
// CHECK: %[[RB:.+]] = graph.slice %[[B1]] {axes = array<i64: 0>, ends = array<i64: 32>, starts = array<i64: 16>, steps = array<i64: 1>} : (tensor<32xf32>) -> tensor<16xf32>
// CHECK: %[[BSUM:.+]] = graph.add %[[WB]], %[[RB]] : (tensor<16xf32>, tensor<16xf32>) -> tensor<16xf32>
// CHECK: %[[PROJ:.+]] = graph.add %[[XW]], %[[BSUM]] : (tensor<3x2x16xf32>, tensor<16xf32>) -> tensor<3x2x16xf32>
// R^T is built once, after the projection, and serves every step.
// CHECK: %[[R2:.+]] = graph.squeeze %[[R]] {axes = array<i64: 0>} : (tensor<1x16x4xf32>) -> tensor<16x4xf32>
// CHECK: %[[RT:.+]] = graph.transpose %[[R2]] {perm = array<i64: 1, 0>} : (tensor<16x4xf32>) -> tensor<4x16xf32>
// Step 0 reads row 0 of the projection and multiplies the zero state by R^T.
// CHECK: %[[P0:.+]] = graph.slice %[[PROJ]] {axes = array<i64: 0>, ends = array<i64: 1>, starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<3x2x16xf32>) -> tensor<1x2x16xf32>
// CHECK: %[[XG0:.+]] = graph.squeeze %[[P0]] {axes = array<i64: 0>} : (tensor<1x2x16xf32>) -> tensor<2x16xf32>
// CHECK: %[[HR0:.+]] = graph.matmul %[[ZERO]], %[[RT]] : (tensor<2x4xf32>, tensor<4x16xf32>) -> tensor<2x16xf32>
// CHECK: %[[G0:.+]] = graph.add %[[XG0]], %[[HR0]] : (tensor<2x16xf32>, tensor<2x16xf32>) -> tensor<2x16xf32>
// Gates in ONNX order: input [0, 4), output [4, 8), forget [8, 12), cell [12, 16).
// CHECK: %[[IS:.+]] = graph.slice %[[G0]] {axes = array<i64: 1>, ends = array<i64: 4>, starts = array<i64: 0>, steps = array<i64: 1>}
// CHECK: %[[I:.+]] = graph.sigmoid %[[IS]] : (tensor<2x4xf32>) -> tensor<2x4xf32>
// CHECK: %[[OS:.+]] = graph.slice %[[G0]] {axes = array<i64: 1>, ends = array<i64: 8>, starts = array<i64: 4>, steps = array<i64: 1>}
// CHECK: %[[O:.+]] = graph.sigmoid %[[OS]] : (tensor<2x4xf32>) -> tensor<2x4xf32>
// CHECK: %[[FS:.+]] = graph.slice %[[G0]] {axes = array<i64: 1>, ends = array<i64: 12>, starts = array<i64: 8>, steps = array<i64: 1>}
// CHECK: %[[F:.+]] = graph.sigmoid %[[FS]] : (tensor<2x4xf32>) -> tensor<2x4xf32>
// CHECK: %[[CS:.+]] = graph.slice %[[G0]] {axes = array<i64: 1>, ends = array<i64: 16>, starts = array<i64: 12>, steps = array<i64: 1>}
// CHECK: %[[CAND:.+]] = graph.tanh %[[CS]] : (tensor<2x4xf32>) -> tensor<2x4xf32>
// CHECK: %[[FC:.+]] = graph.mul %[[F]], %[[ZERO]]
// CHECK: %[[IG:.+]] = graph.mul %[[I]], %[[CAND]]
// CHECK: %[[C0:.+]] = graph.add %[[FC]], %[[IG]]
// CHECK: %[[TC0:.+]] = graph.tanh %[[C0]]
// CHECK: %[[H0:.+]] = graph.mul %[[O]], %[[TC0]]
// CHECK: %[[Y0:.+]] = graph.unsqueeze %[[H0]] {axes = array<i64: 0, 1>} : (tensor<2x4xf32>) -> tensor<1x1x2x4xf32>
// Step 1 reads row 1 and feeds back h and c of step 0.
// CHECK: %[[P1:.+]] = graph.slice %[[PROJ]] {axes = array<i64: 0>, ends = array<i64: 2>, starts = array<i64: 1>, steps = array<i64: 1>}
// CHECK: graph.matmul %[[H0]], %[[RT]] : (tensor<2x4xf32>, tensor<4x16xf32>) -> tensor<2x16xf32>
// CHECK: graph.mul %{{.+}}, %[[C0]]
// CHECK: %[[Y1:.+]] = graph.unsqueeze %{{.+}} {axes = array<i64: 0, 1>}
// Step 2 reads row 2.
// CHECK: graph.slice %[[PROJ]] {axes = array<i64: 0>, ends = array<i64: 3>, starts = array<i64: 2>, steps = array<i64: 1>}
// CHECK: %[[C2:.+]] = graph.add %{{.+}}, %{{.+}} : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
// CHECK: %[[TC2:.+]] = graph.tanh %[[C2]]
// CHECK: %[[H2:.+]] = graph.mul %{{.+}}, %[[TC2]]
// CHECK: %[[Y2:.+]] = graph.unsqueeze %[[H2]] {axes = array<i64: 0, 1>}
// Y concatenates the steps; Y_h and Y_c are the last h and c.
// CHECK: %[[Y:.+]] = graph.concat %[[Y0]], %[[Y1]], %[[Y2]] {axis = 0 : i64} : (tensor<1x1x2x4xf32>, tensor<1x1x2x4xf32>, tensor<1x1x2x4xf32>) -> tensor<3x1x2x4xf32>
// CHECK: %[[YH:.+]] = graph.unsqueeze %[[H2]] {axes = array<i64: 0>} : (tensor<2x4xf32>) -> tensor<1x2x4xf32>
// CHECK: %[[YC:.+]] = graph.unsqueeze %[[C2]] {axes = array<i64: 0>} : (tensor<2x4xf32>) -> tensor<1x2x4xf32>
// CHECK-NOT: graph.lstm
// CHECK: return %[[Y]], %[[YH]], %[[YC]]

// COUNT-LABEL: func.func @lstm_bias
// COUNT-NOT: graph.lstm
// COUNT: graph.matmul {{.+}} -> tensor<3x2x16xf32>
// COUNT-COUNT-3: graph.sigmoid
// COUNT-NOT: graph.sigmoid
// COUNT: graph.tanh
// COUNT: graph.tanh
// COUNT-NOT: graph.tanh
// COUNT: graph.matmul {{.+}} -> tensor<2x16xf32>
// COUNT-COUNT-3: graph.sigmoid
// COUNT-NOT: graph.sigmoid
// COUNT: graph.tanh
// COUNT: graph.tanh
// COUNT-NOT: graph.tanh
// COUNT: graph.matmul {{.+}} -> tensor<2x16xf32>
// COUNT-COUNT-3: graph.sigmoid
// COUNT-NOT: graph.sigmoid
// COUNT-COUNT-2: graph.tanh
// COUNT-NOT: graph.matmul
// COUNT-NOT: graph.sigmoid
// COUNT-NOT: graph.tanh
// COUNT: graph.concat
// COUNT-NOT: graph.matmul
// COUNT: return
func.func @lstm_bias(%x: tensor<3x2x5xf32>, %w: tensor<1x16x5xf32>, %r: tensor<1x16x4xf32>,
                     %b: tensor<1x32xf32>)
    -> (tensor<3x1x2x4xf32>, tensor<1x2x4xf32>, tensor<1x2x4xf32>) {
  %y, %yh, %yc = graph.lstm %x, %w, %r bias %b {hidden_size = 4 : i64}
      : (tensor<3x2x5xf32>, tensor<1x16x5xf32>, tensor<1x16x4xf32>, tensor<1x32xf32>)
      -> (tensor<3x1x2x4xf32>, tensor<1x2x4xf32>, tensor<1x2x4xf32>)
  return %y, %yh, %yc : tensor<3x1x2x4xf32>, tensor<1x2x4xf32>, tensor<1x2x4xf32>
}

// One step without bias from a given initial state: initial_h feeds the
// recurrent matmul, initial_c the forget product, no bias add is built, and
// the one-step slice and concat fold away.
// CHECK-LABEL: func.func @lstm_initial_state
// CHECK-SAME: (%[[X:.+]]: tensor<1x2x5xf32>, %[[W:.+]]: tensor<1x12x5xf32>, %[[R:.+]]: tensor<1x12x3xf32>, %[[H:.+]]: tensor<1x2x3xf32>, %[[C:.+]]: tensor<1x2x3xf32>)
// CHECK-NOT: graph.constant
// CHECK: %[[XW:.+]] = graph.matmul %[[X]], %{{.+}} : (tensor<1x2x5xf32>, tensor<5x12xf32>) -> tensor<1x2x12xf32>
// CHECK: %[[RT:.+]] = graph.transpose %{{.+}} {perm = array<i64: 1, 0>} : (tensor<12x3xf32>) -> tensor<3x12xf32>
// CHECK: %[[H0:.+]] = graph.squeeze %[[H]] {axes = array<i64: 0>} : (tensor<1x2x3xf32>) -> tensor<2x3xf32>
// CHECK: %[[C0:.+]] = graph.squeeze %[[C]] {axes = array<i64: 0>} : (tensor<1x2x3xf32>) -> tensor<2x3xf32>
// CHECK: %[[XG:.+]] = graph.squeeze %[[XW]] {axes = array<i64: 0>} : (tensor<1x2x12xf32>) -> tensor<2x12xf32>
// CHECK: %[[HR:.+]] = graph.matmul %[[H0]], %[[RT]] : (tensor<2x3xf32>, tensor<3x12xf32>) -> tensor<2x12xf32>
// CHECK: %[[G:.+]] = graph.add %[[XG]], %[[HR]] : (tensor<2x12xf32>, tensor<2x12xf32>) -> tensor<2x12xf32>
// CHECK: graph.slice %[[G]] {axes = array<i64: 1>, ends = array<i64: 9>, starts = array<i64: 6>, steps = array<i64: 1>}
// CHECK: %[[F:.+]] = graph.sigmoid
// CHECK: %[[FC:.+]] = graph.mul %[[F]], %[[C0]] : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: %[[C1:.+]] = graph.add %[[FC]], %{{.+}}
// CHECK: %[[H1:.+]] = graph.mul
// CHECK: %[[Y:.+]] = graph.unsqueeze %[[H1]] {axes = array<i64: 0, 1>} : (tensor<2x3xf32>) -> tensor<1x1x2x3xf32>
// CHECK: %[[YH:.+]] = graph.unsqueeze %[[H1]] {axes = array<i64: 0>}
// CHECK: %[[YC:.+]] = graph.unsqueeze %[[C1]] {axes = array<i64: 0>}
// CHECK-NOT: graph.concat
// CHECK: return %[[Y]], %[[YH]], %[[YC]]

// COUNT-LABEL: func.func @lstm_initial_state
// COUNT-COUNT-2: graph.matmul
// COUNT-NOT: graph.matmul
// COUNT-NOT: graph.lstm
// COUNT: return
func.func @lstm_initial_state(%x: tensor<1x2x5xf32>, %w: tensor<1x12x5xf32>, %r: tensor<1x12x3xf32>,
                              %h: tensor<1x2x3xf32>, %c: tensor<1x2x3xf32>)
    -> (tensor<1x1x2x3xf32>, tensor<1x2x3xf32>, tensor<1x2x3xf32>) {
  %y, %yh, %yc = graph.lstm %x, %w, %r initial_h %h initial_c %c {hidden_size = 3 : i64}
      : (tensor<1x2x5xf32>, tensor<1x12x5xf32>, tensor<1x12x3xf32>, tensor<1x2x3xf32>, tensor<1x2x3xf32>)
      -> (tensor<1x1x2x3xf32>, tensor<1x2x3xf32>, tensor<1x2x3xf32>)
  return %y, %yh, %yc : tensor<1x1x2x3xf32>, tensor<1x2x3xf32>, tensor<1x2x3xf32>
}

// Constant weights fold their squeeze and transpose away as the pass builds them.
// CHECK-LABEL: func.func @lstm_constant_weights
// CHECK-DAG: graph.constant dense<1.000000e+00> : tensor<2x4xf32>
// CHECK-DAG: graph.constant dense<5.000000e-01> : tensor<1x4xf32>
// CHECK-NOT: graph.transpose
// CHECK: graph.matmul %{{.+}}, %{{.+}} : (tensor<2x1x2xf32>, tensor<2x4xf32>) -> tensor<2x1x4xf32>
func.func @lstm_constant_weights(%x: tensor<2x1x2xf32>)
    -> (tensor<2x1x1x1xf32>, tensor<1x1x1xf32>, tensor<1x1x1xf32>) {
  %w = graph.constant dense<1.0> : tensor<1x4x2xf32>
  %r = graph.constant dense<0.5> : tensor<1x4x1xf32>
  %y, %yh, %yc = graph.lstm %x, %w, %r {hidden_size = 1 : i64}
      : (tensor<2x1x2xf32>, tensor<1x4x2xf32>, tensor<1x4x1xf32>)
      -> (tensor<2x1x1x1xf32>, tensor<1x1x1xf32>, tensor<1x1x1xf32>)
  return %y, %yh, %yc : tensor<2x1x1x1xf32>, tensor<1x1x1xf32>, tensor<1x1x1xf32>
}

// A bidirectional LSTM runs each direction with its own weights (entry d of
// W, R and B); the reverse direction starts from the last step, and Y, Y_h,
// Y_c concatenate the directions.
// CHECK-LABEL: func.func @lstm_bidirectional
// CHECK: graph.slice %arg1 {axes = array<i64: 0>, ends = array<i64: 1>, starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<2x8x3xf32>) -> tensor<1x8x3xf32>
// CHECK: graph.slice %arg1 {axes = array<i64: 0>, ends = array<i64: 2>, starts = array<i64: 1>, steps = array<i64: 1>} : (tensor<2x8x3xf32>) -> tensor<1x8x3xf32>
// CHECK: %[[PROJ1:.+]] = graph.matmul %arg0, %{{.+}} : (tensor<2x1x3xf32>, tensor<3x8xf32>) -> tensor<2x1x8xf32>
// The reverse direction reads step 1 first.
// CHECK: graph.slice %[[PROJ1]] {axes = array<i64: 0>, ends = array<i64: 2>, starts = array<i64: 1>, steps = array<i64: 1>}
// CHECK: graph.slice %[[PROJ1]] {axes = array<i64: 0>, ends = array<i64: 1>, starts = array<i64: 0>, steps = array<i64: 1>}
// CHECK: graph.concat %{{.+}}, %{{.+}} {axis = 1 : i64} : (tensor<2x1x1x2xf32>, tensor<2x1x1x2xf32>) -> tensor<2x2x1x2xf32>
// CHECK: graph.concat %{{.+}}, %{{.+}} {axis = 0 : i64} : (tensor<1x1x2xf32>, tensor<1x1x2xf32>) -> tensor<2x1x2xf32>
// CHECK-NOT: graph.lstm
func.func @lstm_bidirectional(%x: tensor<2x1x3xf32>, %w: tensor<2x8x3xf32>, %r: tensor<2x8x2xf32>)
    -> (tensor<2x2x1x2xf32>, tensor<2x1x2xf32>, tensor<2x1x2xf32>) {
  %y, %yh, %yc = graph.lstm %x, %w, %r {hidden_size = 2 : i64, direction = "bidirectional"}
      : (tensor<2x1x3xf32>, tensor<2x8x3xf32>, tensor<2x8x2xf32>)
      -> (tensor<2x2x1x2xf32>, tensor<2x1x2xf32>, tensor<2x1x2xf32>)
  return %y, %yh, %yc : tensor<2x2x1x2xf32>, tensor<2x1x2xf32>, tensor<2x1x2xf32>
}

// GRU (gates z, r, h): the z and r recurrent terms share one matmul; with
// linear_before_reset = 0 the reset gate scales h before the hidden gate's
// matmul, and h' = (1 - z) * n + z * h.
// CHECK-LABEL: func.func @gru
// CHECK: %[[ZR:.+]] = graph.matmul %{{.+}}, %{{.+}} : (tensor<1x2xf32>, tensor<2x4xf32>) -> tensor<1x4xf32>
// CHECK: %[[Z:.+]] = graph.sigmoid
// CHECK: %[[R:.+]] = graph.sigmoid
// CHECK: %[[RH:.+]] = graph.mul %[[R]], %{{.+}} : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x2xf32>
// CHECK: graph.matmul %[[RH]], %{{.+}} : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
// CHECK: %[[N:.+]] = graph.tanh
// CHECK: %[[OMZ:.+]] = graph.sub %{{.+}}, %[[Z]] : (tensor<1xf32>, tensor<1x2xf32>) -> tensor<1x2xf32>
// CHECK: graph.mul %[[OMZ]], %[[N]]
// CHECK-NOT: graph.gru
func.func @gru(%x: tensor<1x1x3xf32>, %w: tensor<1x6x3xf32>, %r: tensor<1x6x2xf32>)
    -> (tensor<1x1x1x2xf32>, tensor<1x1x2xf32>) {
  %y, %yh = graph.gru %x, %w, %r {hidden_size = 2 : i64}
      : (tensor<1x1x3xf32>, tensor<1x6x3xf32>, tensor<1x6x2xf32>)
      -> (tensor<1x1x1x2xf32>, tensor<1x1x2xf32>)
  return %y, %yh : tensor<1x1x1x2xf32>, tensor<1x1x2xf32>
}

// With linear_before_reset the reset gate multiplies the recurrent term,
// hidden-gate bias included.
// CHECK-LABEL: func.func @gru_linear_before_reset
// CHECK: %[[HR:.+]] = graph.matmul %{{.+}}, %{{.+}} : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
// CHECK: %[[HRB:.+]] = graph.add %[[HR]], %{{.+}} : (tensor<1x2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
// CHECK: graph.mul %{{.+}}, %[[HRB]]
func.func @gru_linear_before_reset(%x: tensor<1x1x3xf32>, %w: tensor<1x6x3xf32>, %r: tensor<1x6x2xf32>, %b: tensor<1x12xf32>)
    -> (tensor<1x1x1x2xf32>, tensor<1x1x2xf32>) {
  %y, %yh = graph.gru %x, %w, %r bias %b {hidden_size = 2 : i64, linear_before_reset = true}
      : (tensor<1x1x3xf32>, tensor<1x6x3xf32>, tensor<1x6x2xf32>, tensor<1x12xf32>)
      -> (tensor<1x1x1x2xf32>, tensor<1x1x2xf32>)
  return %y, %yh : tensor<1x1x1x2xf32>, tensor<1x1x2xf32>
}

// RNN: h' = tanh(x W^T + h R^T + b), two steps.
// CHECK-LABEL: func.func @rnn
// CHECK-COUNT-2: graph.tanh
// CHECK-NOT: graph.rnn
func.func @rnn(%x: tensor<2x1x3xf32>, %w: tensor<1x2x3xf32>, %r: tensor<1x2x2xf32>)
    -> (tensor<2x1x1x2xf32>, tensor<1x1x2xf32>) {
  %y, %yh = graph.rnn %x, %w, %r {hidden_size = 2 : i64}
      : (tensor<2x1x3xf32>, tensor<1x2x3xf32>, tensor<1x2x2xf32>)
      -> (tensor<2x1x1x2xf32>, tensor<1x1x2xf32>)
  return %y, %yh : tensor<2x1x1x2xf32>, tensor<1x1x2xf32>
}

// Peepholes: the input and forget gates add P_i * c and P_f * c of the
// previous cell state; the output gate adds P_o * c of the new one, so it is
// computed after the cell update.
// CHECK-LABEL: func.func @lstm_peepholes
// CHECK: %[[PI:.+]] = graph.slice %{{.+}} {axes = array<i64: 0>, ends = array<i64: 2>, starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<6xf32>) -> tensor<2xf32>
// CHECK: %[[PO:.+]] = graph.slice %{{.+}} {axes = array<i64: 0>, ends = array<i64: 4>, starts = array<i64: 2>, steps = array<i64: 1>} : (tensor<6xf32>) -> tensor<2xf32>
// CHECK: %[[PF:.+]] = graph.slice %{{.+}} {axes = array<i64: 0>, ends = array<i64: 6>, starts = array<i64: 4>, steps = array<i64: 1>} : (tensor<6xf32>) -> tensor<2xf32>
// CHECK: graph.mul %[[PI]], %[[C0:.+]] :
// CHECK: graph.mul %[[PF]], %[[C0]] :
// CHECK: graph.tanh
// CHECK: %[[C1:.+]] = graph.add
// CHECK: graph.mul %[[PO]], %[[C1]] :
func.func @lstm_peepholes(%x: tensor<1x1x3xf32>, %w: tensor<1x8x3xf32>, %r: tensor<1x8x2xf32>,
                          %c: tensor<1x1x2xf32>, %p: tensor<1x6xf32>)
    -> (tensor<1x1x1x2xf32>, tensor<1x1x2xf32>, tensor<1x1x2xf32>) {
  %y, %yh, %yc = graph.lstm %x, %w, %r initial_c %c peepholes %p {hidden_size = 2 : i64}
      : (tensor<1x1x3xf32>, tensor<1x8x3xf32>, tensor<1x8x2xf32>, tensor<1x1x2xf32>, tensor<1x6xf32>)
      -> (tensor<1x1x1x2xf32>, tensor<1x1x2xf32>, tensor<1x1x2xf32>)
  return %y, %yh, %yc : tensor<1x1x1x2xf32>, tensor<1x1x2xf32>, tensor<1x1x2xf32>
}
