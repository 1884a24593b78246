//===- GraphOps.td - Operators of the graph dialect --------*- tablegen -*-===//
//
// One op per supported ONNX operator. Operands keep ONNX's order; inputs that
// ONNX passes as tensors but that must be compile-time constants (Slice bounds,
// Squeeze axes, Clip bounds) are attributes here: the importer folds them while
// building the graph and reports a node whose bound is not constant.
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_GRAPH_OPS
#define STRATA_GRAPH_OPS

include "dialects/Graph/GraphDialect.td"
include "mlir/IR/OpBase.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

//===----------------------------------------------------------------------===//
// Traits and base classes
//===----------------------------------------------------------------------===//

// Result types are inferred (InferTypeOpAdaptor) for every op whose result
// shape follows from its operands and attributes; the inference functions
// also report every malformed operand or attribute. Reshape, Expand, Cast and
// ConstantOfShape take their target from the result type and verify instead.

class Graph_BinaryOp<string mnemonic, string onnxName, bit folds = 0>
    : Graph_Op<mnemonic, [Pure, InferTypeOpAdaptor]> {
  let summary = "ONNX " # onnxName # " with numpy broadcasting";
  let arguments = (ins AnyRankedTensor:$lhs, AnyRankedTensor:$rhs);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat =
      "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
  let hasFolder = folds;
}

class Graph_UnaryOp<string mnemonic, string onnxName, list<Trait> traits = []>
    : Graph_Op<mnemonic, !listconcat([Pure, InferTypeOpAdaptor], traits)> {
  let summary = "ONNX " # onnxName # ", elementwise";
  let arguments = (ins AnyRankedTensor:$input);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

//===----------------------------------------------------------------------===//
// Constants and identity
//===----------------------------------------------------------------------===//

def Graph_ConstantOp : Graph_Op<"constant",
    [ConstantLike, Pure, AllTypesMatch<["value", "result"]>]> {
  let summary = "A constant tensor (ONNX Constant and initializers)";
  let arguments = (ins ElementsAttr:$value);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "attr-dict $value";
  let hasFolder = 1;
}

def Graph_IdentityOp : Graph_UnaryOp<"identity", "Identity"> {
  let hasFolder = 1;
}

def Graph_ConstantOfShapeOp : Graph_Op<"constant_of_shape", [Pure]> {
  let summary = "ONNX ConstantOfShape: a tensor filled with one value";
  let description = [{
    The shape operand is a 1-D int64 tensor. With a constant shape the op
    folds to a splat constant; otherwise the result type fixes the shape.
  }];
  let arguments = (ins AnyRankedTensor:$shape, TypedAttrInterface:$value);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat =
      "$shape `,` $value attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Graph_ShapeOp : Graph_Op<"shape", [Pure, InferTypeOpAdaptor]> {
  let summary = "ONNX Shape: the input's extents as a 1-D int64 tensor";
  let arguments = (ins AnyRankedTensor:$input,
                       DefaultValuedAttr<I64Attr, "0">:$start,
                       OptionalAttr<I64Attr>:$end);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

def Graph_AddOp : Graph_BinaryOp<"add", "Add", /*folds=*/1>;
def Graph_SubOp : Graph_BinaryOp<"sub", "Sub", /*folds=*/1>;
def Graph_MulOp : Graph_BinaryOp<"mul", "Mul", /*folds=*/1>;
def Graph_DivOp : Graph_BinaryOp<"div", "Div", /*folds=*/1>;

def Graph_ReluOp : Graph_UnaryOp<"relu", "Relu">;
def Graph_SigmoidOp : Graph_UnaryOp<"sigmoid", "Sigmoid">;
def Graph_TanhOp : Graph_UnaryOp<"tanh", "Tanh">;

def Graph_MaxOp : Graph_BinaryOp<"max", "Max (two inputs; the importer chains more)">;
def Graph_MinOp : Graph_BinaryOp<"min", "Min (two inputs; the importer chains more)">;
def Graph_PowOp : Graph_BinaryOp<"pow", "Pow"> {
  let description = [{
    The exponent may have another element type than the base (ONNX's T1);
    the result has the base's. An integer base raised to an integral exponent
    is computed exactly, by repeated squaring.
  }];
}
def Graph_AndOp : Graph_BinaryOp<"and", "And (bool)">;
def Graph_OrOp : Graph_BinaryOp<"or", "Or (bool)">;
def Graph_XorOp : Graph_BinaryOp<"xor", "Xor (bool)">;

class Graph_CompareOp<string mnemonic, string onnxName>
    : Graph_Op<mnemonic, [Pure, InferTypeOpAdaptor]> {
  let summary = "ONNX " # onnxName # ": elementwise comparison to bool";
  let arguments = (ins AnyRankedTensor:$lhs, AnyRankedTensor:$rhs);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat =
      "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
}

def Graph_EqualOp : Graph_CompareOp<"equal", "Equal">;
def Graph_LessOp : Graph_CompareOp<"less", "Less">;
def Graph_LessOrEqualOp : Graph_CompareOp<"less_or_equal", "LessOrEqual">;
def Graph_GreaterOp : Graph_CompareOp<"greater", "Greater">;
def Graph_GreaterOrEqualOp : Graph_CompareOp<"greater_or_equal", "GreaterOrEqual">;

def Graph_WhereOp : Graph_Op<"where", [Pure, InferTypeOpAdaptor]> {
  let summary = "ONNX Where: pick from two tensors by a bool condition";
  let arguments = (ins AnyRankedTensor:$condition, AnyRankedTensor:$lhs,
                       AnyRankedTensor:$rhs);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def Graph_NegOp : Graph_UnaryOp<"neg", "Neg"> {
  let hasFolder = 1;
}
def Graph_AbsOp : Graph_UnaryOp<"abs", "Abs">;
def Graph_ExpOp : Graph_UnaryOp<"exp", "Exp">;
def Graph_LogOp : Graph_UnaryOp<"log", "Log">;
def Graph_SqrtOp : Graph_UnaryOp<"sqrt", "Sqrt">;
def Graph_ReciprocalOp : Graph_UnaryOp<"reciprocal", "Reciprocal">;
def Graph_FloorOp : Graph_UnaryOp<"floor", "Floor">;
def Graph_CeilOp : Graph_UnaryOp<"ceil", "Ceil">;
def Graph_ErfOp : Graph_UnaryOp<"erf", "Erf">;
def Graph_SinOp : Graph_UnaryOp<"sin", "Sin">;
def Graph_CosOp : Graph_UnaryOp<"cos", "Cos">;
def Graph_SoftplusOp : Graph_UnaryOp<"softplus", "Softplus">;
def Graph_SoftsignOp : Graph_UnaryOp<"softsign", "Softsign">;
def Graph_HardSwishOp : Graph_UnaryOp<"hard_swish", "HardSwish">;
def Graph_NotOp : Graph_UnaryOp<"not", "Not (bool)">;
def Graph_TanOp : Graph_UnaryOp<"tan", "Tan">;
def Graph_AsinOp : Graph_UnaryOp<"asin", "Asin">;
def Graph_AcosOp : Graph_UnaryOp<"acos", "Acos">;
def Graph_AtanOp : Graph_UnaryOp<"atan", "Atan">;
def Graph_SinhOp : Graph_UnaryOp<"sinh", "Sinh">;
def Graph_CoshOp : Graph_UnaryOp<"cosh", "Cosh">;
def Graph_AsinhOp : Graph_UnaryOp<"asinh", "Asinh">;
def Graph_AcoshOp : Graph_UnaryOp<"acosh", "Acosh">;
def Graph_AtanhOp : Graph_UnaryOp<"atanh", "Atanh">;
def Graph_SignOp : Graph_UnaryOp<"sign", "Sign (-1, 0 or 1; NaN stays NaN)">;
def Graph_RoundOp : Graph_UnaryOp<"round", "Round (half to even)">;

def Graph_IsNaNOp : Graph_Op<"is_nan", [Pure, InferTypeOpAdaptor]> {
  let summary = "ONNX IsNaN: bool tensor marking NaN elements";
  let arguments = (ins AnyRankedTensor:$input);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Graph_IsInfOp : Graph_Op<"is_inf", [Pure, InferTypeOpAdaptor]> {
  let summary = "ONNX IsInf: bool tensor marking infinities of the chosen signs";
  let arguments = (ins AnyRankedTensor:$input,
                       DefaultValuedAttr<BoolAttr, "true">:$detect_negative,
                       DefaultValuedAttr<BoolAttr, "true">:$detect_positive);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Graph_BitShiftOp : Graph_Op<"bit_shift", [Pure, InferTypeOpAdaptor]> {
  let summary = "ONNX BitShift of unsigned integers, with numpy broadcasting";
  let description = [{
    Shifts each element of `lhs` by the matching element of `rhs`, to the
    left or (logically) to the right.
  }];
  let arguments = (ins AnyRankedTensor:$lhs, AnyRankedTensor:$rhs,
                       BoolAttr:$left);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat =
      "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
}

def Graph_ModOp : Graph_Op<"mod", [Pure, InferTypeOpAdaptor]> {
  let summary = "ONNX Mod with numpy broadcasting";
  let description = [{
    With `fmod` the remainder takes the dividend's sign (C's fmod); without,
    the divisor's (Python's %), which ONNX allows for integers only.
  }];
  let arguments = (ins AnyRankedTensor:$lhs, AnyRankedTensor:$rhs,
                       DefaultValuedAttr<BoolAttr, "false">:$fmod);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat =
      "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
}

/// Activations with ONNX's float parameters (defaults as in ONNX).
class Graph_ActivationOp<string mnemonic, string onnxName, dag parameters>
    : Graph_Op<mnemonic, [Pure, InferTypeOpAdaptor]> {
  let summary = "ONNX " # onnxName # ", elementwise";
  let arguments = !con((ins AnyRankedTensor:$input), parameters);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Graph_LeakyReluOp : Graph_ActivationOp<"leaky_relu", "LeakyRelu",
    (ins DefaultValuedAttr<F32Attr, "0.01">:$alpha)>;
def Graph_EluOp : Graph_ActivationOp<"elu", "Elu",
    (ins DefaultValuedAttr<F32Attr, "1.0">:$alpha)>;
def Graph_CeluOp : Graph_ActivationOp<"celu", "Celu",
    (ins DefaultValuedAttr<F32Attr, "1.0">:$alpha)>;
def Graph_ThresholdedReluOp : Graph_ActivationOp<"thresholded_relu",
    "ThresholdedRelu", (ins DefaultValuedAttr<F32Attr, "1.0">:$alpha)>;
def Graph_SeluOp : Graph_ActivationOp<"selu", "Selu",
    (ins DefaultValuedAttr<F32Attr, "1.67326319217681884765625">:$alpha,
         DefaultValuedAttr<F32Attr, "1.05070102214813232421875">:$gamma)>;
def Graph_HardSigmoidOp : Graph_ActivationOp<"hard_sigmoid", "HardSigmoid",
    (ins DefaultValuedAttr<F32Attr, "0.2">:$alpha,
         DefaultValuedAttr<F32Attr, "0.5">:$beta)>;
def Graph_ShrinkOp : Graph_ActivationOp<"shrink", "Shrink",
    (ins DefaultValuedAttr<F32Attr, "0.5">:$lambd,
         DefaultValuedAttr<F32Attr, "0.0">:$bias)>;

def Graph_ClipOp : Graph_Op<"clip", [Pure, InferTypeOpAdaptor]> {
  let summary = "ONNX Clip with compile-time bounds";
  let description = [{
    Clamps every element to [min, max]; an absent bound is unbounded. The
    importer turns Clip-11's optional min/max inputs into these attributes.
  }];
  let arguments = (ins AnyRankedTensor:$input, OptionalAttr<F64Attr>:$min,
                       OptionalAttr<F64Attr>:$max);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Graph_CastOp : Graph_Op<"cast", [Pure]> {
  let summary = "ONNX Cast: convert every element to the result's type";
  let arguments = (ins AnyRankedTensor:$input);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Graph_RequantizeOp : Graph_Op<"requantize", [Pure]> {
  let summary = "Fixed-point rescaling of int32 accumulators to int8";
  let description = [{
    The integer path's requantization (TFLite's int8 scheme): each int32
    element `a` of channel `c` (the index along `axis`; one multiplier and
    shift for all when they have one entry) becomes

        clamp(zero_point + ((a * multiplier[c] + 2^(shift[c]-1)) >> shift[c]),
              min, max)

    with a 64-bit product and an arithmetic shift, so it rounds to nearest
    (ties upward) and saturates, with no float. `multiplier[c]` is at least
    0 and `shift[c]` in [1, 62]: the real factor `multiplier * 2^-shift` is
    `scale_in * scale_weight[c] / scale_out`. `min` and `max` are the
    clamp, in the int8 range; a folded ReLU or ReLU6 narrows them.

    ```mlir
    %y = graph.requantize %acc {axis = 1 : i64, multiplier = array<i32: 1518500250>,
           shift = array<i32: 38>, zero_point = -128 : i32, min = -128 : i32,
           max = 127 : i32} : (tensor<1x8x4x4xi32>) -> tensor<1x8x4x4xi8>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, I64Attr:$axis,
                       DenseI32ArrayAttr:$multiplier, DenseI32ArrayAttr:$shift,
                       I32Attr:$zero_point, I32Attr:$min, I32Attr:$max);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Contractions
//===----------------------------------------------------------------------===//

def Graph_MatMulOp : Graph_Op<"matmul", [Pure, InferTypeOpAdaptorWithIsCompatible]> {
  let summary = "ONNX MatMul (numpy matmul: batch dimensions broadcast)";
  let description = [{
    Folds to zeros when one operand is all zeros and the other is a constant
    with finite values (a recurrent cell's zero initial state times its
    weights), since 0 * x is then exactly 0.

    Two int8 operands may give an int32 result: the products of the integer
    path (strata-quantize), sign-extended and accumulated in int32.
  }];
  let arguments = (ins AnyRankedTensor:$lhs, AnyRankedTensor:$rhs);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat =
      "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Graph_GemmOp : Graph_Op<"gemm", [Pure, InferTypeOpAdaptor]> {
  let summary = "ONNX Gemm: alpha * op(A) * op(B) + beta * C";
  let arguments = (ins AnyRankedTensor:$a, AnyRankedTensor:$b,
                       Optional<AnyRankedTensor>:$c,
                       DefaultValuedAttr<F32Attr, "1.0">:$alpha,
                       DefaultValuedAttr<F32Attr, "1.0">:$beta,
                       DefaultValuedAttr<BoolAttr, "false">:$trans_a,
                       DefaultValuedAttr<BoolAttr, "false">:$trans_b);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def Graph_ConvOp : Graph_Op<"conv", [Pure, InferTypeOpAdaptorWithIsCompatible]> {
  let summary = "ONNX Conv (1-D to 3-D, NCHW, grouped and depthwise)";
  let description = [{
    `pads` holds every begin then every end (ONNX order); the importer has
    already resolved auto_pad against the static input shape. An int8 input
    and weight may give an int32 result (and bias), accumulated in int32
    (strata-quantize's integer kernels; 1-D and 2-D convolutions); the
    padding is then int8 zeros.

    ```mlir
    %y = graph.conv %x, %w, %b {strides = array<i64: 2, 2>,
           pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>,
           group = 1 : i64}
         : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>)
           -> tensor<1x4x4x4xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$weight,
                       Optional<AnyRankedTensor>:$bias,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations,
                       DefaultValuedAttr<I64Attr, "1">:$group);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

//===----------------------------------------------------------------------===//
// Pooling and normalization
//===----------------------------------------------------------------------===//

def Graph_MaxPoolOp : Graph_Op<"max_pool", [Pure, InferTypeOpAdaptor]> {
  let summary = "ONNX MaxPool (values only, NCHW)";
  let arguments = (ins AnyRankedTensor:$input,
                       DenseI64ArrayAttr:$kernel_shape, DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$pads, DenseI64ArrayAttr:$dilations,
                       DefaultValuedAttr<BoolAttr, "false">:$ceil_mode);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Graph_MaxPoolIndicesOp : Graph_Op<"max_pool_indices",
    [Pure, InferTypeOpAdaptor]> {
  let summary = "ONNX MaxPool's Indices output: where each window's maximum is";
  let description = [{
    For each output position of the max_pool with the same attributes, the
    flattened index into the input of the first maximum in the window:
    ((n * C + c) * H + h) * W + w, or with `column_major` (ONNX's
    storage_order = 1) (n * C + c) * H * W + w * H + h. Padding never wins.
  }];
  let arguments = (ins AnyRankedTensor:$input,
                       DenseI64ArrayAttr:$kernel_shape, DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$pads, DenseI64ArrayAttr:$dilations,
                       DefaultValuedAttr<BoolAttr, "false">:$ceil_mode,
                       DefaultValuedAttr<BoolAttr, "false">:$column_major);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Graph_AveragePoolOp : Graph_Op<"average_pool", [Pure, InferTypeOpAdaptor]> {
  let summary = "ONNX AveragePool (NCHW)";
  let arguments = (ins AnyRankedTensor:$input,
                       DenseI64ArrayAttr:$kernel_shape, DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$pads,
                       DefaultValuedAttr<BoolAttr, "false">:$ceil_mode,
                       DefaultValuedAttr<BoolAttr, "false">:$count_include_pad);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Graph_GlobalAveragePoolOp : Graph_Op<"global_average_pool", [Pure, InferTypeOpAdaptor]> {
  let summary = "ONNX GlobalAveragePool: the mean over every spatial axis";
  let arguments = (ins AnyRankedTensor:$input);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Graph_BatchNormalizationOp : Graph_Op<"batch_normalization",
    [Pure, InferTypeOpAdaptor]> {
  let summary = "ONNX BatchNormalization in inference mode";
  let description = [{
    `(x - mean) / sqrt(var + epsilon) * scale + bias` per channel (axis 1).
    Training mode (the running-statistics outputs) is not represented.
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$scale,
                       AnyRankedTensor:$bias, AnyRankedTensor:$mean,
                       AnyRankedTensor:$variance,
                       DefaultValuedAttr<F32Attr, "1.0e-5">:$epsilon);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def Graph_SoftmaxOp : Graph_Op<"softmax", [Pure, InferTypeOpAdaptor]> {
  let summary = "ONNX Softmax (opset 13 semantics: along one axis)";
  let arguments = (ins AnyRankedTensor:$input,
                       DefaultValuedAttr<I64Attr, "-1">:$axis);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Graph_LogSoftmaxOp : Graph_Op<"log_softmax",
    [Pure, InferTypeOpAdaptor]> {
  let summary = "ONNX LogSoftmax (opset 13 semantics: along one axis)";
  let arguments = (ins AnyRankedTensor:$input,
                       DefaultValuedAttr<I64Attr, "-1">:$axis);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

/// ONNX Reduce*: `axes` lists every reduced axis (the importer expands ONNX's
/// "empty means all"); `keepdims` keeps them with extent 1.
class Graph_ReduceOp<string mnemonic, string onnxName>
    : Graph_Op<mnemonic, [Pure, InferTypeOpAdaptor]> {
  let summary = "ONNX " # onnxName # " over the listed axes";
  let arguments = (ins AnyRankedTensor:$input, DenseI64ArrayAttr:$axes,
                       DefaultValuedAttr<BoolAttr, "true">:$keepdims);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Graph_ReduceSumOp : Graph_ReduceOp<"reduce_sum", "ReduceSum">;
def Graph_ReduceMeanOp : Graph_ReduceOp<"reduce_mean", "ReduceMean">;
def Graph_ReduceMaxOp : Graph_ReduceOp<"reduce_max", "ReduceMax">;
def Graph_ReduceMinOp : Graph_ReduceOp<"reduce_min", "ReduceMin">;
def Graph_ReduceProdOp : Graph_ReduceOp<"reduce_prod", "ReduceProd">;
def Graph_ReduceSumSquareOp : Graph_ReduceOp<"reduce_sum_square", "ReduceSumSquare">;
def Graph_ReduceL1Op : Graph_ReduceOp<"reduce_l1", "ReduceL1">;
def Graph_ReduceL2Op : Graph_ReduceOp<"reduce_l2", "ReduceL2">;
def Graph_ReduceLogSumOp : Graph_ReduceOp<"reduce_log_sum", "ReduceLogSum">;
def Graph_ReduceLogSumExpOp : Graph_ReduceOp<"reduce_log_sum_exp", "ReduceLogSumExp">;

/// ONNX ArgMax/ArgMin: int64 indices of the extreme along one axis.
class Graph_ArgExtremeOp<string mnemonic, string onnxName>
    : Graph_Op<mnemonic, [Pure, InferTypeOpAdaptor]> {
  let summary = "ONNX " # onnxName # " along one axis (int64 indices)";
  let arguments = (ins AnyRankedTensor:$input,
                       DefaultValuedAttr<I64Attr, "0">:$axis,
                       DefaultValuedAttr<BoolAttr, "true">:$keepdims,
                       DefaultValuedAttr<BoolAttr, "false">:$select_last_index);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Graph_ArgMaxOp : Graph_ArgExtremeOp<"arg_max", "ArgMax">;
def Graph_ArgMinOp : Graph_ArgExtremeOp<"arg_min", "ArgMin">;

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

def Graph_ReshapeOp : Graph_Op<"reshape", [Pure]> {
  let summary = "ONNX Reshape to the (static) result type";
  let description = [{
    The target shape is the result type: the importer folds ONNX's shape
    operand (0 and -1 entries included) into it.
  }];
  let arguments = (ins AnyRankedTensor:$input);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Graph_PadOp : Graph_Op<"pad", [Pure, InferTypeOpAdaptor]> {
  let summary = "ONNX Pad: constant, reflect or edge padding of every axis";
  let description = [{
    `pads` holds every axis's leading count, then every trailing count (ONNX
    order), all non-negative: the importer turns ONNX's negative pads into a
    Slice first. `value` is the rank-0 fill of `constant` mode; `reflect`
    mirrors without repeating the border (pads must stay below the axis
    extent) and `edge` repeats it.

    ```mlir
    %y = graph.pad %x, %zero {pads = array<i64: 0, 1, 0, 2>, mode = "reflect"}
         : (tensor<3x4xf32>, tensor<f32>) -> tensor<3x7xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$value,
                       DenseI64ArrayAttr:$pads,
                       DefaultValuedAttr<StrAttr, "\"constant\"">:$mode);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat =
      "$input `,` $value attr-dict `:` functional-type(operands, results)";
}

def Graph_FlattenOp : Graph_Op<"flatten", [Pure, InferTypeOpAdaptor]> {
  let summary = "ONNX Flatten: a 2-D view split at `axis`";
  let arguments = (ins AnyRankedTensor:$input,
                       DefaultValuedAttr<I64Attr, "1">:$axis);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Graph_SqueezeOp : Graph_Op<"squeeze", [Pure, InferTypeOpAdaptor]> {
  let summary = "ONNX Squeeze: drop the unit axes listed in `axes`";
  let arguments = (ins AnyRankedTensor:$input, DenseI64ArrayAttr:$axes);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Graph_UnsqueezeOp : Graph_Op<"unsqueeze", [Pure, InferTypeOpAdaptor]> {
  let summary = "ONNX Unsqueeze: insert unit axes at `axes` of the result";
  let arguments = (ins AnyRankedTensor:$input, DenseI64ArrayAttr:$axes);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Graph_ExpandOp : Graph_Op<"expand", [Pure]> {
  let summary = "ONNX Expand: broadcast the input to the (static) result type";
  let description = [{
    The target shape is the result type: the importer folds ONNX's shape
    operand into it (it broadcasts with the input's shape, as ONNX says).
  }];
  let arguments = (ins AnyRankedTensor:$input);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Graph_TransposeOp : Graph_Op<"transpose", [Pure, InferTypeOpAdaptor]> {
  let summary = "ONNX Transpose: result axis i is input axis perm[i]";
  let arguments = (ins AnyRankedTensor:$input, DenseI64ArrayAttr:$perm);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Graph_ConcatOp : Graph_Op<"concat", [Pure, InferTypeOpAdaptor]> {
  let summary = "ONNX Concat along `axis`";
  let arguments = (ins Variadic<AnyRankedTensor>:$inputs, I64Attr:$axis);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$inputs attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Graph_SliceOp : Graph_Op<"slice", [Pure, InferTypeOpAdaptor]> {
  let summary = "ONNX Slice with compile-time starts, ends, axes and steps";
  let description = [{
    Attributes carry ONNX's values unchanged (negative indices and clamping
    included); `axes` lists one entry per start/end/step.
  }];
  let arguments = (ins AnyRankedTensor:$input, DenseI64ArrayAttr:$starts,
                       DenseI64ArrayAttr:$ends, DenseI64ArrayAttr:$axes,
                       DenseI64ArrayAttr:$steps);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Graph_GatherOp : Graph_Op<"gather", [Pure, InferTypeOpAdaptor]> {
  let summary = "ONNX Gather: pick entries of `input` along `axis`";
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$indices,
                       DefaultValuedAttr<I64Attr, "0">:$axis);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat =
      "$input `,` $indices attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Graph_GatherElementsOp : Graph_Op<"gather_elements",
    [Pure, InferTypeOpAdaptor]> {
  let summary = "ONNX GatherElements: per-element picks along `axis`";
  let description = [{
    result[i][j][k] = input[indices[i][j][k]][j][k] for axis 0 (likewise for
    other axes); the result has the indices' shape.
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$indices,
                       DefaultValuedAttr<I64Attr, "0">:$axis);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat =
      "$input `,` $indices attr-dict `:` functional-type(operands, results)";
}

def Graph_GatherNDOp : Graph_Op<"gather_nd", [Pure, InferTypeOpAdaptor]> {
  let summary = "ONNX GatherND: slices picked by index tuples";
  let description = [{
    The last axis of `indices` holds k coordinates into `input` (after
    `batch_dims` leading axes that both share); the result has shape
    indices[:-1] + input[batch_dims + k:].
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$indices,
                       DefaultValuedAttr<I64Attr, "0">:$batch_dims);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat =
      "$input `,` $indices attr-dict `:` functional-type(operands, results)";
}

def Graph_ScatterElementsOp : Graph_Op<"scatter_elements",
    [Pure, InferTypeOpAdaptor]> {
  let summary = "ONNX ScatterElements: `input` with `updates` written along `axis`";
  let description = [{
    result = input, then result[.., indices[i][j], ..] = updates[i][j] (or
    combined with it: `reduction` is none, add or mul) for every position of
    `updates`, in order.
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$indices,
                       AnyRankedTensor:$updates,
                       DefaultValuedAttr<I64Attr, "0">:$axis,
                       DefaultValuedAttr<StrAttr, "\"none\"">:$reduction);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def Graph_ScatterNDOp : Graph_Op<"scatter_nd", [Pure, InferTypeOpAdaptor]> {
  let summary = "ONNX ScatterND: `input` with slices replaced at index tuples";
  let description = [{
    For every position u of indices[:-1], the slice of the result at the
    tuple indices[u] becomes updates[u] (or is combined with it: `reduction`
    is none, add or mul), in order.
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$indices,
                       AnyRankedTensor:$updates,
                       DefaultValuedAttr<StrAttr, "\"none\"">:$reduction);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def Graph_GridSampleOp : Graph_Op<"grid_sample", [Pure, InferTypeOpAdaptor]> {
  let summary = "ONNX GridSample: sample an NCHW input at normalized grid points";
  let description = [{
    `grid` [N, H_out, W_out, 2] holds (x, y) in [-1, 1] per output point;
    `mode` is bilinear, nearest or bicubic, `padding_mode` zeros, border or
    reflection, as in PyTorch's grid_sample (which ONNX follows).
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$grid,
                       DefaultValuedAttr<StrAttr, "\"bilinear\"">:$mode,
                       DefaultValuedAttr<StrAttr, "\"zeros\"">:$padding_mode,
                       DefaultValuedAttr<BoolAttr, "false">:$align_corners);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat =
      "$input `,` $grid attr-dict `:` functional-type(operands, results)";
}

def Graph_TriluOp : Graph_Op<"trilu", [Pure, InferTypeOpAdaptor]> {
  let summary = "ONNX Trilu: keep the upper or lower triangle of the last two axes";
  let description = [{
    Keeps element (i, j) when j - i >= k (upper) or j - i <= k (lower) and
    zeroes the rest; `k` is the importer-folded diagonal offset.
  }];
  let arguments = (ins AnyRankedTensor:$input,
                       DefaultValuedAttr<BoolAttr, "true">:$upper,
                       DefaultValuedAttr<I64Attr, "0">:$k);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

//===----------------------------------------------------------------------===//
// Recurrent
//===----------------------------------------------------------------------===//

def Graph_LSTMOp : Graph_Op<"lstm",
    [Pure, AttrSizedOperandSegments, InferTypeOpAdaptor]> {
  let summary = "ONNX LSTM (time-major, default activations)";
  let description = [{
    Gate order i, o, f, c as in ONNX; optional `peepholes` [directions,
    3 x hidden] (P_i, P_o, P_f) add the cell state to the gates. `direction`
    is forward, reverse or bidirectional (then W, R, B and the initial states
    carry two leading entries). Results: Y [seq, directions, batch, hidden], Y_h and Y_c
    [directions, batch, hidden]. The strata-graph-decompose-recurrent pass unrolls it
    over the (static) sequence into matmuls and elementwise ops.
  }];
  let arguments = (ins AnyRankedTensor:$x, AnyRankedTensor:$w, AnyRankedTensor:$r,
                       Optional<AnyRankedTensor>:$b,
                       Optional<AnyRankedTensor>:$initial_h,
                       Optional<AnyRankedTensor>:$initial_c,
                       Optional<AnyRankedTensor>:$peepholes,
                       I64Attr:$hidden_size,
                       DefaultValuedAttr<StrAttr, "\"forward\"">:$direction);
  let results = (outs AnyRankedTensor:$y, AnyRankedTensor:$y_h,
                      AnyRankedTensor:$y_c);
  let assemblyFormat = [{
    $x `,` $w `,` $r (`bias` $b^)? (`initial_h` $initial_h^)?
    (`initial_c` $initial_c^)? (`peepholes` $peepholes^)? attr-dict `:`
    functional-type(operands, results)
  }];
}

def Graph_GRUOp : Graph_Op<"gru",
    [Pure, AttrSizedOperandSegments, InferTypeOpAdaptor]> {
  let summary = "ONNX GRU (time-major, default activations)";
  let description = [{
    Gate order z, r, h as in ONNX; `linear_before_reset` applies the reset
    gate after the recurrent matmul of the hidden gate. Results: Y [seq,
    directions, batch, hidden] and Y_h [directions, batch, hidden]; unrolled
    by strata-graph-decompose-recurrent.
  }];
  let arguments = (ins AnyRankedTensor:$x, AnyRankedTensor:$w, AnyRankedTensor:$r,
                       Optional<AnyRankedTensor>:$b,
                       Optional<AnyRankedTensor>:$initial_h,
                       I64Attr:$hidden_size,
                       DefaultValuedAttr<StrAttr, "\"forward\"">:$direction,
                       DefaultValuedAttr<BoolAttr, "false">:$linear_before_reset);
  let results = (outs AnyRankedTensor:$y, AnyRankedTensor:$y_h);
  let assemblyFormat = [{
    $x `,` $w `,` $r (`bias` $b^)? (`initial_h` $initial_h^)?
    attr-dict `:` functional-type(operands, results)
  }];
}

def Graph_RNNOp : Graph_Op<"rnn",
    [Pure, AttrSizedOperandSegments, InferTypeOpAdaptor]> {
  let summary = "ONNX RNN (time-major, tanh)";
  let description = [{
    h' = tanh(x W^T + h R^T + Wb + Rb). Results: Y [seq, directions, batch,
    hidden] and Y_h [directions, batch, hidden]; unrolled by
    strata-graph-decompose-recurrent.
  }];
  let arguments = (ins AnyRankedTensor:$x, AnyRankedTensor:$w, AnyRankedTensor:$r,
                       Optional<AnyRankedTensor>:$b,
                       Optional<AnyRankedTensor>:$initial_h,
                       I64Attr:$hidden_size,
                       DefaultValuedAttr<StrAttr, "\"forward\"">:$direction);
  let results = (outs AnyRankedTensor:$y, AnyRankedTensor:$y_h);
  let assemblyFormat = [{
    $x `,` $w `,` $r (`bias` $b^)? (`initial_h` $initial_h^)?
    attr-dict `:` functional-type(operands, results)
  }];
}

#endif // STRATA_GRAPH_OPS
