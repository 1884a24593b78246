#!/usr/bin/python3
"""run_quantized.py - one e2e model through stratac --quantize=int8, against its float build.

The body of each e2e.int8.NAME (and e2e.TARGET.int8.NAME) ctest. The model's
inputs are standard normal (test/e2e/models.py), so the script draws
CALIBRATION seeded samples of that distribution into a folder, compiles the
model twice with stratac for TARGET (float, and --quantize=int8
--calibration FOLDER), runs both with strata-run on TESTS other seeded
inputs, and judges the int8 outputs against the float ones: the SQNR over
all test outputs, 10 log10(sum f^2 / sum (f - q)^2), must reach MIN_SQNR dB,
and the largest output (top-1) must agree on at least MIN_TOP1 of the
inputs. It also checks that quantization happened (the manifest lists the
int8 ops) and, when the model's output is a quantized op's, that the SQNR
the manifest reports for it (on the calibration set) is near the one
measured. Prints one line; exits 0 on
PASS, 1 on FAIL.

    run_quantized.py --stratac BIN --strata-run BIN --models-dir DIR --work DIR
                     --model NAME [--target T] [--tests N] [--min-sqnr DB]
"""

import argparse
import json
import os
import shutil
import subprocess
import sys

import numpy as np
import onnx


def run(cmd):
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return proc.returncode == 0, f"$ {' '.join(cmd)}\n{proc.stdout}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stratac", required=True)
    parser.add_argument("--strata-run", required=True)
    parser.add_argument("--models-dir", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--target", default="x86_64")
    parser.add_argument("--calibration", type=int, default=32, help="samples (default 32)")
    parser.add_argument("--tests", type=int, default=20, help="test inputs (default 20)")
    parser.add_argument("--min-sqnr", type=float, default=30.0, help="dB (default 30)")
    parser.add_argument("--max-sqnr-gap", type=float, default=6.0,
                        help="dB between the manifest's SQNR of the last quantized op "
                             "(calibration set) and the measured one (default 6)")
    parser.add_argument("--min-top1", type=float, default=0.9,
                        help="fraction of test inputs whose top-1 agrees (default 0.9)")
    args = parser.parse_args()
    name = args.model
    label = f"int8 {name}" + ("" if args.target == "x86_64" else f" on {args.target}")

    model_dir = os.path.join(args.models_dir, name)
    onnx_path = os.path.join(model_dir, "model.onnx")
    example = os.path.join(model_dir, "input_0.npy")
    if not os.path.exists(onnx_path) or not os.path.exists(example):
        print(f"e2e {label}: FAIL no exported model in {model_dir}")
        return 1
    if os.path.exists(os.path.join(model_dir, "input_1.npy")):
        print(f"e2e {label}: FAIL the script handles one-input models only")
        return 1
    shape = np.load(example).shape

    work = os.path.join(args.work, f"int8-{name}-{args.target}")
    shutil.rmtree(work, ignore_errors=True)
    calibration = os.path.join(work, "calibration")
    os.makedirs(calibration)
    rng = np.random.default_rng(2024)
    for k in range(args.calibration):
        np.save(os.path.join(calibration, f"sample_{k:03d}.npy"),
                rng.standard_normal(shape).astype(np.float32))

    emit = "obj" if args.target.startswith("cortex-m") else "shared"
    builds = {"float": [], "int8": ["--quantize=int8", "--calibration", calibration]}
    for build, flags in builds.items():
        ok, log = run([args.stratac, onnx_path, f"--target={args.target}", "--name", name,
                       f"--emit={emit}", "-o", os.path.join(work, build)] + flags)
        if not ok:
            print(f"e2e {label}: FAIL stratac ({build}) failed\n{log}")
            return 1
    with open(os.path.join(work, "int8", f"{name}.json")) as f:
        quantized = json.load(f).get("quantization", {}).get("ops", [])
    if not quantized:
        print(f"e2e {label}: FAIL the int8 build's manifest lists no quantized op")
        return 1

    signal = noise = 0.0
    agree = 0
    for t in range(args.tests):
        x = os.path.join(work, f"test_{t}.npy")
        np.save(x, rng.standard_normal(shape).astype(np.float32))
        outputs = {}
        for build in builds:
            out = os.path.join(work, f"{build}_{t}.npy")
            ok, log = run([args.strata_run, os.path.join(work, build), f"--target={args.target}",
                           "--input", x, "--output", out])
            if not ok:
                print(f"e2e {label}: FAIL strata-run ({build}) failed\n{log}")
                return 1
            outputs[build] = np.load(out).astype(np.float64)
        f, q = outputs["float"], outputs["int8"]
        if not np.all(np.isfinite(q)):
            print(f"e2e {label}: FAIL the int8 output of test input {t} is not finite")
            return 1
        signal += float(np.sum(f * f))
        noise += float(np.sum((f - q) ** 2))
        agree += int(np.argmax(f) == np.argmax(q))
    sqnr = float("inf") if noise == 0 else 10 * np.log10(signal / noise)
    top1 = agree / args.tests
    # When the model's output is a quantized op's, the compiler's own SQNR
    # for it (on the calibration set) must be near what the test inputs give.
    graph = onnx.load(onnx_path).graph
    last = next(n.name for n in graph.node if graph.output[0].name in n.output)
    reported = next((op.get("sqnr_db") for op in quantized if op["node"] == last), None)
    if reported is not None and abs(reported - sqnr) > args.max_sqnr_gap:
        print(f"e2e {label}: FAIL the manifest's SQNR for {last}, {reported:.1f} dB, is "
              f"not within {args.max_sqnr_gap:g} dB of the {sqnr:.1f} dB measured")
        return 1
    said = (f"; the manifest says {reported:.1f} on the calibration set"
            if reported is not None else "")
    detail = (f"SQNR {sqnr:.1f} dB against float (at least {args.min_sqnr:g}{said}), "
              f"top-1 equal on "
              f"{agree}/{args.tests}, {len(quantized)} int8 ops, {args.calibration} "
              f"calibration samples")
    if sqnr < args.min_sqnr or top1 < args.min_top1:
        print(f"e2e {label}: FAIL {detail}")
        return 1
    print(f"e2e {label}: PASS {detail}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
