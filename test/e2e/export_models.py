#!/usr/bin/python3
"""export_models.py - write the end-to-end models as ONNX plus reference data.

For each model in models.py this writes DIR/NAME/model.onnx (static shapes,
inputs named `input`, `input_1`, ...), DIR/NAME/input_K.npy and
DIR/NAME/expected_K.npy (PyTorch's float32 outputs). It is the fixture the
e2e.* tests share, so it skips every model whose files are newer than the
scripts that produce them: re-running it costs an interpreter start.

    /usr/bin/python3 test/e2e/export_models.py --out DIR [--models mlp,cnn]
"""

import argparse
import glob
import os
import sys
import warnings

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import models  # noqa: E402  (after the path tweak, so it works from any cwd)

SOURCES = [os.path.abspath(__file__), os.path.join(HERE, "models.py"), models.TRAFFIC_SCRIPT]


def io_names(prefix, count):
    return [prefix if k == 0 else f"{prefix}_{k}" for k in range(count)]


def up_to_date(model_dir, spec):
    """True when every file is present and none is older than the sources."""
    files = [os.path.join(model_dir, "model.onnx")]
    files += [os.path.join(model_dir, f"input_{k}.npy") for k in range(len(spec.input_shapes))]
    files += [os.path.join(model_dir, "expected_0.npy")]
    if not all(os.path.exists(f) for f in files):
        return False
    files += glob.glob(os.path.join(model_dir, "expected_*.npy"))
    newest_source = max(os.path.getmtime(s) for s in SOURCES)
    return min(os.path.getmtime(f) for f in files) > newest_source


def save_npy(path, array):
    tmp = path + ".tmp.npy"
    np.save(tmp, array)
    os.replace(tmp, path)


def export(spec, model_dir):
    model = spec.build()
    inputs = spec.inputs()
    for array, shape in zip(inputs, spec.input_shapes):
        assert array.shape == tuple(shape) and array.dtype == np.float32, spec.name
    tensors = tuple(torch.from_numpy(a) for a in inputs)
    # Autograd stays on for the reference run and the export alike: under
    # no_grad PyTorch swaps in fused inference kernels (the transformer's
    # fast path) that have no ONNX export, and the reference should come from
    # the same code path as the exported graph.
    outputs = model(*tensors)
    if isinstance(outputs, torch.Tensor):
        outputs = (outputs,)
    outputs = tuple(out.detach() for out in outputs)

    os.makedirs(model_dir, exist_ok=True)
    for stale in glob.glob(os.path.join(model_dir, "*.npy")):
        os.remove(stale)
    onnx_path = os.path.join(model_dir, "model.onnx")
    # PRESERVE keeps BatchNormalization nodes (the model is in eval mode, so they
    # export in inference form); EVAL, the default, folds them into the Conv.
    training = torch.onnx.TrainingMode.PRESERVE if spec.keep_batchnorm else torch.onnx.TrainingMode.EVAL
    with warnings.catch_warnings():
        # Tracer warnings (unrolled loops, the constant-folding advice PRESERVE
        # triggers) are expected for these fixed-shape exports.
        warnings.simplefilter("ignore")
        torch.onnx.export(model, tensors, onnx_path + ".tmp", opset_version=spec.opset,
                          input_names=io_names("input", len(tensors)),
                          output_names=io_names("output", len(outputs)),
                          do_constant_folding=True, training=training)
    os.replace(onnx_path + ".tmp", onnx_path)
    for k, array in enumerate(inputs):
        save_npy(os.path.join(model_dir, f"input_{k}.npy"), array)
    for k, out in enumerate(outputs):
        save_npy(os.path.join(model_dir, f"expected_{k}.npy"), out.numpy().astype(np.float32))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True, help="directory to write NAME/ folders into")
    parser.add_argument("--models", default=",".join(s.name for s in models.MODELS),
                        help="comma-separated model names (default: all)")
    parser.add_argument("--force", action="store_true", help="export even when up to date")
    args = parser.parse_args(argv)

    names = [n for n in args.models.split(",") if n]
    unknown = [n for n in names if n not in models.BY_NAME]
    if unknown:
        parser.error(f"unknown model(s) {', '.join(unknown)}; known: "
                     + ", ".join(models.BY_NAME))
    for name in names:
        spec = models.BY_NAME[name]
        model_dir = os.path.join(args.out, name)
        if not args.force and up_to_date(model_dir, spec):
            print(f"export {name}: up to date")
            continue
        export(spec, model_dir)
        print(f"export {name}: wrote {model_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
