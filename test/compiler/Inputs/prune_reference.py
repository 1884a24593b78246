"""prune_reference.py - make_models.py's prune_block pruned by channels, in NumPy.

    prune_reference.py MODEL.onnx MANIFEST.json INPUT.npy OUTPUT.npy

Recomputes what stratac --prune=channels:S makes of prune_block from the
rule alone (docs/pruning.md): conv1's channels are one group, scored by the
L2 norm of its filters; conv2's and the shortcut's are another, coupled by
the Add, scored by the sum of both filters' squared norms; each group keeps
the manifest's count of highest-scoring channels, in every op that makes or
reads them (conv2's and the Gemm's inputs). Checks that the manifest kept
that many, that strata-run's OUTPUT matches the pruned network within 1e-4
of its largest value, and that it differs from the unpruned network's (a
check that could not fail otherwise). Prints PASS or the first problem;
exits 1 on one.
"""

import json
import sys

import numpy as np
import onnx
from onnx import numpy_helper

model_path, manifest_path, input_path, output_path = sys.argv[1:5]
w = {t.name: numpy_helper.to_array(t).astype(np.float64)
     for t in onnx.load(model_path).graph.initializer}
pruning = json.load(open(manifest_path))["pruning"]
kept = {layer["node"]: layer["kept"] for layer in pruning["layers"]}
x = np.load(input_path).astype(np.float64)
y = np.load(output_path).astype(np.float64)


def conv(x, weight, bias, pad):
    """NCHW convolution, stride 1."""
    f, c, kh, kw = weight.shape
    padded = np.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)])
    oh, ow = padded.shape[2] - kh + 1, padded.shape[3] - kw + 1
    out = np.zeros([x.shape[0], f, oh, ow])
    for i in range(kh):
        for j in range(kw):
            out += np.einsum("nchw,fc->nfhw", padded[:, :, i:i + oh, j:j + ow], weight[:, :, i, j])
    return out + bias.reshape(1, -1, 1, 1)


def forward(inner, outer):
    """The block with conv1's channels `inner` and the stream's `outer`."""
    r1 = np.maximum(conv(x, w["w1"][inner], w["b1"][inner], 1), 0)
    h2 = conv(r1, w["w2"][outer][:, inner], w["b2"][outer], 1)
    hs = conv(x, w["ws"][outer], w["bs"][outer], 0)
    pooled = np.maximum(h2 + hs, 0).mean(axis=(2, 3))
    return pooled @ w["wf"][:, outer].T + w["bf"]


def top(scores, count):
    """The `count` highest scores' indices, ties to the lower index, sorted."""
    order = sorted(range(len(scores)), key=lambda c: (-scores[c], c))
    return sorted(order[:count])


def fail(message):
    print("FAIL:", message)
    sys.exit(1)


if set(kept) != {"conv1", "conv2", "shortcut"} or kept["conv2"] != kept["shortcut"]:
    fail(f"the manifest's pruned layers are {kept}")
inner = top((w["w1"] ** 2).sum(axis=(1, 2, 3)), kept["conv1"])
outer = top((w["w2"] ** 2).sum(axis=(1, 2, 3)) + (w["ws"] ** 2).sum(axis=(1, 2, 3)),
            kept["conv2"])
expected = forward(inner, outer)
scale = np.abs(expected).max()
error = np.abs(y - expected).max()
if error > 1e-4 * scale:
    fail(f"strata-run differs from the pruned network by {error:.3g} (scale {scale:.3g})")
full = forward(list(range(32)), list(range(32)))
if np.abs(y - full).max() <= 1e-4 * scale:
    fail("the output equals the unpruned network's: nothing was pruned")
print(f"PASS: {y.size} outputs match the pruned network "
      f"({kept['conv1']} and {kept['conv2']} of 32 channels)")
