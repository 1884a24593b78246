"""prune_bench.py - Strata's --prune=channels:S against the unpruned model, in one run.

    prune_bench.py --stratac BIN --strata-run BIN --models-dir DIR --work DIR
                   --out prune.json [--fraction 0.3] [--models resnet18,...]

The "Pruning" section of docs/performance.md. For each model of
bench/run.sh's models folder it compiles the unpruned and the pruned build
(`stratac --prune=channels:S`, no autotuning for either), times both with
`strata-run --benchmark` on one thread, alternating 3 rounds each (the
median of the rounds' medians; the machine's drift hits both alike), and
takes the pruned build's multiply-adds and weight bytes from its manifest.
Output error: the relative L2 distance between the pruned and the unpruned
outputs on the model's bench input (pruning without fine-tuning changes the
function; this says by how much).

Criteria: at the same S, the model is also pruned by --prune-criterion=importance
and taylor, with --calibration on CALIBRATION seeded samples of the bench input's
distribution (N(0, s^2), s its standard deviation), and each criterion's build
(magnitude's too) is compared with the unpruned one on as many other, held-out
samples: the relative L2 error over all of them, and with it the error the
compiler reported on its calibration samples. Writes
  {"fraction", "samples", "models": [{"name", "unpruned_ms", "pruned_ms", "macs": {...},
   "weight_bytes": {...}, "layers", "relative_error",
   "criteria": {C: {"held_out_error", "calibration_error", "compile_s"} | {"error"}}}
   | {"name", "error"}]}
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

import numpy as np


def run(cmd):
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"$ {' '.join(cmd)}\n{proc.stdout}")
    return proc.stdout


def median_ms(args, out, inputs, runs):
    text = run([args.strata_run, out, *inputs, "--benchmark", str(runs)])
    line = [l for l in text.splitlines() if l.startswith("benchmark:")][0]
    return float(line.split("median_ms=")[1].split()[0])


def bench(name, args):
    folder = os.path.join(args.models_dir, name)
    model = os.path.join(folder, "model.onnx")
    inputs = []
    k = 0
    while os.path.exists(os.path.join(folder, f"input_{k}.npy")):
        inputs += ["--input", os.path.join(folder, f"input_{k}.npy")]
        k += 1
    work = os.path.join(args.work, name)
    shutil.rmtree(work, ignore_errors=True)
    unpruned, pruned = os.path.join(work, "unpruned"), os.path.join(work, "pruned")
    run([args.stratac, model, "--emit=shared", "--name", "model", "-o", unpruned])
    run([args.stratac, model, "--emit=shared", "--name", "model", "-o", pruned,
         f"--prune=channels:{args.fraction}"])
    outputs = {}
    for label, out in (("unpruned", unpruned), ("pruned", pruned)):
        y = os.path.join(work, f"{label}.npy")
        run([args.strata_run, out, *inputs, "--output", y])
        outputs[label] = np.load(y).astype(np.float64)
    # Runs for about a second of the unpruned model per round.
    one = median_ms(args, unpruned, inputs, 3)
    runs = max(5, min(1000, int(1000 / max(one, 1e-3))))
    times = {"unpruned": [], "pruned": []}
    for _ in range(3):
        for label, out in (("unpruned", unpruned), ("pruned", pruned)):
            times[label].append(median_ms(args, out, inputs, runs))
    manifest = json.load(open(os.path.join(pruned, "model.json")))["pruning"]
    reference = outputs["unpruned"]
    error = float(np.linalg.norm(outputs["pruned"] - reference) / np.linalg.norm(reference))
    return {"name": name, "unpruned_ms": statistics.median(times["unpruned"]),
            "pruned_ms": statistics.median(times["pruned"]), "runs": runs,
            "macs": manifest["macs"], "weight_bytes": manifest["weight_bytes"],
            "layers": len(manifest["layers"]), "relative_error": error,
            "criteria": compare_criteria(model, folder, work, unpruned, args)}


def compare_criteria(model, folder, work, unpruned, args):
    """Each criterion's output error against the unpruned build on held-out
    samples, with the compiler's own on the calibration samples."""
    if not os.path.exists(os.path.join(folder, "input_0.npy")) or os.path.exists(
            os.path.join(folder, "input_1.npy")):
        return {"error": "the criteria are compared on one-input models"}
    x = np.load(os.path.join(folder, "input_0.npy"))
    rng = np.random.RandomState(2027)
    scale = float(x.std()) or 1.0
    sets = {}
    for label in ("calibration", "held_out"):
        directory = os.path.join(work, label)
        os.makedirs(directory)
        for k in range(args.samples):
            np.save(os.path.join(directory, f"sample_{k}.npy"),
                    (rng.standard_normal(x.shape) * scale).astype(np.float32))
        sets[label] = [os.path.join(directory, f"sample_{k}.npy") for k in range(args.samples)]

    def outputs_of(build):
        values = []
        for k, path in enumerate(sets["held_out"]):
            y = os.path.join(build, f"held_out_{k}.npy")
            run([args.strata_run, build, "--input", path, "--output", y])
            values.append(np.load(y).astype(np.float64))
        return np.concatenate([v.ravel() for v in values])

    reference = outputs_of(unpruned)
    results = {}
    for criterion in ("magnitude", "importance", "taylor"):
        build = os.path.join(work, criterion)
        try:
            start = time.time()
            run([args.stratac, model, "--emit=shared", "--name", "model", "-o", build,
                 f"--prune=channels:{args.fraction}", f"--prune-criterion={criterion}",
                 "--calibration", os.path.dirname(sets["calibration"][0])])
            seconds = time.time() - start
            pruning = json.load(open(os.path.join(build, "model.json")))["pruning"]
            got = outputs_of(build)
            results[criterion] = {
                "held_out_error": float(np.linalg.norm(got - reference) / np.linalg.norm(reference)),
                "calibration_error": pruning["output_error"]["relative_l2"],
                "compile_s": seconds}
        except Exception as error:  # recorded; the other criteria run
            results[criterion] = {"error": str(error).splitlines()[-1]}
    return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--stratac", required=True)
    parser.add_argument("--strata-run", required=True)
    parser.add_argument("--models-dir", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--fraction", type=float, default=0.3)
    parser.add_argument("--models", default="resnet18,mobilenet_v2,kws")
    parser.add_argument("--samples", type=int, default=8,
                        help="calibration samples, and as many held out")
    args = parser.parse_args()
    results = []
    for name in args.models.split(","):
        try:
            results.append(bench(name, args))
        except Exception as error:  # one model's failure is recorded, the rest run
            results.append({"name": name, "error": str(error).splitlines()[-1]})
        print(json.dumps(results[-1]), file=sys.stderr)
    with open(args.out, "w") as f:
        json.dump({"fraction": args.fraction, "samples": args.samples, "models": results},
                  f, indent=2)


if __name__ == "__main__":
    main()
