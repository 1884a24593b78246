#!/usr/bin/python3
"""int8_bench.py - Strata's int8 against PyTorch's FX post-training quantization.

The int8 rows of docs/performance.md. For each model (torchvision ResNet-18 and
MobileNetV2, and the KWS CNN of examples/kws-cortex-m), with seeded random
weights whose BatchNorm statistics are re-estimated on random data (so that
activations keep unit scale, as in a trained network), it:

- exports the float model to ONNX;
- draws CALIBRATION standard-normal calibration inputs and TESTS others;
- quantizes it with PyTorch's FX post-training quantization (the default
  qconfig mapping of the quantized engine this torch has: fbgemm where built
  in, else onednn, else qnnpack), calibrated on the same inputs, and with
  `stratac --quantize=int8 --calibration`;
- measures each int8 model's output SQNR against the float PyTorch model on the
  test inputs, 10 log10(sum f^2 / sum (f - q)^2), and how often its top-1
  agrees; and the median latency on one thread of PyTorch float, PyTorch int8,
  Strata float and Strata int8.

Writes one JSON object: {"engine", "models": [...]}.

    int8_bench.py --stratac BIN --strata-run BIN --work DIR --out int8.json
                  [--models resnet18,mobilenet_v2,kws] [--tests 100]
"""

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import warnings

import numpy as np
import torch
import torchvision

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEED = 20261201


def kws_model():
    path = os.path.join(REPO, "examples", "kws-cortex-m", "export_kws.py")
    spec = importlib.util.spec_from_file_location("export_kws", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.build_model(), (1, 1, module.FRAMES, module.COEFFICIENTS)


def build(name):
    torch.manual_seed(SEED)
    if name == "resnet18":
        return torchvision.models.resnet18(), (1, 3, 224, 224)
    if name == "mobilenet_v2":
        return torchvision.models.mobilenet_v2(), (1, 3, 224, 224)
    if name == "kws":
        return kws_model()
    raise SystemExit(f"int8_bench.py: unknown model {name}")


def reestimate_batch_norm(model, shape, batches=16, batch=8):
    """Running statistics from random inputs (cumulative averages)."""
    norms = [m for m in model.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
    for m in norms:
        m.reset_running_stats()
        m.momentum = None
    generator = torch.Generator().manual_seed(SEED + 1)
    model.train()
    with torch.no_grad():
        for _ in range(batches):
            model(torch.randn((batch,) + tuple(shape[1:]), generator=generator))
    model.eval()


def sqnr(reference, outputs):
    signal = sum(float(np.sum(f.astype(np.float64) ** 2)) for f in reference)
    noise = sum(float(np.sum((f.astype(np.float64) - q) ** 2)) for f, q in zip(reference, outputs))
    return float("inf") if noise == 0 else 10 * np.log10(signal / noise)


def top1(reference, outputs):
    return sum(int(np.argmax(f) == np.argmax(q)) for f, q in zip(reference, outputs)) / len(outputs)


def median_ms(function, runs, seconds=5.0):
    for _ in range(3):
        function()
    times = []
    start = time.perf_counter()
    while len(times) < runs and time.perf_counter() - start < seconds:
        t = time.perf_counter()
        function()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def run(cmd):
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"$ {' '.join(cmd)}\n{proc.stdout}")
    return proc.stdout


def strata(args, work, onnx_path, flags, tests, runs):
    """Compile with stratac, run every test input, time it: (outputs, median ms)."""
    out = os.path.join(work, "int8" if flags else "float")
    run([args.stratac, onnx_path, "--emit=shared", "--name", "model", "-o", out] + flags)
    outputs = []
    for k in range(len(tests)):
        y = os.path.join(work, f"y_{k}.npy")
        run([args.strata_run, out, "--input", os.path.join(work, f"test_{k}.npy"), "--output", y])
        outputs.append(np.load(y))
    text = run([args.strata_run, out, "--input", os.path.join(work, "test_0.npy"),
                "--benchmark", str(runs)])
    line = [l for l in text.splitlines() if l.startswith("benchmark:")][0]
    return outputs, float(line.split("median_ms=")[1].split()[0])


def bench(name, args, engine):
    from torch.ao.quantization import get_default_qconfig_mapping
    from torch.ao.quantization.quantize_fx import convert_fx, prepare_fx

    model, shape = build(name)
    reestimate_batch_norm(model, shape)
    work = os.path.join(args.work, name)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(os.path.join(work, "calibration"))
    rng = np.random.default_rng(SEED + 2)
    calibration = [rng.standard_normal(shape).astype(np.float32) for _ in range(args.calibration)]
    tests = [rng.standard_normal(shape).astype(np.float32) for _ in range(args.tests)]
    for k, x in enumerate(calibration):
        np.save(os.path.join(work, "calibration", f"sample_{k:03d}.npy"), x)
    for k, x in enumerate(tests):
        np.save(os.path.join(work, f"test_{k}.npy"), x)
    onnx_path = os.path.join(work, "model.onnx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, (torch.from_numpy(tests[0]),), onnx_path, opset_version=13,
                          do_constant_folding=True)

    torch.set_num_threads(1)
    with torch.no_grad():
        reference = [model(torch.from_numpy(x)).numpy() for x in tests]
        float_ms = median_ms(lambda: model(torch.from_numpy(tests[0])), 50)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            prepared = prepare_fx(model, get_default_qconfig_mapping(engine),
                                  (torch.from_numpy(calibration[0]),))
            for x in calibration:
                prepared(torch.from_numpy(x))
            quantized = convert_fx(prepared)
        fx = [quantized(torch.from_numpy(x)).numpy() for x in tests]
        fx_ms = median_ms(lambda: quantized(torch.from_numpy(tests[0])), 100)

    runs = 2000 if name == "kws" else 100
    strata_float, strata_float_ms = strata(args, work, onnx_path, [], tests, runs)
    strata_int8, strata_int8_ms = strata(
        args, work, onnx_path, ["--quantize=int8", "--calibration", os.path.join(work, "calibration"),
                                f"--calibrator={args.calibrator}"],
        tests, runs)
    return {
        "name": name, "calibrator": args.calibrator,
        "calibration_samples": args.calibration, "test_inputs": args.tests,
        "torch_float_ms": float_ms,
        "torch_fx_int8": {"sqnr_db": sqnr(reference, fx), "top1": top1(reference, fx),
                          "median_ms": fx_ms},
        "strata_float": {"sqnr_db": sqnr(reference, strata_float), "median_ms": strata_float_ms},
        "strata_int8": {"sqnr_db": sqnr(reference, strata_int8),
                        "top1": top1(reference, strata_int8), "median_ms": strata_int8_ms},
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stratac", required=True)
    parser.add_argument("--strata-run", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--models", default="resnet18,mobilenet_v2,kws")
    parser.add_argument("--calibration", type=int, default=32)
    parser.add_argument("--tests", type=int, default=100)
    parser.add_argument("--calibrator", default="mse",
                        help="stratac --calibrator (default mse, stratac's default)")
    args = parser.parse_args()
    engines = torch.backends.quantized.supported_engines
    engine = next(e for e in ("fbgemm", "onednn", "qnnpack") if e in engines)
    torch.backends.quantized.engine = engine
    doc = {"engine": engine, "models": []}
    for name in args.models.split(","):
        try:
            doc["models"].append(bench(name, args, engine))
        except Exception as error:  # one model failing leaves the others' rows
            doc["models"].append({"name": name, "error": str(error).splitlines()[-1][:300]})
        print(f"int8_bench: {name} done", file=sys.stderr)
    with open(args.out, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
