#!/usr/bin/env python3
"""run_gradient.py - check stratac --gradient against PyTorch's autograd and finite differences.

strata-differentiate turns a model into its vector-Jacobian product: given the
inputs and a seed dL/doutput per output it returns dL/dW for every Conv, Gemm and
MatMul weight. This test compiles one exported end-to-end model that way
(stratac --gradient --emit=shared), runs it with strata-run on the model's test
input and a seeded random seed, and compares every gradient with PyTorch's
autograd on the same ONNX graph (onnx_in_torch below evaluates it with torch
ops in float64, the ONNX initializers as leaf tensors), within 1e-4 of each
gradient's largest magnitude. It also checks the directional derivative along
a random direction of all weights against central finite differences of
L(W) = <seed, f(x; W)> in float64, so that the reference itself is checked.

    run_gradient.py --stratac BIN --strata-run BIN --models-dir DIR --work DIR --model NAME
"""

import argparse
import json
import os
import shutil
import subprocess
import sys

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper


def attributes(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def same_padding(x, pads, value=0.0):
    """ONNX pads [begin..., end...] applied with F.pad (last axis first)."""
    spatial = len(pads) // 2
    torch_pads = []
    for axis in reversed(range(spatial)):
        torch_pads += [pads[axis], pads[spatial + axis]]
    return F.pad(x, torch_pads, value=value) if any(torch_pads) else x


def onnx_in_torch(model, inputs, weights):
    """Evaluates `model`'s graph with torch ops: `inputs` by graph input name,
    `weights` (the initializers, leaf tensors) by initializer name."""
    values = dict(weights)
    values.update(inputs)
    for node in model.graph.node:
        a = attributes(node)
        x = [values[name] if name else None for name in node.input]
        op = node.op_type
        if op == "Constant":
            y = torch.from_numpy(numpy_helper.to_array(a["value"]).copy())
            if y.is_floating_point():
                y = y.double()
        elif op == "Conv":
            spatial = x[1].dim() - 2
            conv = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}[spatial]
            y = conv(same_padding(x[0], a.get("pads", [0] * 2 * spatial)), x[1],
                     x[2] if len(x) > 2 else None, a.get("strides", 1),
                     0, a.get("dilations", 1), a.get("group", 1))
        elif op == "Gemm":
            A = x[0].t() if a.get("transA", 0) else x[0]
            B = x[1].t() if a.get("transB", 0) else x[1]
            y = a.get("alpha", 1.0) * (A @ B)
            if len(x) > 2 and x[2] is not None:
                y = y + a.get("beta", 1.0) * x[2]
        elif op == "MatMul":
            y = x[0] @ x[1]
        elif op in ("Add", "Sub", "Mul", "Div"):
            y = {"Add": torch.add, "Sub": torch.sub, "Mul": torch.mul, "Div": torch.div}[op](
                x[0], x[1])
        elif op == "Identity":
            y = x[0]
        elif op == "Relu":
            y = F.relu(x[0])
        elif op == "Clip":
            low = x[1].item() if len(x) > 1 and x[1] is not None else a.get("min")
            high = x[2].item() if len(x) > 2 and x[2] is not None else a.get("max")
            y = F.hardtanh(x[0], low, high)
        elif op == "BatchNormalization":
            y = F.batch_norm(x[0], x[3].detach(), x[4].detach(), x[1], x[2], False, 0.0, a.get("epsilon", 1e-5))
        elif op == "MaxPool":
            spatial = x[0].dim() - 2
            pool = {1: F.max_pool1d, 2: F.max_pool2d}[spatial]
            y = pool(same_padding(x[0], a.get("pads", [0] * 2 * spatial), float("-inf")),
                     a["kernel_shape"], a.get("strides", 1), 0, a.get("dilations", 1),
                     bool(a.get("ceil_mode", 0)))
        elif op == "GlobalAveragePool":
            y = x[0].mean(dim=tuple(range(2, x[0].dim())), keepdim=True)
        elif op == "Flatten":
            axis = a.get("axis", 1)
            y = x[0].reshape(int(np.prod(x[0].shape[:axis])), -1)
        elif op == "Reshape":
            y = x[0].reshape([int(d) for d in x[1].tolist()])
        elif op == "Softmax":
            y = F.softmax(x[0], dim=a.get("axis", -1))
        else:
            raise NotImplementedError(f"onnx_in_torch: no {op}")
        values[node.output[0]] = y
    return [values[output.name] for output in model.graph.output]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stratac", required=True)
    parser.add_argument("--strata-run", required=True)
    parser.add_argument("--models-dir", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--tolerance", type=float, default=1e-4)
    parser.add_argument("--stratac-flag", action="append", default=[], metavar="FLAG",
                        help="one more stratac flag")
    args = parser.parse_args(argv)
    label = f"gradient {args.model}"

    model_dir = os.path.join(args.models_dir, args.model)
    onnx_path = os.path.join(model_dir, "model.onnx")
    model = onnx.load(onnx_path)
    work = os.path.join(args.work, "gradient-" + args.model)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)

    input_paths = sorted(p for p in os.listdir(model_dir) if p.startswith("input_"))
    inputs = [np.load(os.path.join(model_dir, p)) for p in input_paths]
    initializer_names = {init.name for init in model.graph.initializer}
    graph_inputs = [i.name for i in model.graph.input if i.name not in initializer_names]
    weights = {init.name: torch.from_numpy(numpy_helper.to_array(init).astype(np.float64))
               for init in model.graph.initializer}
    for tensor in weights.values():
        tensor.requires_grad_(True)
    feeds = {name: torch.from_numpy(x.astype(np.float64)) for name, x in zip(graph_inputs, inputs)}

    outputs = onnx_in_torch(model, feeds, weights)
    rng = np.random.RandomState(1234)
    seeds = [rng.standard_normal(tuple(y.shape)).astype(np.float32) for y in outputs]
    loss = sum((y * torch.from_numpy(s.astype(np.float64))).sum() for y, s in zip(outputs, seeds))
    loss.backward()

    compiled = os.path.join(work, "compiled")
    command = [args.stratac, onnx_path, "--gradient", "--emit=shared", "--name", "grad",
               "-o", compiled] + args.stratac_flag
    proc = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0:
        print(f"{label}: FAIL: stratac --gradient failed\n{proc.stdout}")
        return 1

    manifest = json.load(open(os.path.join(compiled, "grad.json")))
    output_names = [o["name"] for o in manifest["outputs"]]

    run = [args.strata_run, compiled]
    for k, x in enumerate(inputs + seeds):
        path = os.path.join(work, f"in_{k}.npy")
        np.save(path, x)
        run += ["--input", path]
    got_paths = [os.path.join(work, f"grad_{k}.npy") for k in range(len(output_names))]
    for path in got_paths:
        run += ["--output", path]
    proc = subprocess.run(run, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0:
        print(f"{label}: FAIL: strata-run failed\n{proc.stdout}")
        return 1

    strata_grads = {}
    worst = (0.0, "")
    failures = []
    for name, path in zip(output_names, got_paths):
        weight = name[len("grad_"):]
        if weight not in weights:
            print(f"{label}: FAIL: output {name} names no initializer")
            return 1
        got = np.load(path).astype(np.float64)
        reference = weights[weight].grad
        want = np.zeros(got.shape) if reference is None else reference.numpy()
        if got.shape != want.shape:
            print(f"{label}: FAIL: {name} is {got.shape}, autograd's {want.shape}")
            return 1
        scale = max(np.abs(want).max(), 1e-30)
        relative = np.abs(got - want).max() / scale
        if not np.isfinite(relative) or relative > args.tolerance:
            failures.append(f"{name}: max |strata - autograd| / max |autograd| = "
                            f"{relative:.3g} > {args.tolerance:g}")
        worst = max(worst, (relative, name))
        strata_grads[weight] = got
    if failures:
        print(f"{label}: FAIL:\n  " + "\n  ".join(failures))
        return 1
    if not strata_grads:
        print(f"{label}: FAIL: no gradients")
        return 1

    # Central differences of L along a random direction of every weight
    # Strata differentiates, against the directional derivative it implies.
    direction = {name: torch.from_numpy(rng.standard_normal(g.shape)) for name, g in strata_grads.items()}
    # A ReLU or max-pool decision that flips between the two points spoils
    # one step size (the larger networks have many such kinks), so the
    # closest of three steps counts; float64 keeps the smallest accurate.

    def loss_at(step):
        with torch.no_grad():
            shifted = {n: (w + step * direction[n]) if n in direction else w
                       for n, w in weights.items()}
            ys = onnx_in_torch(model, feeds, shifted)
            return float(sum((y * torch.from_numpy(s.astype(np.float64))).sum()
                             for y, s in zip(ys, seeds)))

    implied = sum(float((g * direction[n].numpy()).sum()) for n, g in strata_grads.items())
    finite = min(((loss_at(e) - loss_at(-e)) / (2 * e) for e in (1e-7, 1e-8, 1e-9)),
                 key=lambda f: abs(f - implied))
    fd_error = abs(finite - implied) / max(abs(finite), 1e-12)
    if fd_error > 1e-3:
        print(f"{label}: FAIL: finite differences {finite:.9g}, Strata's gradient implies "
              f"{implied:.9g} (relative {fd_error:.3g})")
        return 1
    print(f"{label}: ok: {len(strata_grads)} weight gradients within "
          f"{worst[0]:.2g} of autograd (worst {worst[1]}, tolerance {args.tolerance:g}); "
          f"finite differences agree to {fd_error:.2g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
