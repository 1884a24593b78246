"""int8_reference.py - the int8 arithmetic of quantized Gemm and Conv, in NumPy.

    int8_reference.py MODEL.onnx MANIFEST.json INPUT.npy OUTPUT.npy [OUTPUT.npy ...]

Recomputes what stratac --quantize=int8 makes of each of the model's outputs,
one Gemm (transB) or Conv of the input and maybe a Relu, y = relu(x W^T + b)
(make_models.py's gemm_relu_batch) or y = relu(conv(x, W) + b) (its
conv_branches and conv_first_layer; grouped, conv_wide's depthwise), or an Add of two of those (its
conv_residual: both rescaled to an int32 sum at max(s_a, s_b) / 2^20, then
requantized), from the scheme alone (TFLite's int8
spec: weights per output channel, symmetric in [-127, 127]; the input per
tensor, asymmetric, padded with its zero point; bias in int32 at
s_in * s_w; requantization by an int32 multiplier and a right shift,
rounding to nearest, saturating, the ReLU folded into the clamp) and the
activation parameters the manifest records, then checks strata-run's
OUTPUTs bit for bit. Prints PASS or the first difference; exits 1 on one.
"""

import json
import math
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper

model_path, manifest_path, input_path = sys.argv[1:4]
output_paths = sys.argv[4:]
model = onnx.load(model_path)
init = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
producer = {out: node for node in model.graph.node for out in node.output}
params = {op["node"]: op for op in json.load(open(manifest_path))["quantization"]["ops"]}
x = np.load(input_path).astype(np.float32)


def accumulate(node, xq, z_in, wq, bq):
    """The int32 accumulator of a Gemm (x [M, K], W [N, K]) or a Conv (NCHW,
    W [F, C / group, KH, KW]); padding holds the input's zero point, which
    adds 0."""
    if node.op_type == "Gemm":
        return (xq - z_in) @ wq.T + bq
    attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
    kh, kw = wq.shape[2:]
    sh, sw = attrs.get("strides", [1, 1])
    top, left, bottom, right = attrs.get("pads", [0, 0, 0, 0])
    padded = np.pad(xq - z_in, [(0, 0), (0, 0), (top, bottom), (left, right)])
    oh = (padded.shape[2] - kh) // sh + 1
    ow = (padded.shape[3] - kw) // sw + 1
    groups = attrs.get("group", 1)
    per_group = wq.shape[0] // groups   # output channels of each group
    acc = np.zeros([xq.shape[0], wq.shape[0], oh, ow], np.int64)
    for i in range(kh):
        for j in range(kw):
            window = padded[:, :, i:i + sh * oh:sh, j:j + sw * ow:sw]
            for g in range(groups):
                inputs = window[:, g * wq.shape[1]:(g + 1) * wq.shape[1]]
                outputs = slice(g * per_group, (g + 1) * per_group)
                acc[:, outputs] += np.einsum("nchw,fc->nfhw", inputs, wq[outputs, :, i, j])
    return acc + bq.reshape(1, -1, 1, 1)


def requantize(acc, real_multiplier, z_out):
    """z_out + ((acc * m + 2^(s-1)) >> s), m * 2^-s = real_multiplier."""
    mantissa, exponent = math.frexp(real_multiplier)
    multiplier = math.floor(mantissa * 2**31 + 0.5)
    if multiplier == 2**31:
        multiplier //= 2
        exponent += 1
    shift = 31 - exponent
    assert 1 <= shift <= 62
    return z_out + ((acc * multiplier + (1 << (shift - 1))) >> shift)


def levels(name):
    """The int8 levels of value `name` and their scale and zero point."""
    node, relu = producer[name], False
    if node.op_type == "Relu":
        node, relu = producer[node.input[0]], True
    op = params[node.name]
    s_out, z_out = op["output"]["scale"], op["output"]["zero_point"]
    if node.op_type == "Add":
        # Both inputs rescaled to an int32 sum at max(s_a, s_b) / 2^20.
        (a, s_a, z_a), (b, s_b, z_b) = levels(node.input[0]), levels(node.input[1])
        common = max(s_a, s_b) / 2**20
        acc = (a - z_a) * round(s_a / common) + (b - z_b) * round(s_b / common)
        y = requantize(acc, common / s_out, z_out)
    else:
        s_in, z_in = op["input"]["scale"], op["input"]["zero_point"]
        xq = np.clip(np.round(x / np.float32(s_in)) + np.float32(z_in), -128, 127).astype(np.int64)
        w = init[node.input[1]].astype(np.float64)  # [N, ...]: output channels first
        b = init[node.input[2]].astype(np.float64)
        axes = tuple(range(1, w.ndim))
        s_w = np.abs(w).max(axis=axes) / 127.0
        s_w[s_w == 0] = 1.0
        shape = (-1,) + (1,) * (w.ndim - 1)
        wq = np.clip(np.round(w / s_w.reshape(shape)), -127, 127).astype(np.int64)
        bq = np.round(b / (s_in * s_w)).astype(np.int64)
        acc = accumulate(node, xq, z_in, wq, bq)
        y = np.empty_like(acc)
        for c in range(acc.shape[1]):
            y[:, c] = requantize(acc[:, c], s_in * s_w[c] / s_out, z_out)
    y = np.clip(y, max(-128, z_out) if relu else -128, 127)  # the ReLU: real 0 is z_out
    return y, s_out, z_out


def reference(output_name):
    """The output, dequantized, and its int8 levels."""
    y, s_out, z_out = levels(output_name)
    return (y.astype(np.float32) - np.float32(z_out)) * np.float32(s_out), y


total = 0
for output, path in zip(model.graph.output, output_paths):
    want, int8_levels = reference(output.name)
    got = np.load(path)
    if got.shape != want.shape:
        print(f"FAIL: {output.name}: strata-run wrote shape {list(got.shape)}, "
              f"the reference {list(want.shape)}")
        sys.exit(1)
    differ = np.flatnonzero(got.ravel() != want.ravel())
    if differ.size:
        i = differ[0]
        print(f"FAIL: {output.name}: {differ.size} of {want.size} outputs differ; the first, "
              f"at {i}: strata-run {got.ravel()[i]!r}, reference {want.ravel()[i]!r} "
              f"(int8 level {int8_levels.ravel()[i]})")
        sys.exit(1)
    total += want.size
print(f"PASS: {total} outputs bit-exact")
