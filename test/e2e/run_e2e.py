#!/usr/bin/python3
"""run_e2e.py - compile one exported model with stratac, run it, compare with PyTorch.

This is the body of each e2e.NAME ctest: it drives the two user-facing tools
exactly as a user would (stratac --emit=shared, then strata-run on .npy files)
and judges the result against the outputs export_models.py recorded. An output
passes when its largest absolute error is within `tolerance` of its scale,
max|expected| (1.0 when the output is all zeros), so one threshold suits logits
of 0.2 and activations of 10 alike. Prints one line; exits 0 on PASS, 1 on FAIL,
77 when a GPU model finds no GPU to run on.

    run_e2e.py --stratac BIN --strata-run BIN --models-dir DIR --work DIR --model NAME
"""

import argparse
import json
import glob
import os
import shutil
import subprocess
import sys

import numpy as np


def fail(name, detail, log=None):
    print(f"e2e {name}: FAIL {detail}")
    if log:
        sys.stdout.write(log if log.endswith("\n") else log + "\n")
    return 1


# strata-run's exit status when no GPU can run the model, and ctest's
# SKIP_RETURN_CODE for the GPU tests.
EXIT_NO_GPU = 3
EXIT_SKIPPED = 77


def run(cmd, returncode=None):
    """Run a tool; returns (ok, text to show on failure), and the exit status
    into returncode[0] when given."""
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    except OSError as err:
        return False, f"cannot run {cmd[0]}: {err}"
    if returncode is not None:
        returncode[0] = proc.returncode
    if proc.returncode == 0:
        return True, ""
    return False, (f"$ {' '.join(cmd)}\nexit status {proc.returncode}\n"
                   f"{proc.stderr}{proc.stdout}")


def sorted_numbered(pattern):
    """input_0.npy, input_1.npy, ..., input_10.npy in numeric, not lexical, order."""
    return sorted(glob.glob(pattern), key=lambda p: int(p.rsplit("_", 1)[1].split(".")[0]))


def compare(expected, actual, tolerance):
    """(ok, max_abs_err, scale, note) for one output."""
    scale = float(np.max(np.abs(expected))) if expected.size else 0.0
    scale = scale if scale > 0.0 else 1.0
    if actual.shape != expected.shape:
        return False, float("inf"), scale, f"shape {list(actual.shape)}, expected {list(expected.shape)}"
    if not np.all(np.isfinite(actual)):
        return False, float("inf"), scale, f"{int(np.sum(~np.isfinite(actual)))} non-finite values"
    diff = np.abs(actual.astype(np.float64) - expected.astype(np.float64))
    err = float(np.max(diff)) if diff.size else 0.0
    note = ""
    if diff.size:
        where = np.unravel_index(int(np.argmax(diff)), diff.shape)
        note = f"worst at {list(map(int, where))}: got {actual[where]:.9g}, expected {expected[where]:.9g}"
    return err <= tolerance * scale, err, scale, note


def check_fake_driver_run(label, cmd, driver):
    """Runs a GPU model against the fake driver and checks its trace."""
    env = dict(os.environ, STRATA_CUDA_DRIVER=os.path.abspath(driver))
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, env=env)
    log = f"$ {' '.join(cmd)}\nexit status {proc.returncode}\n{proc.stderr}{proc.stdout}"
    if proc.returncode != 0:
        return fail(label, "strata-run failed against the fake driver", log)
    trace = proc.stderr.splitlines()
    errors = [line for line in trace if "ERROR" in line]
    direct = sum(1 for line in trace if "cuLaunchKernel" in line and "captured" not in line)
    captured = sum(1 for line in trace if "cuLaunchKernel" in line and "captured" in line)
    loads = sum(1 for line in trace if "cuModuleLoadData" in line)
    replays = sum(1 for line in trace if "cuGraphLaunch" in line)
    if errors:
        return fail(label, errors[0], log)
    if direct == 0 or captured != direct or loads != 1 or replays != 4:
        return fail(label, f"expected one module load, as many captured launches as direct "
                           f"ones and 4 graph replays; got {loads} loads, {direct} direct, "
                           f"{captured} captured, {replays} replays", log)
    print(f"e2e {label} (fake driver): PASS {direct} kernels, every pointer in device "
          f"memory, one module load, one graph replayed {replays} times")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stratac", required=True)
    parser.add_argument("--strata-run", required=True)
    parser.add_argument("--models-dir", required=True, help="export_models.py's --out")
    parser.add_argument("--work", required=True, help="scratch directory; WORK/NAME is replaced")
    parser.add_argument("--model", required=True)
    parser.add_argument("--target", default="x86_64",
                        help="stratac/strata-run --target (aarch64 and cortex-m4/m7 "
                             "run under QEMU; sm_80/sm_90 on a GPU, and exit "
                             f"{EXIT_SKIPPED}, skipped, where there is none)")
    parser.add_argument("--fake-cuda-driver", metavar="LIB",
                        help="GPU targets: run against this fake libcuda (no kernel "
                             "runs) and check its trace instead of the outputs: every "
                             "kernel pointer in device memory, the graph replayed")
    parser.add_argument("--gpu-loops-on-host", action="store_true",
                        help="GPU targets: stratac --gpu-loops-on-host, run on this CPU "
                             "and compare as usual (the GPU lowering's numbers without a GPU)")
    parser.add_argument("--stratac-flag", action="append", default=[], metavar="FLAG",
                        help="one more stratac flag (e.g. --halide=all); the work "
                             "directory and the label then name it")
    parser.add_argument("--tolerance", type=float, default=1e-4,
                        help="largest error allowed, as a fraction of max|expected| (default 1e-4)")
    args = parser.parse_args(argv)
    name = args.model

    model_dir = os.path.join(args.models_dir, name)
    onnx_path = os.path.join(model_dir, "model.onnx")
    inputs = sorted_numbered(os.path.join(model_dir, "input_*.npy"))
    expected_paths = sorted_numbered(os.path.join(model_dir, "expected_*.npy"))
    if not os.path.exists(onnx_path) or not inputs or not expected_paths:
        return fail(name, f"no exported model in {model_dir} (run export_models.py first)")

    label = name if args.target == "x86_64" else f"{name} on {args.target}"
    work = os.path.join(args.work, name if args.target == "x86_64" else f"{name}.{args.target}")
    if args.gpu_loops_on_host:
        label += " (loops on the host)"
        work += "-loops-on-host"
    for flag in args.stratac_flag:
        label += f" ({flag})"
        work += "-" + flag.lstrip("-").replace("=", "-")
    compiled = os.path.join(work, "compiled")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)

    # Linux targets run a shared library; microcontrollers link the object
    # into a firmware (strata-run does that).
    emit = "obj" if args.target.startswith("cortex-m") else "shared"
    # The fake driver reads kernel signatures from PTX.
    binary = ["--gpu-binary=ptx"] if args.fake_cuda_driver else []
    if args.gpu_loops_on_host:
        binary = ["--gpu-loops-on-host"]
    ok, log = run([args.stratac, onnx_path, f"--target={args.target}", "--name", name,
                   f"--emit={emit}", "-o", compiled] + binary + args.stratac_flag)
    if not ok:
        return fail(label, "stratac failed", log)

    outputs = [os.path.join(work, f"output_{k}.npy") for k in range(len(expected_paths))]
    run_target = "x86_64" if args.gpu_loops_on_host else args.target

    def strata_run(output_paths, *flags):
        """strata-run on the compiled model: the inputs, then `output_paths`."""
        command = [args.strata_run, compiled, f"--target={run_target}", *flags]
        for path in inputs:
            command += ["--input", path]
        for path in output_paths:
            command += ["--output", path]
        return command

    cmd = strata_run(outputs)
    if args.fake_cuda_driver:
        return check_fake_driver_run(label, cmd + ["--benchmark", "2"], args.fake_cuda_driver)
    status = [None]
    ok, log = run(cmd, status)
    if not ok and args.target.startswith("sm_") and status[0] == EXIT_NO_GPU:
        # Compiled, but nothing here can run it: say so, visibly.
        reason = log.strip().splitlines()[-1] if log.strip() else ""
        print(f"e2e {label}: skipped: no GPU ({reason})")
        return EXIT_SKIPPED
    if not ok:
        return fail(label, "strata-run failed", log)

    worst = None  # (err / scale, index, err, scale, note)
    for k, (want_path, got_path) in enumerate(zip(expected_paths, outputs)):
        if not os.path.exists(got_path):
            return fail(label, f"strata-run wrote no {os.path.basename(got_path)}")
        ok, err, scale, note = compare(np.load(want_path), np.load(got_path), args.tolerance)
        if not ok:
            return fail(label, f"output {k}: max_abs_err={err:.3g} scale={scale:.6g} "
                              f"tolerance={args.tolerance:g}; {note}")
        if worst is None or err / scale > worst[0]:
            worst = (err / scale, k, err, scale)
    _, k, err, scale = worst
    where = f" (output {k})" if len(outputs) > 1 else ""
    threads = ""
    if not args.target.startswith(("cortex-m", "sm_")) and not args.gpu_loops_on_host:
        # Hosted CPUs: the same bits for every thread count (2, and 3 for
        # ranges of unequal sizes) as for one.
        for count in (2, 3):
            spread = [path[:-len(".npy")] + f".threads{count}.npy" for path in outputs]
            ok, log = run(strata_run(spread, f"--threads={count}"))
            if not ok:
                return fail(label, f"strata-run --threads={count} failed", log)
            for one, many in zip(outputs, spread):
                with open(one, "rb") as a, open(many, "rb") as b:
                    if a.read() != b.read():
                        return fail(label, f"{os.path.basename(many)} differs from the "
                                           f"single-threaded {os.path.basename(one)}")
        with open(os.path.join(compiled, f"{name}.json")) as f:
            loops = json.load(f)["parallel_loops"]
        threads = f"; bit-identical on 1, 2 and 3 threads ({loops} parallel loops)"
    print(f"e2e {label}: PASS max_abs_err={err:.3g} scale={scale:.6g}{where}{threads}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
