//===- Passes.td - Strata's graph-level passes -------------*- tablegen -*-===//
//
// The graph-level passes, the graph-to-linalg conversion and the codegen
// steps every target shares (memory planning, math expansion, strided
// copies). Passes only some targets run live in their target's folder
// (targets/*/Passes.td); `strata-opt --help` lists them all.
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_PASSES
#define STRATA_PASSES

include "mlir/Pass/PassBase.td"

def GraphDecomposeRecurrent : Pass<"strata-graph-decompose-recurrent", "::mlir::func::FuncOp"> {
  let summary = "Unroll graph.lstm, graph.gru and graph.rnn over their static sequence";
  let description = [{
    Rewrites each recurrent op into per-step matmuls, gate slices and
    elementwise ops (ONNX gate orders: LSTM i, o, f, c; GRU z, r, h; default
    activations), so that only the basic ops need code generation. Per
    direction, the input projection of all steps is one matmul and the
    recurrent projection is one matmul per step; the reverse direction walks
    the steps backwards, and bidirectional results concatenate both.

    Before:
    ```mlir
    %y, %yh, %yc = graph.lstm %x, %w, %r bias %b {hidden_size = 4 : i64}
        : (tensor<2x1x3xf32>, tensor<1x16x3xf32>, tensor<1x16x4xf32>,
           tensor<1x32xf32>) -> (tensor<2x1x1x4xf32>, tensor<1x1x4xf32>,
                                 tensor<1x1x4xf32>)
    ```
    After (one step shown):
    ```mlir
    %gates = graph.add %xw_t, %hr : ... -> tensor<1x16xf32>
    %i = graph.slice %gates {starts = array<i64: 0>, ends = array<i64: 4>, ...}
    %i_act = graph.sigmoid %i : ...
    ...
    %c_next = graph.add %f_c, %i_g : ...
    %h_next = graph.mul %o_act, %tanh_c : ...
    ```
  }];
  let dependentDialects = ["::strata::graph::GraphDialect"];
}

def FoldBatchNorm : Pass<"strata-fold-batch-norm", "::mlir::func::FuncOp"> {
  let summary = "Fold an inference BatchNormalization into the Conv before it";
  let description = [{
    A BatchNormalization whose input is the only use of a Conv with constant
    float32 weights, and whose parameters are constants, becomes that Conv
    with weights scaled by m = scale / sqrt(var + eps) per output channel
    and a bias b * m + (bias - mean * m). Run before strata-quantize, so a
    ReLU after the normalization follows the Conv and folds into its
    integer kernel.

    Before:
    ```mlir
    %y = graph.conv %x, %w {...} : (tensor<1x1x3x3xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x3x3xf32>
    %n = graph.batch_normalization %y, %scale, %bias, %mean, %var {epsilon = 0.0 : f32}
        : (...) -> tensor<1x2x3x3xf32>
    ```
    After:
    ```mlir
    %n = graph.conv %x, %w2, %b2 {...} : (tensor<1x1x3x3xf32>, tensor<2x1x1x1xf32>,
        tensor<2xf32>) -> tensor<1x2x3x3xf32>
    ```
  }];
  let dependentDialects = ["::strata::graph::GraphDialect"];
}

def PruneChannels : Pass<"strata-prune-channels", "::mlir::func::FuncOp"> {
  let summary = "Remove the lowest-magnitude output channels of convolutions";
  let description = [{
    Structured pruning (`stratac --prune=channels:S`). Tensors whose
    channel axes must stay aligned form groups: a convolution's output and
    what ReLU, Clip, BatchNormalization, pools, Identity, depthwise
    convolutions and a Flatten of [N, C, 1, 1] make of it, and through an
    Add of two same-shaped tensors both operands (a residual connection
    prunes its whole stream or nothing). A group is prunable when every
    tensor in it comes from a one-group convolution with constant float
    weights or one of those ops, and every reader is one of them, a
    one-group convolution (its input channels), a Gemm (its rows of B) or a
    MatMul (the rows of its constant right-hand side). Each channel's score
    is the L2 norm of its filters over the group's producers, or, when every
    producer carries `strata.channel_scores` (one per output channel, set by
    stratac's gradient criteria), the sum of those; the
    `fraction` lowest are removed (the kept count rounded up to a multiple
    of `multiple` where the group has at least twice as many) from every
    producer, normalization, depthwise
    convolution and reader of the group, and every result type is inferred
    again. A group reaching a model input or output, or any other op, is
    kept whole; a convolution matching an `exclude` glob keeps its group
    whole. It records `strata.pruned_channels` on the function: for each
    pruned producer its node, channels and kept channels. Fails when no
    group is prunable, naming why one is not, and when an `exclude` glob
    matches no convolution.

    Before (fraction 0.5; %w1's 2nd filter has the smaller norm):
    ```mlir
    %h = graph.conv %x, %w1 {...} : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>)
         -> tensor<1x2x4x4xf32>
    %r = graph.relu %h : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
    %y = graph.conv %r, %w2 {...} : (tensor<1x2x4x4xf32>, tensor<3x2x1x1xf32>)
         -> tensor<1x3x4x4xf32>
    ```
    After:
    ```mlir
    %h = graph.conv %x, %w1k {...} : (tensor<1x1x4x4xf32>, tensor<1x1x1x1xf32>)
         -> tensor<1x1x4x4xf32>
    %r = graph.relu %h : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
    %y = graph.conv %r, %w2k {...} : (tensor<1x1x4x4xf32>, tensor<3x1x1x1xf32>)
         -> tensor<1x3x4x4xf32>
    ```
  }];
  let options = [
    Option<"fraction", "fraction", "double", /*default=*/"0.0",
           "The fraction of each group's channels to remove, in (0, 1)">,
    Option<"multiple", "multiple", "int64_t", /*default=*/"16",
           "Round each group's kept channels up to a multiple of this, where it "
           "has at least twice as many (1: no rounding)">,
    ListOption<"exclude", "exclude", "std::string",
               "Globs of convolution node names whose groups stay whole">
  ];
  let dependentDialects = ["::strata::graph::GraphDialect"];
}

def Differentiate : Pass<"strata-differentiate", "::mlir::func::FuncOp"> {
  let summary = "Turn the entry into its vector-Jacobian product: dL/dW per weight";
  let description = [{
    Reverse-mode differentiation of the graph dialect, for the importance
    criteria of `stratac --prune-criterion` and for `stratac --gradient`.
    For each result the entry gets one more argument, the seed dL/dresult
    (named `d_<output>`), and it returns instead dL/dW (named
    `grad_<initializer>`) for every constant float32 weight of a Conv (the
    filters), Gemm (B) or MatMul (the right-hand side) that reads a tensor
    computed from the inputs, in program order; `strata.gradient_nodes`
    names each weight's consumer. Ops are visited in reverse and each
    adjoint is written with graph ops, summed where a tensor has several
    readers: Conv (grouped and strided; the input gradient is a convolution
    of the dilated seed with the flipped filters, the filter gradient a
    convolution of the input, batch as channels, with the seed as filters),
    Gemm, 2-D MatMul, Add, Sub, Mul, Div (with broadcasting), Neg, Relu,
    Clip, Sigmoid, Tanh, Exp, Softmax, LogSoftmax, inference
    BatchNormalization, GlobalAveragePool, MaxPool (the seed to
    each window's first maximum, tap by tap), Transpose, Concat, constant Pad, Expand
    and the reshape family. Any other op on the path from an input to a
    result is an error naming it. The forward ops only the old results used
    are left for DCE.

    Before:
    ```mlir
    func.func @main(%x: tensor<1x4xf32>) -> tensor<1x3xf32> {
      %w = graph.constant {...} dense<...> : tensor<3x4xf32>
      %y = graph.gemm %x, %w {trans_b = true} : (...) -> tensor<1x3xf32>
      return %y : tensor<1x3xf32>
    }
    ```
    After (dW = dY^T x):
    ```mlir
    func.func @main(%x: tensor<1x4xf32>, %dy: tensor<1x3xf32>) -> tensor<3x4xf32> {
      %dw = graph.gemm %dy, %x {trans_a = true} : (...) -> tensor<3x4xf32>
      return %dw : tensor<3x4xf32>
    }
    ```
  }];
  let dependentDialects = ["::strata::graph::GraphDialect"];
}

def Quantize : Pass<"strata-quantize", "::mlir::func::FuncOp"> {
  let summary = "Post-training int8 quantization of Conv, MatMul, Gemm and residual Adds";
  let description = [{
    Rewrites each float32 Conv, MatMul and Gemm with constant weights that
    calibration annotated (`strata.quant.input_range` and
    `strata.quant.output_range`, each `[low, high]`) into integer
    arithmetic, in TFLite's int8 scheme:

    - weights per output channel, symmetric, in [-127, 127];
    - activations per tensor, asymmetric int8 (scale (high - low) / 255
      over a range widened to hold 0, zero point -128 - low / scale);
    - bias int32 at scale s_in * s_w[c];
    - products accumulated in int32, then `graph.requantize` to the
      output's int8 with a fixed-point multiplier per channel; a ReLU or a
      Clip from 0 after the op is folded into its clamp.

    A residual Add of two quantized ops' outputs (same shape), calibrated
    too, becomes integer arithmetic as well: both int8 inputs rescaled to an
    int32 sum at scale max(s_a, s_b) / 2^20, (a - z_a) * m_a + (b - z_b) *
    m_b, then requantized like an accumulator (its ReLU folded).

    An int8 output feeding another quantized op flows to it as it is, also
    through ops that commute with dequantization (Reshape-like ops and
    MaxPool), and its parameters are then that op's input parameters; float
    users read it dequantized, and a float input is quantized. Ops without
    the attributes (not calibrated, or excluded) stay float. Each
    `graph.requantize` records its op's index (`strata.quant.index`) and
    input parameters (`strata.quant.input`) for the compiler's report.

    Before:
    ```mlir
    %y = graph.conv %x, %w {strata.quant.input_range = array<f64: -1.0, 1.0>,
                            strata.quant.output_range = array<f64: 0.0, 4.0>, ...}
        : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
    %r = graph.relu %y : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
    ```
    After:
    ```mlir
    %xq = graph.cast %clipped : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xi8>  // quantized x
    %xc = graph.sub %xw, %zx : (tensor<1x1x4x4xi32>, tensor<i32>) -> tensor<1x1x4x4xi32>
    %acc = graph.conv %xc, %wq {...} : (tensor<1x1x4x4xi32>, tensor<2x1x1x1xi32>)
        -> tensor<1x2x4x4xi32>
    %yq = graph.requantize %acc {axis = 1 : i64, multiplier = array<i32: ...>,
            shift = array<i32: ...>, zero_point = -128 : i32, min = -128 : i32,
            max = 127 : i32} : (tensor<1x2x4x4xi32>) -> tensor<1x2x4x4xi8>
    %r = graph.mul %yf, %sy : ...  // dequantized for float users
    ```
  }];
  let dependentDialects = ["::strata::graph::GraphDialect"];
}

def ConvertGraphToLinalg : Pass<"strata-convert-graph-to-linalg", "::mlir::func::FuncOp"> {
  let summary = "Lower graph ops to linalg, tensor, arith and math";
  let description = [{
    Every graph op becomes destination-style tensor code: named linalg ops
    for contractions, convolutions and pooling, broadcasting
    `linalg.generic` ops for elementwise math, and tensor ops for data
    movement. An op with no lowering is reported with its ONNX node name.

    ONNX's unsigned tensors (`ui8` ...) become signless (`i8`), function
    signatures included, since `arith` takes signless integers only; ops
    whose meaning depends on signedness read it from the graph types and
    pick `arith.divui`, `arith.cmpi ult`, `arith.extui`, `arith.uitofp` and
    so on.

    Before:
    ```mlir
    %0 = graph.relu %x : (tensor<4xf32>) -> tensor<4xf32>
    ```
    After:
    ```mlir
    %e = tensor.empty() : tensor<4xf32>
    %0 = linalg.generic {indexing_maps = [#id, #id],
                         iterator_types = ["parallel"]}
        ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
    ^bb0(%in: f32, %out: f32):
      %zero = arith.constant 0.0 : f32
      %m = arith.maximumf %in, %zero : f32
      linalg.yield %m : f32
    } -> tensor<4xf32>
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::tensor::TensorDialect"
  ];
}

def FuseElementwise : Pass<"strata-fuse-elementwise", "::mlir::func::FuncOp"> {
  let summary = "Fuse elementwise producers into elementwise consumers";
  let description = [{
    Chains of elementwise linalg ops (bias add, activation, gate arithmetic)
    become one loop nest, so intermediates are never stored. Unlike upstream
    `linalg-fuse-elementwise-ops`, a producer is never fused into a consumer
    with reduction loops: that would recompute the producer once per
    reduction step and hide a contraction from the vectorizer.

    Before:
    ```mlir
    %t = linalg.generic {iterator_types = ["parallel"]} ins(%x) { math.tanh }
    %h = linalg.generic {iterator_types = ["parallel"]} ins(%o, %t) { arith.mulf }
    %y = linalg.matmul ins(%h, %w) ...
    ```
    After:
    ```mlir
    %h = linalg.generic {iterator_types = ["parallel"]} ins(%o, %x) {
      math.tanh; arith.mulf }
    %y = linalg.matmul ins(%h, %w) ...
    ```

    An int8 result is not fused into a consumer that makes floats of it (a
    dequantization): it stays int8 in memory, a quarter of the bytes.

    A fused body is capped at `max-body-ops` operations: each fusion copies
    the producer's body into the consumer's, so an unbounded chain of n ops
    costs O(n^2) copies at compile time, and past a few dozen ops one loop
    nest gains nothing but register pressure.
  }];
  let options = [
    Option<"maxBodyOps", "max-body-ops", "unsigned", /*default=*/"64",
           "Largest number of operations a fused body may have">
  ];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def PropagateLayout : Pass<"strata-propagate-layout", "::mlir::func::FuncOp"> {
  let summary = "Keep activations in the convolutions' layout between convolutions";
  let description = [{
    The graph-to-linalg conversion computes each NCHW convolution in NHWC
    between two transposes. This pass moves the transpose after a
    convolution down through layout-agnostic ops until it cancels against
    the next convolution's: an all-parallel `linalg.generic` runs in its
    transposed input's layout (other operands read through permuted maps),
    constant `tensor.pad` pads with permuted amounts, NCHW max and sum
    pooling of an NHWC tensor becomes NHWC pooling, and two transposes in a
    row compose (or vanish). Any other generic, such as a reduction, reads a
    transposed input through a permuted map instead of a materialized copy.
    A transpose that meets none of these stays, so results never change.

    Before:
    ```mlir
    %a = linalg.conv_2d_nhwc_hwcf ins(%x, %w1 : ...) outs(...) -> tensor<1x8x8x16xf32>
    %t = linalg.transpose ins(%a) outs(...) permutation = [0, 3, 1, 2]
    %r = linalg.generic {iterator_types = ["parallel", ...]} ins(%t) { arith.maximumf }
    %p = tensor.pad %r low[0, 0, 1, 1] high[0, 0, 1, 1] ...
    %u = linalg.transpose ins(%p) outs(...) permutation = [0, 2, 3, 1]
    %b = linalg.conv_2d_nhwc_hwcf ins(%u, %w2 : ...) ...
    ```
    After:
    ```mlir
    %a = linalg.conv_2d_nhwc_hwcf ins(%x, %w1 : ...) outs(...) -> tensor<1x8x8x16xf32>
    %r = linalg.generic {iterator_types = ["parallel", ...]} ins(%a) { arith.maximumf }
    %p = tensor.pad %r low[0, 1, 1, 0] high[0, 1, 1, 0] ...
    %b = linalg.conv_2d_nhwc_hwcf ins(%p, %w2 : ...) ...
    ```
  }];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect"
  ];
}

def ExpandMath : Pass<"strata-expand-math"> {
  let summary = "Replace transcendental math ops with polynomial approximations";
  let description = [{
    Generated code must not depend on libm (terminals have none, and calls
    block vectorization): `math.exp`, `math.tanh`, `math.log`, `math.erf` and
    friends on f32 become arithmetic with MLIR's polynomial approximations.

    Before:
    ```mlir
    %y = math.tanh %x : f32
    ```
    After: a sequence of `arith.mulf`, `arith.addf`, `math.fma`, `arith.select`
    with no `math.tanh` left.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::math::MathDialect",
    "::mlir::vector::VectorDialect", "::mlir::x86vector::X86VectorDialect"
  ];
}

def LowerStridedCopies : Pass<"strata-lower-strided-copies"> {
  let summary = "Turn non-contiguous memref.copy into linalg.copy loops";
  let description = [{
    Upstream lowers a `memref.copy` between non-contiguous buffers (a padded
    convolution input, a concatenation slot) to a call to `memrefCopy` from
    MLIR's C runner library, which Strata's artifacts do not link. Such copies
    become `linalg.copy`, which later lowers to loops; contiguous copies stay
    and become `memcpy`.

    Before:
    ```mlir
    memref.copy %src, %dst : memref<4x4xf32> to memref<4x4xf32, strided<[6, 1], offset: 7>>
    ```
    After:
    ```mlir
    linalg.copy ins(%src : memref<4x4xf32>)
                outs(%dst : memref<4x4xf32, strided<[6, 1], offset: 7>>)
    ```
  }];
  let options = [
    Option<"allCopies", "all-copies", "bool", /*default=*/"false",
           "Also turn contiguous copies into linalg.copy (GPU kernels have "
           "no memcpy)">
  ];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def PadInProducer : Pass<"strata-pad-in-producer", "::mlir::func::FuncOp"> {
  let summary = "Let the op that produces a padded tensor's source write into it";
  let description = [{
    A `tensor.pad` (a convolution's padded input) of a value a linalg op
    produces bufferizes to a buffer for that value, a fill of the padded
    buffer and a copy of the interior. When the producer's payload does not
    read the init it writes that value into, and the function does not
    return the value, the init becomes the interior of a tensor of the
    padded shape whose border (one slab per padded side) is filled, and the
    pad the `tensor.insert_slice` of the result back into it: one-shot
    bufferization then writes the value in place into the padded buffer, and
    neither the separate buffer, the copy, nor a fill of the interior
    remains.
    The producer's other users read the interior of the padded tensor.
    Pads with a dynamic shape, a non-constant padding value or `nofold`, and
    pads of anything else, are left alone.

    Before:
    ```mlir
    %y = linalg.generic {...} ins(%x : tensor<1x4x4x8xf32>)
                              outs(%e : tensor<1x4x4x8xf32>) {...}
    %p = tensor.pad %y low[0, 1, 1, 0] high[0, 1, 1, 0] {
      tensor.yield %zero : f32
    } : tensor<1x4x4x8xf32> to tensor<1x6x6x8xf32>
    ```
    After:
    ```mlir
    %e6 = bufferization.alloc_tensor() : tensor<1x6x6x8xf32>
    %top = tensor.extract_slice %e6[0, 0, 0, 0] [1, 1, 6, 8] [1, 1, 1, 1]
    %t = linalg.fill ins(%zero : f32) outs(%top : tensor<1x1x6x8xf32>) -> tensor<1x1x6x8xf32>
    %f1 = tensor.insert_slice %t into %e6[0, 0, 0, 0] [1, 1, 6, 8] [1, 1, 1, 1]
    ...                                   // the bottom row, the left and right columns
    %i = tensor.extract_slice %f[0, 1, 1, 0] [1, 4, 4, 8] [1, 1, 1, 1]
    %y = linalg.generic {...} ins(%x : tensor<1x4x4x8xf32>)
                              outs(%i : tensor<1x4x4x8xf32>) {...}
    %p = tensor.insert_slice %y into %f[0, 1, 1, 0] [1, 4, 4, 8] [1, 1, 1, 1]
    %v = tensor.extract_slice %p[0, 1, 1, 0] [1, 4, 4, 8] [1, 1, 1, 1]  // %y's other users
    ```
  }];
  let dependentDialects = [
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect"
  ];
}

def ElementwiseInPlace : Pass<"strata-elementwise-in-place", "::mlir::func::FuncOp"> {
  let summary = "Let an elementwise op write into an input that dies there";
  let description = [{
    An all-parallel `linalg.generic` writing a `tensor.empty` whose payload
    ignores it, with an input of the result's type read with the identity
    map that no other op uses (not a function argument or a constant),
    writes that input instead: bufferization then reuses its buffer, so a
    ReLU after a convolution no longer holds a second copy of the
    activation. The CPU lowering runs it on targets without vectors; vector
    targets fuse a convolution's elementwise user into its tiles instead.

    Before:
    ```mlir
    %y = linalg.conv_2d_nhwc_hwcf ins(%x, %w : ...) outs(%b : tensor<1x8x8x16xf32>) -> tensor<1x8x8x16xf32>
    %e = tensor.empty() : tensor<1x8x8x16xf32>
    %r = linalg.generic {...} ins(%y : tensor<1x8x8x16xf32>) outs(%e : tensor<1x8x8x16xf32>) {...}
    ```
    After:
    ```mlir
    %r = linalg.generic {...} ins(%y : tensor<1x8x8x16xf32>) outs(%y : tensor<1x8x8x16xf32>) {...}
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def UnshareInits : Pass<"strata-unshare-inits", "::mlir::func::FuncOp"> {
  let summary = "Give each accumulating op its own copy of a shared fill or bias init";
  let description = [{
    After CSE, several convolutions or matmuls can accumulate into one init
    value: one zero fill, or one broadcast of equal biases. Each writes its
    init's buffer, so one-shot bufferization copies the value once per op.
    When the init is produced by a single-result linalg op computed from
    constants alone that does not read its own init (a `linalg.fill`, a
    broadcast of a constant bias), every user but the last gets a clone of
    that op right before it, writing a `bufferization.alloc_tensor` of its
    own, which CSE does not merge: the buffer is written once instead of
    read and written. With `last-user-too` the last user gets one as well
    and the original goes when nothing else reads it, so that no init's
    buffer lives from the first user to the last (microcontrollers, whose
    arena is the budget; on x86 it made ResNet-18 6% slower).

    Before:
    ```mlir
    %z = linalg.fill ins(%zero : f32) outs(%e : tensor<8x16xf32>) -> tensor<8x16xf32>
    %a = linalg.matmul ins(%x, %w : ...) outs(%z : tensor<8x16xf32>) -> tensor<8x16xf32>
    %b = linalg.matmul ins(%y, %v : ...) outs(%z : tensor<8x16xf32>) -> tensor<8x16xf32>
    ```
    After:
    ```mlir
    %z = linalg.fill ins(%zero : f32) outs(%e : tensor<8x16xf32>) -> tensor<8x16xf32>
    %t = bufferization.alloc_tensor() : tensor<8x16xf32>
    %z1 = linalg.fill ins(%zero : f32) outs(%t : tensor<8x16xf32>) -> tensor<8x16xf32>
    %a = linalg.matmul ins(%x, %w : ...) outs(%z1 : tensor<8x16xf32>) -> tensor<8x16xf32>
    %b = linalg.matmul ins(%y, %v : ...) outs(%z : tensor<8x16xf32>) -> tensor<8x16xf32>
    ```
  }];
  let options = [
    Option<"lastUserToo", "last-user-too", "bool", /*default=*/"false",
           "Give the last user its own init too, made right before it">,
  ];
  let dependentDialects = [
    "::mlir::bufferization::BufferizationDialect", "::mlir::linalg::LinalgDialect"
  ];
}

def PlanMemory : Pass<"strata-plan-memory", "::mlir::ModuleOp"> {
  let summary = "Place every intermediate buffer in one caller-provided arena";
  let description = [{
    Generated code never allocates. After bufferization, each `memref.alloc`
    of the entry function gets an offset in one static arena: buffers whose
    live ranges (first to last use, aliases included) do not overlap share
    bytes, and every offset is aligned to `alignment`. Offsets are the best
    of several greedy first-fit orders (largest, earliest, longest-lived,
    largest size x lifetime first). The function gains a trailing
    `memref<Nxi8>` argument and the attributes `strata.arena_bytes` and
    `strata.arena_lower_bound` (the most bytes live at once). A buffer
    allocated inside an `scf.forall` gets one slot per iteration (the
    iterations may run on different threads) and computes its offset from
    the induction variables; a forall of dynamic bounds around one is an
    error.
    It also counts the loop nests at the top of the entry, each one pass
    over its data, as `strata.kernels` (loops, calls, computing linalg ops,
    and each run of vector ops: a small op vectorized whole),
    `strata.fills` and `strata.copies` (memref.copy, linalg.copy and
    linalg.transpose).

    Before:
    ```mlir
    func.func @main(%x: memref<4xf32>, %y: memref<4xf32>) {
      %t = memref.alloc() : memref<4xf32>
      ...
      memref.dealloc %t : memref<4xf32>
    }
    ```
    After:
    ```mlir
    func.func @main(%x: memref<4xf32>, %y: memref<4xf32>,
                    %arena: memref<64xi8>) attributes {strata.arena_bytes = 64} {
      %c0 = arith.constant 0 : index
      %t = memref.view %arena[%c0][] : memref<64xi8> to memref<4xf32>
      ...
    }
    ```
  }];
  let options = [
    Option<"alignment", "alignment", "int64_t", /*default=*/"64",
           "Byte alignment of every buffer in the arena">,
    Option<"entryName", "entry", "std::string", /*default=*/"\"main\"",
           "The function that receives the arena">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::memref::MemRefDialect"
  ];
}

#endif // STRATA_PASSES
