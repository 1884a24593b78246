#!/usr/bin/python3
"""torch_bench.py - time one end-to-end model in PyTorch eager mode.

The PyTorch column of docs/performance.md. It builds the very module the ONNX
file was exported from (test/e2e/models.py, same seed, eval mode), feeds it the
exported input_K.npy files and times RUNS forward calls under torch.no_grad()
on one thread, after a few warm-up calls. Eager mode pays Python dispatch per
op, which dominates on the tiny models; that is part of what is compared.
Writes one JSON object: {"median_ms", "min_ms", "runs", "warmup", "max_rel_err"}.

    /usr/bin/python3 bench/torch_bench.py --model NAME --models-dir DIR \
        --runs N [--max-seconds S] --out result.json
"""

import argparse
import glob
import json
import os
import statistics
import sys
import time

import numpy as np
import torch

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "test", "e2e"))
import models  # noqa: E402  (after the path tweak)


def numbered(model_dir, stem):
    paths = glob.glob(os.path.join(model_dir, f"{stem}_*.npy"))
    return sorted(paths, key=lambda p: int(p.rsplit("_", 1)[1].split(".")[0]))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", required=True, help="a name from test/e2e/models.py")
    parser.add_argument("--models-dir", required=True, help="export_models.py's --out")
    parser.add_argument("--runs", type=int, required=True)
    parser.add_argument("--max-seconds", type=float, default=10.0,
                        help="cap on timed runs' total (at least 3 runs are kept)")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)

    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    model_dir = os.path.join(args.models_dir, args.model)
    module = models.BY_NAME[args.model].build()
    inputs = tuple(torch.from_numpy(np.load(p)) for p in numbered(model_dir, "input"))

    with torch.no_grad():
        # Warm-up: a slow model gets one call; the fastest warm-up call
        # estimates what a timed run costs.
        estimate_ms = float("inf")
        warmup = 0
        while warmup < 3 and (warmup == 0 or estimate_ms < 1000):
            start = time.perf_counter()
            out = module(*inputs)
            estimate_ms = min(estimate_ms, (time.perf_counter() - start) * 1e3)
            warmup += 1

        first_out = out[0] if isinstance(out, (tuple, list)) else out
        expected = np.load(numbered(model_dir, "expected")[0])
        scale = float(np.max(np.abs(expected))) or 1.0
        max_rel_err = float(np.max(np.abs(first_out.numpy() - expected))) / scale

        runs = args.runs
        if runs * estimate_ms > args.max_seconds * 1e3:
            runs = max(3, int(args.max_seconds * 1e3 / estimate_ms))
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            module(*inputs)
            times.append((time.perf_counter() - start) * 1e3)

    result = {"median_ms": statistics.median(times), "min_ms": min(times), "runs": runs,
              "warmup": warmup, "max_rel_err": max_rel_err}
    with open(args.out, "w") as f:
        json.dump(result, f)
        f.write("\n")
    print(f"torch: runs={runs} median_ms={result['median_ms']:.6f} min_ms={result['min_ms']:.6f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
