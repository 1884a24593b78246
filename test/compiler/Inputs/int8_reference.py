"""int8_reference.py - the int8 arithmetic of a quantized Gemm+ReLU, in NumPy.

    int8_reference.py MODEL.onnx MANIFEST.json INPUT.npy OUTPUT.npy

Recomputes what stratac --quantize=int8 makes of a Gemm (transB) and ReLU,
y = relu(x W^T + b) (make_models.py's gemm_relu_batch), from the scheme alone (TFLite's int8 spec: weights per output channel,
symmetric in [-127, 127]; the input per tensor, asymmetric; bias in int32
at s_in * s_w; requantization by an int32 multiplier and a right shift,
rounding to nearest, saturating, the ReLU folded into the clamp) and the
activation parameters the manifest records, then checks strata-run's
OUTPUT bit for bit. Prints PASS or the first difference; exits 1 on one.
"""
import json
import math
import sys

import numpy as np
import onnx
from onnx import numpy_helper

model_path, manifest_path, input_path, output_path = sys.argv[1:5]
model = onnx.load(model_path)
init = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
w = init["w"].astype(np.float64)  # [N, K] (transB)
b = init["b"].astype(np.float64)
(op,) = json.load(open(manifest_path))["quantization"]["ops"]
s_in, z_in = op["input"]["scale"], op["input"]["zero_point"]
s_out, z_out = op["output"]["scale"], op["output"]["zero_point"]

x = np.load(input_path).astype(np.float32)
xq = np.clip(np.round(x / np.float32(s_in)) + np.float32(z_in), -128, 127).astype(np.int64)

s_w = np.abs(w).max(axis=1) / 127.0
s_w[s_w == 0] = 1.0
wq = np.clip(np.round(w / s_w[:, None]), -127, 127).astype(np.int64)
bq = np.round(b / (s_in * s_w)).astype(np.int64)
acc = (xq - z_in) @ wq.T + bq

y = np.empty_like(acc)
for c in range(acc.shape[1]):
    mantissa, exponent = math.frexp(s_in * s_w[c] / s_out)
    multiplier = math.floor(mantissa * 2**31 + 0.5)
    if multiplier == 2**31:
        multiplier //= 2
        exponent += 1
    shift = 31 - exponent
    assert 1 <= shift <= 62
    y[:, c] = z_out + ((acc[:, c] * multiplier + (1 << (shift - 1))) >> shift)
y = np.clip(y, max(-128, z_out), 127)  # the ReLU: real 0 is z_out
want = (y.astype(np.float32) - np.float32(z_out)) * np.float32(s_out)

got = np.load(output_path)
if got.shape != want.shape:
    print(f"FAIL: strata-run wrote shape {list(got.shape)}, the reference {list(want.shape)}")
    sys.exit(1)
differ = np.flatnonzero(got.ravel() != want.ravel())
if differ.size:
    i = differ[0]
    print(f"FAIL: {differ.size} of {want.size} outputs differ; the first, at {i}: "
          f"strata-run {got.ravel()[i]!r}, reference {want.ravel()[i]!r} "
          f"(int8 level {y.ravel()[i]})")
    sys.exit(1)
print(f"PASS: {want.size} outputs bit-exact; int8 levels {y.ravel().tolist()}")
