"""make_models.py - writes the small ONNX files the compiler lit tests use.

Tests build their inputs at run time instead of checking binary models in:
`make_models.py OUT_DIR NAME...` writes OUT_DIR/NAME.onnx for each NAME
below (plus `corrupt`, `truncated` and `empty`, which are broken on purpose).
A model with a `NAME_reference` numpy function also gets NAME.input.npy and
NAME.expected.npy for compare_output.py.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def tensor(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


def model(nodes, inputs, outputs, initializers=(), opset=13):
    graph = helper.make_graph(nodes, "test", inputs, outputs, list(initializers))
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 8
    return m


def weights(name, shape, seed):
    rng = np.random.default_rng(seed)
    return numpy_helper.from_array(rng.standard_normal(shape).astype(np.float32), name)


def tiny_mlp():
    """y = relu(x W^T + b): Gemm with transB, then Relu."""
    return model(
        [helper.make_node("Gemm", ["x", "w", "b"], ["h"], name="fc", transB=1),
         helper.make_node("Relu", ["h"], ["y"], name="act")],
        [tensor("x", TensorProto.FLOAT, [1, 4])],
        [tensor("y", TensorProto.FLOAT, [1, 3])],
        [weights("w", [3, 4], 1), weights("b", [3], 2)])


def wide_matmul():
    """y = relu(x W): 64x256 by 256x256, 4M multiply-adds, so hosted targets
    spread it over threads."""
    return model(
        [helper.make_node("MatMul", ["x", "w"], ["h"], name="matmul"),
         helper.make_node("Relu", ["h"], ["y"], name="act")],
        [tensor("x", TensorProto.FLOAT, [64, 256])],
        [tensor("y", TensorProto.FLOAT, [64, 256])],
        [weights("w", [256, 256], 3)])


def wide_exp():
    """y = exp(x) on 512x256: 2^17 elements, which hosted targets spread over
    threads (elementwise iterations weigh 2), so the Halide path leaves it."""
    return model(
        [helper.make_node("Exp", ["x"], ["y"], name="exp")],
        [tensor("x", TensorProto.FLOAT, [512, 256])],
        [tensor("y", TensorProto.FLOAT, [512, 256])])


def row_sums():
    """y = ReduceSum(x, axis 2) on 1x64x125: a reduction whose result is the
    model's output, so it is written to the caller's (unaligned) buffer."""
    return model(
        [helper.make_node("ReduceSum", ["x", "axes"], ["y"], name="sum", keepdims=0)],
        [tensor("x", TensorProto.FLOAT, [1, 64, 125])],
        [tensor("y", TensorProto.FLOAT, [1, 64])],
        [helper.make_tensor("axes", TensorProto.INT64, [1], [2])])


def row_sums_reference(x):
    return x.sum(axis=2)


def symbolic_batch():
    """A leading symbolic dimension ('N') that defaults to 1."""
    return model(
        [helper.make_node("Relu", ["x"], ["y"], name="act")],
        [tensor("x", TensorProto.FLOAT, ["N", 8])],
        [tensor("y", TensorProto.FLOAT, ["N", 8])])


def symbolic_inner():
    """A symbolic dimension that is not the batch: must be bound."""
    return model(
        [helper.make_node("Relu", ["x"], ["y"], name="act")],
        [tensor("x", TensorProto.FLOAT, [1, "T"])],
        [tensor("y", TensorProto.FLOAT, [1, "T"])])


def unsupported():
    """Two unsupported op types, one of them on two nodes."""
    return model(
        [helper.make_node("Det", ["x"], ["a"], name="det_1"),
         helper.make_node("Det", ["x"], ["b"], name="det_2"),
         helper.make_node("Add", ["a", "b"], ["y"], name="add"),
         helper.make_node("Multinomial", ["logits"], ["samples"], name="sample",
                          sample_size=2)],
        [tensor("x", TensorProto.FLOAT, [2, 2]),
         tensor("logits", TensorProto.FLOAT, [1, 4])],
        [tensor("y", TensorProto.FLOAT, []),
         tensor("samples", TensorProto.INT32, [1, 2])])


def unsupported_attributes():
    """Supported op types with attribute values that are not: two LSTMs with
    custom activations, a Resize with an unknown mode, and a node that
    depends on a failed one (skipped, not reported)."""
    rng = np.random.default_rng(3)
    def lstm(name, out):
        return helper.make_node("LSTM", ["x", "w", "r"], [out], name=name, hidden_size=2,
                                activations=["Relu", "Tanh", "Tanh"])
    return model(
        [lstm("lstm_a", "ya"), lstm("lstm_b", "yb"),
         helper.make_node("Relu", ["ya"], ["za"], name="after_a"),
         helper.make_node("Resize", ["img", "", "scales"], ["big"], name="up", mode="area")],
        [tensor("x", TensorProto.FLOAT, [3, 1, 4]),
         tensor("img", TensorProto.FLOAT, [1, 1, 2, 2])],
        [tensor("za", TensorProto.FLOAT, [3, 1, 1, 2]),
         tensor("yb", TensorProto.FLOAT, [3, 1, 1, 2]),
         tensor("big", TensorProto.FLOAT, [1, 1, 4, 4])],
        [numpy_helper.from_array(rng.standard_normal((1, 8, 4)).astype(np.float32), "w"),
         numpy_helper.from_array(rng.standard_normal((1, 8, 2)).astype(np.float32), "r"),
         numpy_helper.from_array(np.array([1, 1, 2, 2], np.float32), "scales")])


def conv_same_upper():
    """Conv with auto_pad=SAME_UPPER and stride 2: pads become explicit."""
    return model(
        [helper.make_node("Conv", ["x", "w"], ["y"], name="conv",
                          auto_pad="SAME_UPPER", strides=[2, 2])],
        [tensor("x", TensorProto.FLOAT, [1, 2, 5, 5])],
        [tensor("y", TensorProto.FLOAT, [1, 3, 3, 3])],
        [weights("w", [3, 2, 3, 3], 3)])


def shape_arithmetic():
    """Shape -> Gather -> Unsqueeze -> Concat -> Reshape: folds to constants."""
    return model(
        [helper.make_node("Shape", ["x"], ["s"], name="shape"),
         helper.make_node("Gather", ["s", "zero"], ["n"], name="batch", axis=0),
         helper.make_node("Unsqueeze", ["n", "axes"], ["n1"], name="unsqueeze"),
         helper.make_node("Concat", ["n1", "minus_one"], ["target"], name="concat",
                          axis=0),
         helper.make_node("Reshape", ["x", "target"], ["y"], name="reshape")],
        [tensor("x", TensorProto.FLOAT, [2, 3, 4])],
        [tensor("y", TensorProto.FLOAT, [2, 12])],
        [numpy_helper.from_array(np.array(0, dtype=np.int64), "zero"),
         numpy_helper.from_array(np.array([0], dtype=np.int64), "axes"),
         numpy_helper.from_array(np.array([-1], dtype=np.int64), "minus_one")])


def clip11():
    """Clip-11 with constant min/max inputs: they become attributes."""
    return model(
        [helper.make_node("Constant", [], ["lo"], name="lo",
                          value=numpy_helper.from_array(np.array(0.0, np.float32))),
         helper.make_node("Constant", [], ["hi"], name="hi",
                          value=numpy_helper.from_array(np.array(6.0, np.float32))),
         helper.make_node("Clip", ["x", "lo", "hi"], ["y"], name="relu6")],
        [tensor("x", TensorProto.FLOAT, [1, 8])],
        [tensor("y", TensorProto.FLOAT, [1, 8])])


def softmax_opset11():
    """Softmax-11 on axis 1 of a 3-D input normalizes over the trailing block."""
    return model(
        [helper.make_node("Softmax", ["x"], ["y"], name="softmax", axis=1)],
        [tensor("x", TensorProto.FLOAT, [2, 3, 4])],
        [tensor("y", TensorProto.FLOAT, [2, 3, 4])], opset=11)


def softmax_wide():
    """Softmax over the last axis of 4x32x32 (attention scores): 4096
    elements, large enough for the Halide path's cost model."""
    return model(
        [helper.make_node("Softmax", ["x"], ["y"], name="softmax", axis=-1)],
        [tensor("x", TensorProto.FLOAT, [4, 32, 32])],
        [tensor("y", TensorProto.FLOAT, [4, 32, 32])])


def softmax_wide_reference(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def gemm_relu_batch():
    """y = relu(x W^T + b) on 8 rows of 16: 256 outputs for --quantize's
    bit-exactness check."""
    return model(
        [helper.make_node("Gemm", ["x", "w", "b"], ["h"], name="fc", transB=1),
         helper.make_node("Relu", ["h"], ["y"], name="act")],
        [tensor("x", TensorProto.FLOAT, [8, 16])],
        [tensor("y", TensorProto.FLOAT, [8, 32])],
        [weights("w", [32, 16], 5), weights("b", [32], 6)])


def gemm_ten_classes():
    """A classifier's Gemm to 10 outputs on 8 rows of 16: on a dot product
    it becomes a 1x1 convolution whose 10 output channels are no whole
    vector, so its tiles are no kernel and compute from the filter as it
    is."""
    return model(
        [helper.make_node("Gemm", ["x", "w", "b"], ["y"], name="fc", transB=1)],
        [tensor("x", TensorProto.FLOAT, [8, 16])],
        [tensor("y", TensorProto.FLOAT, [8, 10])],
        [weights("w", [10, 16], 7), weights("b", [10], 8)])


def conv_branches():
    """Three Conv(+Relu) branches of a [1, 16, 9, 9] input, for --quantize's
    bit-exactness check of int8 convolutions: a 3x3 (whole vectors of output
    channels), a 1x1 to 24 channels (half vectors on AVX-512) and a 3x3 of
    stride 2."""
    return model(
        [helper.make_node("Conv", ["x", "wa", "ba"], ["ha"], name="conv_a",
                          kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
         helper.make_node("Relu", ["ha"], ["ya"], name="relu_a"),
         helper.make_node("Conv", ["x", "wb", "bb"], ["yb"], name="conv_b",
                          kernel_shape=[1, 1]),
         helper.make_node("Conv", ["x", "wc", "bc"], ["hc"], name="conv_c",
                          kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[2, 2]),
         helper.make_node("Relu", ["hc"], ["yc"], name="relu_c")],
        [tensor("x", TensorProto.FLOAT, [1, 16, 9, 9])],
        [tensor("ya", TensorProto.FLOAT, [1, 32, 9, 9]),
         tensor("yb", TensorProto.FLOAT, [1, 24, 9, 9]),
         tensor("yc", TensorProto.FLOAT, [1, 32, 5, 5])],
        [weights("wa", [32, 16, 3, 3], 11), weights("ba", [32], 12),
         weights("wb", [24, 16, 1, 1], 13), weights("bb", [24], 14),
         weights("wc", [32, 16, 3, 3], 15), weights("bc", [32], 16)])


def conv_first_layer():
    """A first layer: Conv 7x7 of stride 2 over 3 input channels, and Relu."""
    return model(
        [helper.make_node("Conv", ["x", "w", "b"], ["h"], name="conv",
                          kernel_shape=[7, 7], pads=[3, 3, 3, 3], strides=[2, 2]),
         helper.make_node("Relu", ["h"], ["y"], name="relu")],
        [tensor("x", TensorProto.FLOAT, [1, 3, 12, 12])],
        [tensor("y", TensorProto.FLOAT, [1, 32, 6, 6])],
        [weights("w", [32, 3, 7, 7], 17), weights("b", [32], 18)])


def conv_one_channel():
    """One input channel by a 3x4 filter of stride 2 (a KWS first layer):
    each filter row's 4 taps are one group of 4 bytes for the dot
    products."""
    return model(
        [helper.make_node("Conv", ["x", "w", "b"], ["h"], name="conv",
                          kernel_shape=[3, 4], pads=[1, 1, 1, 1], strides=[2, 2]),
         helper.make_node("Relu", ["h"], ["y"], name="relu")],
        [tensor("x", TensorProto.FLOAT, [1, 1, 12, 10])],
        [tensor("y", TensorProto.FLOAT, [1, 16, 6, 5])],
        [weights("w", [16, 1, 3, 4], 19), weights("b", [16], 20)])


def conv_wide():
    """conv_branches' 3x3 and 1x1 and a depthwise 3x3 (16 groups) on a
    [1, 16, 40, 40] input: large enough that their tiles run in a parallel
    loop (scf.forall), where each iteration's int32 accumulator tile needs
    a buffer of its own."""
    return model(
        [helper.make_node("Conv", ["x", "wa", "ba"], ["ha"], name="conv_a",
                          kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
         helper.make_node("Relu", ["ha"], ["ya"], name="relu_a"),
         helper.make_node("Conv", ["x", "wb", "bb"], ["yb"], name="conv_b",
                          kernel_shape=[1, 1]),
         helper.make_node("Conv", ["x", "wd", "bd"], ["hd"], name="conv_d",
                          kernel_shape=[3, 3], pads=[1, 1, 1, 1], group=16),
         helper.make_node("Relu", ["hd"], ["yd"], name="relu_d")],
        [tensor("x", TensorProto.FLOAT, [1, 16, 40, 40])],
        [tensor("ya", TensorProto.FLOAT, [1, 64, 40, 40]),
         tensor("yb", TensorProto.FLOAT, [1, 32, 40, 40]),
         tensor("yd", TensorProto.FLOAT, [1, 16, 40, 40])],
        [weights("wa", [64, 16, 3, 3], 31), weights("ba", [64], 32),
         weights("wb", [32, 16, 1, 1], 33), weights("bb", [32], 34),
         weights("wd", [16, 1, 3, 3], 35), weights("bd", [16], 36)])


def tiny_conv():
    """Four inputs as [1, 1, 2, 2] (examples/cmake-consumer's main.c feeds
    4 floats): a 1x1 Conv to 16 channels, Relu, a 1x1 Conv to 2, for
    strata_add_model's PRUNE."""
    return model(
        [helper.make_node("Conv", ["x", "w1"], ["h"], name="conv1", kernel_shape=[1, 1]),
         helper.make_node("Relu", ["h"], ["r"], name="relu"),
         helper.make_node("Conv", ["r", "w2"], ["y"], name="conv2", kernel_shape=[1, 1])],
        [tensor("x", TensorProto.FLOAT, [1, 1, 2, 2])],
        [tensor("y", TensorProto.FLOAT, [1, 2, 2, 2])],
        [weights("w1", [16, 1, 1, 1], 51), weights("w2", [2, 16, 1, 1], 52)])


def prune_block():
    """A residual block and a classifier for --prune=channels: conv1 (8 to
    32, 3x3) and ReLU feed conv2 (32 to 32, 3x3), added to a 1x1 shortcut of
    the input, then ReLU, global average pool, Flatten and a Gemm to 10.
    conv1's channels are one group; conv2's, the shortcut's and the Add's
    another, read by the Gemm."""
    return model(
        [helper.make_node("Conv", ["x", "w1", "b1"], ["h1"], name="conv1",
                          kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
         helper.make_node("Relu", ["h1"], ["r1"], name="relu1"),
         helper.make_node("Conv", ["r1", "w2", "b2"], ["h2"], name="conv2",
                          kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
         helper.make_node("Conv", ["x", "ws", "bs"], ["hs"], name="shortcut",
                          kernel_shape=[1, 1]),
         helper.make_node("Add", ["h2", "hs"], ["s"], name="add"),
         helper.make_node("Relu", ["s"], ["r"], name="relu"),
         helper.make_node("GlobalAveragePool", ["r"], ["p"], name="pool"),
         helper.make_node("Flatten", ["p"], ["f"], name="flatten", axis=1),
         helper.make_node("Gemm", ["f", "wf", "bf"], ["y"], name="fc", transB=1)],
        [tensor("x", TensorProto.FLOAT, [1, 8, 6, 6])],
        [tensor("y", TensorProto.FLOAT, [1, 10])],
        [weights("w1", [32, 8, 3, 3], 41), weights("b1", [32], 42),
         weights("w2", [32, 32, 3, 3], 43), weights("b2", [32], 44),
         weights("ws", [32, 8, 1, 1], 45), weights("bs", [32], 46),
         weights("wf", [10, 32], 47), weights("bf", [10], 48)])


def conv_residual():
    """relu(relu(conv3x3(x)) + conv1x1(x)): a residual Add of two quantized
    convolutions' int8 outputs, with its ReLU."""
    return model(
        [helper.make_node("Conv", ["x", "wa", "ba"], ["ha"], name="conv_a",
                          kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
         helper.make_node("Relu", ["ha"], ["ra"], name="relu_a"),
         helper.make_node("Conv", ["x", "wb", "bb"], ["hb"], name="conv_b",
                          kernel_shape=[1, 1]),
         helper.make_node("Add", ["ra", "hb"], ["s"], name="add"),
         helper.make_node("Relu", ["s"], ["y"], name="relu")],
        [tensor("x", TensorProto.FLOAT, [1, 16, 9, 9])],
        [tensor("y", TensorProto.FLOAT, [1, 32, 9, 9])],
        [weights("wa", [32, 16, 3, 3], 21), weights("ba", [32], 22),
         weights("wb", [32, 16, 1, 1], 23), weights("bb", [32], 24)])


def two_input_matmul():
    """y = a W + b: a MatMul with constant weights on one of two inputs."""
    return model(
        [helper.make_node("MatMul", ["a", "w"], ["p"], name="proj"),
         helper.make_node("Add", ["p", "b"], ["y"], name="sum")],
        [tensor("a", TensorProto.FLOAT, [1, 4]), tensor("b", TensorProto.FLOAT, [1, 3])],
        [tensor("y", TensorProto.FLOAT, [1, 3])],
        [weights("w", [4, 3], 4)])


def two_outputs():
    """Two inputs and two outputs, in model order."""
    return model(
        [helper.make_node("Add", ["a", "b"], ["sum"], name="add"),
         helper.make_node("Mul", ["a", "b"], ["product"], name="mul")],
        [tensor("a", TensorProto.FLOAT, [2, 3]), tensor("b", TensorProto.FLOAT, [3])],
        [tensor("sum", TensorProto.FLOAT, [2, 3]),
         tensor("product", TensorProto.FLOAT, [2, 3])])


def opset9_forms():
    """Attribute forms of opsets before 10/11/13: Slice-1, Squeeze-1,
    Unsqueeze-1, Clip-6 bounds, Softmax-1 over the trailing block."""
    return model(
        [helper.make_node("Slice", ["x"], ["s"], name="slice",
                          starts=[1, 0], ends=[3, 100], axes=[1, 2]),
         helper.make_node("Unsqueeze", ["s"], ["u"], name="unsqueeze", axes=[0]),
         helper.make_node("Squeeze", ["u"], ["q"], name="squeeze", axes=[0]),
         helper.make_node("Clip", ["q"], ["c"], name="clip", min=-0.5, max=0.75),
         helper.make_node("Softmax", ["c"], ["y"], name="softmax", axis=1)],
        [tensor("x", TensorProto.FLOAT, [2, 4, 3])],
        [tensor("y", TensorProto.FLOAT, [2, 2, 3])], opset=9)


def opset9_forms_reference(x):
    c = np.clip(x[:, 1:3, :], -0.5, 0.75).reshape(2, 6)
    e = np.exp(c - c.max(axis=1, keepdims=True))
    return (e / e.sum(axis=1, keepdims=True)).reshape(2, 2, 3)


def opset7_broadcast():
    """Opset 7 introduced numpy broadcasting: Add and Mul on mixed ranks."""
    return model(
        [helper.make_node("Mul", ["x", "scale"], ["m"], name="scale"),
         helper.make_node("Add", ["m", "shift"], ["y"], name="shift")],
        [tensor("x", TensorProto.FLOAT, [2, 3, 4])],
        [tensor("y", TensorProto.FLOAT, [2, 3, 4])],
        [numpy_helper.from_array(np.array([[2.0], [3.0], [4.0]], np.float32), "scale"),
         numpy_helper.from_array(np.array([0.5, -1.0, 0.0, 1.0], np.float32), "shift")],
        opset=7)


def opset7_broadcast_reference(x):
    return x * np.array([[2.0], [3.0], [4.0]], np.float32) + np.array(
        [0.5, -1.0, 0.0, 1.0], np.float32)


def constant_of_shape_int():
    """ConstantOfShape with an int64 value, added to an int64 input."""
    return model(
        [helper.make_node("Constant", [], ["shape"], name="shape",
                          value=numpy_helper.from_array(np.array([2, 3], np.int64))),
         helper.make_node("ConstantOfShape", ["shape"], ["sevens"], name="fill",
                          value=numpy_helper.from_array(np.array([7], np.int64))),
         helper.make_node("Add", ["x", "sevens"], ["y"], name="add")],
        [tensor("x", TensorProto.INT64, [2, 3])],
        [tensor("y", TensorProto.INT64, [2, 3])])


def constant_of_shape_int_reference(x):
    return x + 7


def opset6_legacy_broadcast():
    """Opset 6 Add with broadcast=1, axis=1: b [3] aligns with axis 1 of x."""
    return model(
        [helper.make_node("Add", ["x", "b"], ["y"], name="add", broadcast=1, axis=1)],
        [tensor("x", TensorProto.FLOAT, [2, 3, 4])],
        [tensor("y", TensorProto.FLOAT, [2, 3, 4])],
        [numpy_helper.from_array(np.array([10.0, 20.0, 30.0], np.float32), "b")],
        opset=6)


def opset6_legacy_broadcast_reference(x):
    return x + np.array([10.0, 20.0, 30.0], np.float32)[:, None]


def opset1_concat():
    """Concat-1 without an axis attribute concatenates along axis 1."""
    return model(
        [helper.make_node("Concat", ["x", "c"], ["y"], name="concat")],
        [tensor("x", TensorProto.FLOAT, [2, 3])],
        [tensor("y", TensorProto.FLOAT, [2, 5])],
        [numpy_helper.from_array(np.ones((2, 2), np.float32), "c")], opset=1)


def opset1_concat_reference(x):
    return np.concatenate([x, np.ones((2, 2), np.float32)], axis=1)


def layer_norm():
    """LayerNormalization over the last two axes with scale, bias and the
    Mean / InvStdDev outputs (opset 17)."""
    rng = np.random.default_rng(3)
    return model(
        [helper.make_node("LayerNormalization", ["x", "scale", "bias"],
                          ["y", "mean", "inv_std"], name="ln", axis=-2,
                          epsilon=1e-3)],
        [tensor("x", TensorProto.FLOAT, [2, 3, 4])],
        [tensor("y", TensorProto.FLOAT, [2, 3, 4])],
        [numpy_helper.from_array(rng.standard_normal((3, 4)).astype(np.float32), "scale"),
         numpy_helper.from_array(rng.standard_normal((3, 4)).astype(np.float32), "bias")],
        opset=17)


def layer_norm_reference(x):
    rng = np.random.default_rng(3)
    scale = rng.standard_normal((3, 4)).astype(np.float32)
    bias = rng.standard_normal((3, 4)).astype(np.float32)
    mean = x.mean(axis=(1, 2), keepdims=True)
    var = ((x - mean) ** 2).mean(axis=(1, 2), keepdims=True)
    return (x - mean) / np.sqrt(var + 1e-3) * scale + bias


def split_prelu():
    """Split into unequal parts (opset 13 input), PRelu on one of them."""
    return model(
        [helper.make_node("Split", ["x", "sizes"], ["a", "b"], name="split", axis=1),
         helper.make_node("PRelu", ["b", "slope"], ["y"], name="prelu")],
        [tensor("x", TensorProto.FLOAT, [2, 5])],
        [tensor("y", TensorProto.FLOAT, [2, 3])],
        [numpy_helper.from_array(np.array([2, 3], np.int64), "sizes"),
         numpy_helper.from_array(np.array([0.1, 0.2, 0.3], np.float32), "slope")])


def split_prelu_reference(x):
    b = x[:, 2:]
    return np.where(b < 0, b * np.array([0.1, 0.2, 0.3], np.float32), b)


def reshape_shape_input():
    """Reshape whose target shape is a graph input (an AOT compile must freeze
    it); writes shape.pb, the value to freeze."""
    return model(
        [helper.make_node("Reshape", ["x", "shape"], ["y"], name="reshape")],
        [tensor("x", TensorProto.FLOAT, [2, 6]), tensor("shape", TensorProto.INT64, [2])],
        [tensor("y", TensorProto.FLOAT, [3, 4])])


def softmax_cross_entropy():
    """SoftmaxCrossEntropyLoss with class weights and an ignored label."""
    return model(
        [helper.make_node("SoftmaxCrossEntropyLoss", ["scores", "labels", "w"],
                          ["loss"], name="sce", ignore_index=2)],
        [tensor("scores", TensorProto.FLOAT, [3, 4]),
         tensor("labels", TensorProto.INT64, [3])],
        [tensor("loss", TensorProto.FLOAT, [])],
        [numpy_helper.from_array(np.array([1.0, 2.0, 0.5, 1.5], np.float32), "w")])


def depth_to_space_tile():
    """DepthToSpace (DCR, blocksize 2) then Tile doubling the last axis."""
    return model(
        [helper.make_node("DepthToSpace", ["x"], ["d"], name="d2s", blocksize=2),
         helper.make_node("Tile", ["d", "repeats"], ["y"], name="tile")],
        [tensor("x", TensorProto.FLOAT, [1, 8, 2, 3])],
        [tensor("y", TensorProto.FLOAT, [1, 2, 4, 12])],
        [numpy_helper.from_array(np.array([1, 1, 1, 2], np.int64), "repeats")])


def depth_to_space_tile_reference(x):
    b, c, h, w = x.shape
    d = x.reshape(b, 2, 2, c // 4, h, w).transpose(0, 3, 4, 1, 5, 2)
    return np.tile(d.reshape(b, c // 4, h * 2, w * 2), (1, 1, 1, 2))


def resize_cumsum():
    """Resize (linear, half_pixel, 2x on H and W) then CumSum along W."""
    return model(
        [helper.make_node("Resize", ["x", "", "scales"], ["r"], name="resize", mode="linear"),
         helper.make_node("CumSum", ["r", "axis"], ["y"], name="cumsum")],
        [tensor("x", TensorProto.FLOAT, [1, 2, 3, 4])],
        [tensor("y", TensorProto.FLOAT, [1, 2, 6, 8])],
        [numpy_helper.from_array(np.array([1, 1, 2, 2], np.float32), "scales"),
         numpy_helper.from_array(np.array(3, np.int64), "axis")])


def resize_cumsum_reference(x):
    def linear_axis(a, axis):
        n = a.shape[axis]
        source = np.clip((np.arange(2 * n) + 0.5) / 2 - 0.5, 0, n - 1)
        low = np.floor(source).astype(int)
        high = np.minimum(low + 1, n - 1)
        ratio = (source - low).reshape([-1] + [1] * (a.ndim - axis - 1))
        return np.take(a, low, axis) * (1 - ratio) + np.take(a, high, axis) * ratio
    return np.cumsum(linear_axis(linear_axis(x, 2), 3), axis=3).astype(np.float32)


def conv_transpose():
    """ConvTranspose, stride 2, pads 1, output_padding 1, two groups."""
    rng = np.random.default_rng(7)
    w = numpy_helper.from_array(rng.standard_normal((4, 3, 3, 3)).astype(np.float32), "w")
    return model(
        [helper.make_node("ConvTranspose", ["x", "w"], ["y"], name="deconv", strides=[2, 2],
                          pads=[1, 1, 1, 1], output_padding=[1, 1], group=2)],
        [tensor("x", TensorProto.FLOAT, [1, 4, 5, 5])],
        [tensor("y", TensorProto.FLOAT, [1, 6, 10, 10])], [w])


def qlinear_matmul():
    """QLinearMatMul on uint8 with per-tensor scales and zero points."""
    def scalar(name, value, dtype):
        return numpy_helper.from_array(np.array(value, dtype), name)
    return model(
        [helper.make_node("QLinearMatMul", ["a", "a_scale", "a_zp", "b", "b_scale", "b_zp",
                                            "y_scale", "y_zp"], ["y"], name="qmm")],
        [tensor("a", TensorProto.UINT8, [2, 4])],
        [tensor("y", TensorProto.UINT8, [2, 3])],
        [scalar("a_scale", 0.05, np.float32), scalar("a_zp", 113, np.uint8),
         numpy_helper.from_array(np.arange(12, dtype=np.uint8).reshape(4, 3) * 20, "b"),
         scalar("b_scale", 0.01, np.float32), scalar("b_zp", 114, np.uint8),
         scalar("y_scale", 0.02, np.float32), scalar("y_zp", 118, np.uint8)])


def einsum_batch_matmul():
    """Einsum 'bij,bjk->bik' (implicit broadcasting product, then a sum)."""
    return model(
        [helper.make_node("Einsum", ["a", "b"], ["y"], name="einsum", equation="bij,bjk->bik")],
        [tensor("a", TensorProto.FLOAT, [2, 3, 4]), tensor("b", TensorProto.FLOAT, [2, 4, 5])],
        [tensor("y", TensorProto.FLOAT, [2, 3, 5])], opset=12)


def max_unpool():
    """MaxUnpool (2x2, stride 2) into an output_shape one larger than implied."""
    return model(
        [helper.make_node("MaxUnpool", ["x", "i", "shape"], ["y"], name="unpool",
                          kernel_shape=[2, 2], strides=[2, 2])],
        [tensor("x", TensorProto.FLOAT, [1, 1, 2, 2]), tensor("i", TensorProto.INT64, [1, 1, 2, 2])],
        [tensor("y", TensorProto.FLOAT, [1, 1, 5, 5])],
        [numpy_helper.from_array(np.array([1, 1, 5, 5], np.int64), "shape")], opset=11)


def dft():
    """DFT (opset 17) of a real [1, 8, 1] signal along axis 1."""
    return model(
        [helper.make_node("DFT", ["x"], ["y"], name="dft", axis=1)],
        [tensor("x", TensorProto.FLOAT, [1, 8, 1])],
        [tensor("y", TensorProto.FLOAT, [1, 8, 2])], opset=17)


def dft_reference(x):
    spectrum = np.fft.fft(x[..., 0], axis=1)
    return np.stack([spectrum.real, spectrum.imag], axis=-1).astype(np.float32)


def stft():
    """STFT (opset 17): frames of 8 every 4 samples of a [1, 32, 1] signal,
    a Hann window, 5 one-sided bins per frame."""
    window = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(8) / 8)).astype(np.float32)
    return model(
        [helper.make_node("STFT", ["x", "step", "window"], ["y"], name="stft")],
        [tensor("x", TensorProto.FLOAT, [1, 32, 1])],
        [tensor("y", TensorProto.FLOAT, [1, 7, 5, 2])],
        [numpy_helper.from_array(np.array(4, np.int64), "step"),
         numpy_helper.from_array(window, "window")], opset=17)


def stft_reference(x):
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(8) / 8)
    frames = np.stack([x[0, f * 4:f * 4 + 8, 0] * window for f in range(7)])
    spectrum = np.fft.rfft(frames, axis=1)[None]
    return np.stack([spectrum.real, spectrum.imag], axis=-1).astype(np.float32)


def conv_zero_strides():
    """Conv with strides [0, 0]: ONNX's own shape inference divides by them."""
    return model(
        [helper.make_node("Conv", ["x", "w"], ["y"], name="conv0", strides=[0, 0])],
        [tensor("x", TensorProto.FLOAT, [1, 1, 4, 4])],
        [tensor("y", TensorProto.FLOAT, [1, 1, 3, 3])],
        [weights("w", [1, 1, 2, 2], 3)])


def depth_to_space_zero_block():
    """DepthToSpace with blocksize 0 (ONNX's inference divides by it too)."""
    return model(
        [helper.make_node("DepthToSpace", ["x"], ["y"], name="d2s", blocksize=0)],
        [tensor("x", TensorProto.FLOAT, [1, 4, 2, 2])],
        [tensor("y", TensorProto.FLOAT, [1, 1, 4, 4])])


def gather_out_of_range():
    """Gather of constant index 99 on an axis of 3."""
    return model(
        [helper.make_node("Gather", ["x", "i"], ["y"], name="pick", axis=1)],
        [tensor("x", TensorProto.FLOAT, [2, 3])],
        [tensor("y", TensorProto.FLOAT, [2, 2])],
        [numpy_helper.from_array(np.array([1, 99], np.int64), "i")])


def gather_nd_out_of_range():
    """GatherND whose second coordinate (5) is outside an axis of 4."""
    return model(
        [helper.make_node("GatherND", ["x", "i"], ["y"], name="pick_nd")],
        [tensor("x", TensorProto.FLOAT, [3, 4])],
        [tensor("y", TensorProto.FLOAT, [2])],
        [numpy_helper.from_array(np.array([[0, 1], [2, 5]], np.int64), "i")])


def scatter_out_of_range():
    """ScatterElements writing at constant index -4 of an axis of 3."""
    return model(
        [helper.make_node("ScatterElements", ["x", "i", "u"], ["y"], name="put", axis=0)],
        [tensor("x", TensorProto.FLOAT, [3]), tensor("u", TensorProto.FLOAT, [1])],
        [tensor("y", TensorProto.FLOAT, [3])],
        [numpy_helper.from_array(np.array([-4], np.int64), "i")])


def gather_runtime_indices():
    """Gather whose indices arrive at run time (clamped to the axis)."""
    return model(
        [helper.make_node("Gather", ["x", "i"], ["y"], name="pick", axis=0)],
        [tensor("x", TensorProto.FLOAT, [3]), tensor("i", TensorProto.INT64, [4])],
        [tensor("y", TensorProto.FLOAT, [4])])


def scatter_runtime_indices():
    """ScatterElements whose indices arrive at run time (out of range: dropped)."""
    return model(
        [helper.make_node("ScatterElements", ["x", "i", "u"], ["y"], name="put", axis=0)],
        [tensor("x", TensorProto.FLOAT, [3]), tensor("i", TensorProto.INT64, [2]),
         tensor("u", TensorProto.FLOAT, [2])],
        [tensor("y", TensorProto.FLOAT, [3])])


def negative_input_dim():
    """An input whose second dimension is -3."""
    return model(
        [helper.make_node("Relu", ["x"], ["y"], name="act")],
        [tensor("x", TensorProto.FLOAT, [1, -3])],
        [tensor("y", TensorProto.FLOAT, [1, -3])])


MODELS = {f.__name__: f for f in [gemm_relu_batch, gemm_ten_classes, conv_branches, conv_first_layer, conv_one_channel, conv_wide, conv_residual, prune_block, tiny_conv, two_input_matmul, conv_zero_strides, depth_to_space_zero_block,
                                  gather_out_of_range, gather_nd_out_of_range,
                                  scatter_out_of_range, gather_runtime_indices, scatter_runtime_indices,
                                  negative_input_dim, layer_norm, resize_cumsum, conv_transpose, qlinear_matmul,
                                  einsum_batch_matmul, max_unpool, dft, stft, split_prelu, reshape_shape_input,
                                  depth_to_space_tile,
                                  softmax_cross_entropy,
                                  opset6_legacy_broadcast, opset1_concat,
                                  opset9_forms, opset7_broadcast,
                                  constant_of_shape_int, tiny_mlp, wide_matmul, wide_exp, row_sums, softmax_wide, symbolic_batch, symbolic_inner,
                                  unsupported, unsupported_attributes, conv_same_upper, shape_arithmetic,
                                  clip11, softmax_opset11, two_outputs]}


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name in sys.argv[2:]:
        path = os.path.join(out, name + ".onnx")
        if name == "empty":
            open(path, "wb").close()
        elif name == "corrupt":
            with open(path, "wb") as f:
                f.write(b"\x08\x07this is not protobuf \xff\xff\xff\xff\xff")
        elif name == "external_data":
            # tiny_mlp with its weights in a side file, as large models ship.
            onnx.save_model(tiny_mlp(), path, save_as_external_data=True,
                            all_tensors_to_one_file=True,
                            location="external_data.weights",
                            size_threshold=0)
        elif name == "external_bad_offset":
            # External data whose offset is not a number: an error, not a crash.
            onnx.save_model(tiny_mlp(), path, save_as_external_data=True,
                            all_tensors_to_one_file=True,
                            location="external_bad_offset.weights",
                            size_threshold=0)
            m = onnx.load(path, load_external_data=False)
            for t in m.graph.initializer:
                t.external_data.add(key="offset", value="12abc")
            onnx.save(m, path)
        elif name in ("external_traversal", "external_absolute", "external_symlink"):
            # External data that points outside the model's folder: through
            # '..', by an absolute path, or through a symbolic link in the
            # folder. The compiler must refuse to read any of them.
            onnx.save_model(tiny_mlp(), path, save_as_external_data=True,
                            all_tensors_to_one_file=True,
                            location=name + ".weights", size_threshold=0)
            m = onnx.load(path, load_external_data=False)
            target = {"external_traversal": "../../../../../../../../etc/passwd",
                      "external_absolute": "/etc/passwd",
                      "external_symlink": name + ".link"}[name]
            if name == "external_symlink":
                link = os.path.join(out, target)
                if os.path.lexists(link):
                    os.remove(link)
                os.symlink("/etc/passwd", link)
            for t in m.graph.initializer:
                for entry in t.external_data:
                    if entry.key == "location":
                        entry.value = target
            onnx.save(m, path)
        elif name == "truncated":
            data = tiny_mlp().SerializeToString()
            with open(path, "wb") as f:
                f.write(data[: len(data) // 2])
        else:
            m = MODELS[name]()
            onnx.checker.check_model(m)
            onnx.save(m, path)
            if name == "reshape_shape_input":
                shape = numpy_helper.from_array(np.array([3, 4], np.int64), "shape")
                with open(os.path.join(out, "shape.pb"), "wb") as f:
                    f.write(shape.SerializeToString())
            reference = globals().get(name + "_reference")
            if reference:
                # A seeded input and numpy's answer, for run-and-compare tests.
                shape = [d.dim_value for d in m.graph.input[0].type.tensor_type.shape.dim]
                dtype = onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[
                    m.graph.input[0].type.tensor_type.elem_type]
                x = (np.random.default_rng(7).standard_normal(shape) * 100).astype(dtype)
                np.save(os.path.join(out, name + ".input.npy"), x)
                np.save(os.path.join(out, name + ".expected.npy"), reference(x))


if __name__ == "__main__":
    main()
