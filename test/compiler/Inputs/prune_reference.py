"""prune_reference.py - make_models.py's prune_block pruned by channels, in NumPy.

    prune_reference.py MODEL.onnx MANIFEST.json INPUT.npy OUTPUT.npy [CRITERION CALIBRATION]

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

With CRITERION importance or taylor, channels are scored instead from the
gradients PyTorch's autograd gives on the samples of CALIBRATION (a .npy
each, or a folder each of input_0.npy and output_0.npy): the loss is the
mean squared error to output_0 where the samples hold it, else the
cross-entropy against the network's own top-1; importance is
1/2 |w|^2 + mean |dL/dw|^2 over a channel's filters, taylor
mean (sum w dL/dw)^2, summed over a group's producers.
"""

import os

import json
import sys

import numpy as np
import onnx
from onnx import numpy_helper

model_path, manifest_path, input_path, output_path = sys.argv[1:5]
criterion, calibration = (sys.argv[5:7] + [None, None])[:2] if len(sys.argv) > 5 else (None, None)
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
def gradient_scores():
    """Each filter's channel scores by `criterion`, from autograd."""
    import torch
    import torch.nn.functional as F
    leaves = {k: torch.tensor(v, requires_grad=True) for k, v in w.items()}
    samples = []
    for entry in sorted(os.listdir(calibration)):
        path = os.path.join(calibration, entry)
        if os.path.isdir(path):
            reference = os.path.join(path, "output_0.npy")
            samples.append((np.load(os.path.join(path, "input_0.npy")),
                            np.load(reference) if os.path.exists(reference) else None))
        elif entry.endswith(".npy"):
            samples.append((np.load(path), None))
    sums = {k: np.zeros(w[k].shape[0]) for k in ("w1", "w2", "ws")}
    for sample, reference in samples:
        t = torch.tensor(sample.astype(np.float64))
        r1 = F.relu(F.conv2d(t, leaves["w1"], leaves["b1"], padding=1))
        h = F.conv2d(r1, leaves["w2"], leaves["b2"], padding=1) + \
            F.conv2d(t, leaves["ws"], leaves["bs"])
        logits = F.relu(h).mean(dim=(2, 3)) @ leaves["wf"].T + leaves["bf"]
        if reference is not None:
            loss = ((logits - torch.tensor(reference.astype(np.float64))) ** 2).mean()
        else:
            loss = F.cross_entropy(logits, logits.argmax(dim=1))
        grads = torch.autograd.grad(loss, [leaves[k] for k in sums])
        for k, g in zip(sums, grads):
            g = g.numpy()
            sums[k] += ((w[k] * g).sum(axis=(1, 2, 3)) ** 2 if criterion == "taylor"
                        else (g ** 2).sum(axis=(1, 2, 3)))
    scores = {k: v / len(samples) for k, v in sums.items()}
    if criterion == "importance":
        for k in scores:
            scores[k] += 0.5 * (w[k] ** 2).sum(axis=(1, 2, 3))
    return scores


if criterion:
    scores = gradient_scores()
else:
    scores = {k: (w[k] ** 2).sum(axis=(1, 2, 3)) for k in ("w1", "w2", "ws")}
if pruning["criterion"] != (criterion or "magnitude"):
    fail(f"the manifest's criterion is {pruning['criterion']}")
inner = top(scores["w1"], kept["conv1"])
outer = top(scores["w2"] + scores["ws"], kept["conv2"])
expected = forward(inner, outer)
scale = np.abs(expected).max()
error = np.abs(y - expected).max()
if error > 1e-4 * scale:
    fail(f"strata-run differs from the pruned network by {error:.3g} (scale {scale:.3g})")
full = forward(list(range(32)), list(range(32)))
if np.abs(y - full).max() <= 1e-4 * scale:
    fail("the output equals the unpruned network's: nothing was pruned")
if criterion:
    magnitude = top((w["w1"] ** 2).sum(axis=(1, 2, 3)), kept["conv1"])
    if magnitude == inner:
        print(f"note: {criterion} keeps conv1's channels magnitude keeps")
print(f"PASS: {y.size} outputs match the pruned network "
      f"({kept['conv1']} and {kept['conv2']} of 32 channels"
      f"{', by ' + criterion if criterion else ''})")
