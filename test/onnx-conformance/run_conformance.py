"""run_conformance.py - Strata against ONNX's own backend test data.

For every test in Debian's libonnx-testdata folders (data/node,
data/pytorch-converted, data/pytorch-operator, data/simple), compile
model.onnx for the host with stratac, run each test_data_set_* through
strata-run and compare with the expected outputs the way ONNX's backend
runner does (numpy assert_allclose, rtol 1e-3, atol 1e-7). Each test is:

  pass         every data set matches;
  fail         wrong numbers (the largest error is shown) or a run error;
  unsupported  stratac rejected the model (its one-line error is kept);
  out of scope training ops, sequence/optional types, string tensors,
               random sampling (Bernoulli).

A model whose shape-like inputs (Reshape's shape, Slice's bounds, ...) are
graph inputs cannot be compiled ahead of time as is; when stratac says such
an input must be a constant, the runner freezes the int64, scalar and short
1-D inputs whose value is the same in every data set (stratac
--freeze-input) and tries again. The table lists the tests that pass that
way.

Compiles run in parallel. The runner prints `N passed, N failed` (unsupported
tests count as failed), writes docs/conformance.md with --table, and with
--baseline FILE exits 1 when a test listed there no longer passes
(--update-baseline rewrites the list).
"""
import argparse
import concurrent.futures
import datetime
import glob
import os
import re
import subprocess
import sys
import time

import numpy as np
from onnx import TensorProto, numpy_helper

FOLDERS = ["node", "pytorch-converted", "pytorch-operator", "simple"]
RTOL, ATOL = 1e-3, 1e-7

# Out of scope for an inference compiler (issue 4): training operators,
# sequence and optional types, string tensors; and random sampling, whose
# reference values cannot be reproduced.
OUT_OF_SCOPE = [
    (re.compile(r"^test_(adagrad|adam|momentum|nesterov_momentum|gradient)"), "training operator"),
    (re.compile(r"sequence|^test_optional|_optional_|^test_if_opt|^test_identity_opt|^test_loop16_seq"), "sequence or optional type"),
    (re.compile(r"string|^test_strnorm|^test_regex|^test_cast(like)?_.*STRING"), "string tensor"),
    (re.compile(r"_training_mode|^test_training_dropout"), "training mode"),
    # Bernoulli draws random numbers: its expected outputs are one draw of
    # NumPy's generator, which no other implementation reproduces.
    (re.compile(r"^test_bernoulli"), "random sampling"),
]


def out_of_scope_reason(name):
    for pattern, reason in OUT_OF_SCOPE:
        if pattern.search(name):
            return reason
    return None


def discover(data_root, folders):
    tests = []
    for folder in folders:
        for model in sorted(glob.glob(os.path.join(data_root, folder, "*", "model.onnx"))):
            directory = os.path.dirname(model)
            tests.append((folder, os.path.basename(directory), directory))
    return tests


def first_line(text):
    for line in text.splitlines():
        line = line.strip()
        if line:
            return line
    return "(no message)"


def load_tensor(path):
    tensor = TensorProto()
    with open(path, "rb") as f:
        tensor.ParseFromString(f.read())
    return numpy_helper.to_array(tensor)


def compare(expected, got):
    """None when they match like ONNX's backend test, else a reason."""
    if expected.shape != got.shape:
        return f"shape {list(got.shape)} instead of {list(expected.shape)}"
    if expected.dtype.kind in "biuS" or expected.dtype == np.bool_:
        if not np.array_equal(expected, got):
            return f"{int(np.sum(expected != got))} of {expected.size} elements differ"
        return None
    e, g = expected.astype(np.float64), got.astype(np.float64)
    if np.allclose(g, e, rtol=RTOL, atol=ATOL, equal_nan=True):
        return None
    error = np.abs(g - e)
    error[np.isnan(error)] = np.inf
    return f"max abs error {float(error.max()):.3g}"


def data_sets(directory):
    return sorted(glob.glob(os.path.join(directory, "test_data_set_*")))


def numbered(paths):
    return sorted(paths, key=lambda p: int(re.findall(r"\d+", os.path.basename(p))[0]))


def freezable_inputs(directory):
    """{input index: (name, .pb path)} for int64, scalar or short 1-D graph
    inputs whose value is the same in every data set: shape-like inputs
    (Range's bounds, Resize's scales) an AOT compile may fix."""
    import onnx
    model = onnx.load(os.path.join(directory, "model.onnx"), load_external_data=False)
    initializers = {t.name for t in model.graph.initializer}
    inputs = [i for i in model.graph.input if i.name not in initializers]
    frozen = {}
    sets = data_sets(directory)
    for index, info in enumerate(inputs):
        dims = info.type.tensor_type.shape.dim
        scalar = len(dims) == 0
        # Resize's scales and roi: short float vectors.
        short_vector = len(dims) == 1 and 0 < dims[0].dim_value <= 8
        if (info.type.tensor_type.elem_type != TensorProto.INT64 and not scalar
                and not short_vector) or not sets:
            continue
        paths = [os.path.join(d, f"input_{index}.pb") for d in sets]
        if not all(os.path.exists(p) for p in paths):
            continue
        values = [load_tensor(p) for p in paths]
        if all(np.array_equal(values[0], v) for v in values[1:]):
            frozen[index] = (info.name, paths[0])
    return frozen


def compile_model(stratac, directory, out, timeout, frozen, target, loops_on_host=False):
    command = [stratac, os.path.join(directory, "model.onnx"), "--emit=shared",
               f"--target={target}", "--name", "model", "-o", out]
    if loops_on_host:
        command.append("--gpu-loops-on-host")
    for name, path in frozen.values():
        command.append(f"--freeze-input={name}={path}")
    subprocess.run(["rm", "-rf", out])
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout)


def needs_frozen_inputs(stderr):
    return "compile-time constant" in stderr or \
        "no static shape after ONNX shape inference" in stderr


def run_test(test, stratac, strata_run, work, timeout, target="x86_64", loops_on_host=False):
    folder, name, directory = test
    reason = out_of_scope_reason(name)
    if reason:
        return {"folder": folder, "name": name, "status": "out of scope", "detail": reason}
    out = os.path.join(work, folder, name)
    frozen = {}
    try:
        compiled = compile_model(stratac, directory, out, timeout, frozen, target,
                                     loops_on_host)
        if compiled.returncode == 2 and needs_frozen_inputs(compiled.stderr):
            frozen = freezable_inputs(directory)
            if frozen:
                retry = compile_model(stratac, directory, out, timeout, frozen, target,
                                     loops_on_host)
                if retry.returncode == 0:
                    compiled = retry
                else:
                    frozen = {}
    except subprocess.TimeoutExpired:
        return {"folder": folder, "name": name, "status": "fail",
                "detail": f"stratac timed out after {timeout} s"}
    if compiled.returncode != 0:
        detail = first_line(compiled.stderr)
        detail = re.sub(r"^stratac: error: \S*model\.onnx: ?", "", detail)
        status = "unsupported" if compiled.returncode == 2 else "fail"
        if compiled.returncode < 0:
            detail = f"stratac crashed (signal {-compiled.returncode})"
        return {"folder": folder, "name": name, "status": status, "detail": detail}
    for data_set in data_sets(directory):
        inputs = numbered(glob.glob(os.path.join(data_set, "input_*.pb")))
        inputs = [p for i, p in enumerate(inputs) if i not in frozen]
        expected = numbered(glob.glob(os.path.join(data_set, "output_*.pb")))
        outputs = [os.path.join(out, f"{os.path.basename(data_set)}_out{i}.npy")
                   for i in range(len(expected))]
        command = [strata_run, out, f"--target={'x86_64' if loops_on_host else target}"]
        for path in inputs:
            command += ["--input", path]
        for path in outputs:
            command += ["--output", path]
        try:
            ran = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return {"folder": folder, "name": name, "status": "fail",
                    "detail": f"strata-run timed out after {timeout} s"}
        if ran.returncode != 0:
            detail = first_line(ran.stderr) if ran.returncode > 0 else \
                f"strata-run crashed (signal {-ran.returncode})"
            return {"folder": folder, "name": name, "status": "fail", "detail": detail}
        for index, (want, got) in enumerate(zip(expected, outputs)):
            mismatch = compare(load_tensor(want), np.load(got))
            if mismatch:
                return {"folder": folder, "name": name, "status": "fail",
                        "detail": f"{os.path.basename(data_set)} output {index}: {mismatch}"}
    subprocess.run(["rm", "-rf", out])
    frozen_names = ", ".join(sorted(n for n, _ in frozen.values()))
    return {"folder": folder, "name": name, "status": "pass",
            "detail": f"frozen inputs: {frozen_names}" if frozen else ""}


def op_types(directory):
    """The op types a test's model uses (for the per-op table)."""
    import onnx
    try:
        model = onnx.load(os.path.join(directory, "model.onnx"), load_external_data=False)
        return sorted({node.op_type for node in model.graph.node})
    except Exception:  # A model ONNX cannot load is reported by stratac anyway.
        return []


def write_table(path, results, tests, elapsed, jobs):
    by_folder = {}
    for r in results:
        counts = by_folder.setdefault(r["folder"], {})
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    ops = {}
    directories = {(folder, name): directory for folder, name, directory in tests}
    for r in results:
        if r["folder"] != "node" or r["status"] == "out of scope":
            continue
        for op in op_types(directories[(r["folder"], r["name"])]):
            counts = ops.setdefault(op, [0, 0])
            counts[1] += 1
            counts[0] += r["status"] == "pass"
    in_scope = [r for r in results if r["status"] != "out of scope"]
    passed = sum(r["status"] == "pass" for r in in_scope)
    lines = [
        "# ONNX conformance",
        "",
        "<!-- Generated by test/onnx-conformance/run_conformance.py --table; do not edit. -->",
        "",
        "Strata on the ONNX backend test data shipped by Debian's `libonnx-testdata`",
        "(ONNX 1.12): each test's `model.onnx` is compiled for the host with `stratac`,",
        "every `test_data_set_*` is run with `strata-run`, and outputs are compared like",
        f"ONNX's backend runner (`numpy.allclose`, rtol {RTOL:g}, atol {ATOL:g}; integer and",
        "bool outputs exactly). Training operators, sequence and optional types,",
        "string tensors and random sampling (Bernoulli, whose expected values are",
        "one draw of NumPy's generator) are out of scope and listed as such.",
        "",
        f"- Date: {datetime.date.today().isoformat()}; {len(results)} tests in "
        f"{elapsed:.0f} s with {jobs} parallel jobs",
        f"- **In scope: {passed} of {len(in_scope)} pass "
        f"({100.0 * passed / max(len(in_scope), 1):.1f}%)**",
        "",
        "## By folder",
        "",
        "| folder | pass | fail | unsupported | out of scope |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for folder in FOLDERS:
        c = by_folder.get(folder, {})
        if not c:
            continue
        lines.append(f"| `{folder}` | {c.get('pass', 0)} | {c.get('fail', 0)} | "
                     f"{c.get('unsupported', 0)} | {c.get('out of scope', 0)} |")
    lines += ["", "## By operator (data/node)", "",
              "Tests whose model uses the operator, and how many of them pass.", "",
              "| operator | pass | tests |", "| --- | ---: | ---: |"]
    for op in sorted(ops):
        lines.append(f"| {op} | {ops[op][0]} | {ops[op][1]} |")
    frozen = [r for r in results if r["status"] == "pass" and r["detail"]]
    lines += ["", "## Passing with frozen inputs", "",
              "These models take shape-like values (Reshape's shape, Slice's bounds,",
              "reduction axes, Range's bounds, Resize's scales) as graph inputs. They",
              "compile once those int64, scalar or short 1-D inputs are fixed with",
              "`stratac --freeze-input NAME=FILE.pb`,",
              "using the value every data set shares.", "",
              "| folder | test | frozen |", "| --- | --- | --- |"]
    for r in sorted(frozen, key=lambda r: (r["folder"], r["name"])):
        lines.append(f"| {r['folder']} | {r['name']} | {r['detail'].split(': ', 1)[1]} |")
    lines += ["", "## Tests that do not pass", "",
              "| folder | test | status | reason |", "| --- | --- | --- | --- |"]
    for r in sorted(results, key=lambda r: (r["folder"], r["name"])):
        if r["status"] != "pass":
            detail = r["detail"].replace("|", "\\|")
            lines.append(f"| {r['folder']} | {r['name']} | {r['status']} | {detail} |")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stratac", required=True)
    parser.add_argument("--strata-run", required=True)
    parser.add_argument("--data", default="/usr/share/libonnx-testdata/data")
    parser.add_argument("--work", required=True, help="scratch directory")
    parser.add_argument("--folders", default=",".join(FOLDERS))
    parser.add_argument("--filter", default="", help="regex on test names")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--timeout", type=int, default=120, help="seconds per step")
    parser.add_argument("--table", help="write the markdown table here")
    parser.add_argument("--baseline", help="file of folder/test names that must pass")
    parser.add_argument("--update-baseline", action="store_true")
    parser.add_argument("--gpu-loops-on-host", action="store_true",
                        help="with a GPU --target: stratac --gpu-loops-on-host, run on "
                             "this CPU (the GPU lowering's numbers without a GPU)")
    parser.add_argument("--target", default="x86_64",
                        help="compile and run for this target (aarch64 runs under QEMU)")
    parser.add_argument("--sample", type=int, default=0,
                        help="run only N tests spread evenly over the baseline "
                             "(which they must all pass)")
    parser.add_argument("--verbose", action="store_true",
                        help="print every test that does not pass, with its reason")
    args = parser.parse_args()

    tests = discover(args.data, args.folders.split(","))
    if args.filter:
        tests = [t for t in tests if re.search(args.filter, t[1])]
    if args.sample:
        if not args.baseline or args.update_baseline:
            parser.error("--sample needs --baseline (and no --update-baseline)")
        with open(args.baseline) as f:
            passing = sorted(line.strip() for line in f
                             if line.strip() and not line.startswith("#"))
        step = max(1, len(passing) // args.sample)
        chosen = set(passing[::step][:args.sample])
        tests = [t for t in tests if f"{t[0]}/{t[1]}" in chosen]
    if not tests:
        print(f"conformance: no tests under {args.data}", file=sys.stderr)
        return 1
    start = time.time()
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        results = list(pool.map(
            lambda t: run_test(t, args.stratac, args.strata_run, args.work, args.timeout,
                               args.target, args.gpu_loops_on_host),
            tests))
    elapsed = time.time() - start
    # Reasons name files: keep this machine's scratch directory out of them.
    work = os.path.abspath(args.work)
    for r in results:
        r["detail"] = r["detail"].replace(work, "<work>")

    counts = {}
    for r in results:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
        if args.verbose and r["status"] != "pass":
            print(f"{r['status']}: {r['folder']}/{r['name']}: {r['detail']}")
    if args.table:
        write_table(args.table, results, tests, elapsed, args.jobs)
    passing = {f"{r['folder']}/{r['name']}" for r in results if r["status"] == "pass"}
    status = 0
    if args.baseline and args.update_baseline:
        with open(args.baseline, "w") as f:
            f.write("# Conformance tests that pass; run_conformance.py --baseline fails\n"
                    "# when one of them stops passing. Regenerate with --update-baseline.\n")
            f.write("\n".join(sorted(passing)) + "\n")
    elif args.baseline:
        with open(args.baseline) as f:
            required = {line.strip() for line in f if line.strip() and not line.startswith("#")}
        ran = {f"{folder}/{name}" for folder, name, _ in tests}
        regressions = sorted((required & ran) - passing)
        by_name = {f"{r['folder']}/{r['name']}": r for r in results}
        for test in regressions:
            r = by_name[test]
            print(f"conformance: REGRESSION {test}: {r['status']}: {r['detail']}")
        if regressions:
            status = 1
    print(f"conformance: {counts.get('unsupported', 0)} unsupported, "
          f"{counts.get('out of scope', 0)} out of scope, {elapsed:.0f} s")
    print(f"{counts.get('pass', 0)} passed, "
          f"{counts.get('fail', 0) + counts.get('unsupported', 0)} failed")
    return status


if __name__ == "__main__":
    sys.exit(main())
