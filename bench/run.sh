#!/usr/bin/env bash
# run.sh - time Strata against ONNX Runtime and PyTorch, then regenerate docs/performance.md.
#
# `make bench` calls this with the build directory. In one run it installs the
# ONNX Runtime Node binding into BUILD/bench/node (once; outside the source
# tree), exports the end-to-end models, compiles each with stratac (timing the
# compile), times Strata and ONNX Runtime on 1 and 2 threads and PyTorch on 1,
# measures this core's peak FLOP rate (bench/peak_flops.c) and each model's
# FLOPs (bench/model_flops.py), writes BUILD/bench/results.json and renders it
# with bench/report.py. A peer that cannot be installed or fails on a model is
# recorded as such and the rest still runs: the document says what is missing.
#
#   bash bench/run.sh BUILD_DIR
#   BENCH_MODELS="mlp cnn" bash bench/run.sh build   # a subset, for a quick look

set -u -o pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: bench/run.sh BUILD_DIR" >&2
  exit 2
fi
BUILD=$(cd "$1" && pwd) || exit 2
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PY=/usr/bin/python3
STRATAC=$BUILD/bin/stratac
STRATA_RUN=$BUILD/bin/strata-run
for tool in "$STRATAC" "$STRATA_RUN"; do
  [[ -x $tool ]] || { echo "bench: $tool is missing; build first (make build)" >&2; exit 2; }
done

BENCH=$BUILD/bench
MODELS_DIR=$BENCH/models
COMPILED=$BENCH/compiled
RAW=$BENCH/raw               # one JSON (or .log on failure) per model and runtime
ORT_PREFIX=$BENCH/node
ORT_VERSION=1.30.0
MODELS=${BENCH_MODELS:-"mlp cnn kws mobilenet_block traffic_lstm transformer_encoder resnet18 mobilenet_v2"}

# Runs per model: enough for ~TARGET_MS of Strata time, within [MIN_RUNS, MAX_RUNS];
# the peers use the same count but stop after MAX_SECONDS (keeping at least 3).
TARGET_MS=2000
MIN_RUNS=5
MAX_RUNS=2000
MAX_SECONDS=10
THREAD_COUNTS="1 2"   # Strata and ONNX Runtime; PyTorch runs on 1
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1

START=$SECONDS
LOAD_START=$(cut -d' ' -f1 /proc/loadavg)   # other work on the machine skews every column
rm -rf "$RAW"
mkdir -p "$MODELS_DIR" "$COMPILED" "$RAW"
log() { echo "bench: $*"; }

# Runs a command with its output in LOG; prints the last line of LOG on failure.
run_logged() {
  local logfile=$1; shift
  if "$@" >"$logfile" 2>&1; then return 0; fi
  log "FAILED: $* -> $(tail -n 1 "$logfile")"
  return 1
}

# --- 1. ONNX Runtime (Node binding) ----------------------------------------------
ort_ok=0
ort_pkg=$ORT_PREFIX/node_modules/onnxruntime-node/package.json
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "node or npm is not installed" >"$RAW/ort_install.log"
  log "ONNX Runtime: skipped (node/npm not installed)"
else
  if [[ -f $ort_pkg ]] && grep -q "\"version\": \"$ORT_VERSION\"" "$ort_pkg"; then
    log "ONNX Runtime: onnxruntime-node@$ORT_VERSION already in $ORT_PREFIX"
  else
    log "ONNX Runtime: npm install onnxruntime-node@$ORT_VERSION into $ORT_PREFIX"
    mkdir -p "$ORT_PREFIX"
    # --ignore-scripts: the install script only fetches GPU files (and fails offline).
    run_logged "$RAW/npm_install.log" npm install --ignore-scripts --no-audit --no-fund \
      --prefix "$ORT_PREFIX" "onnxruntime-node@$ORT_VERSION"
  fi
  export NODE_PATH=$ORT_PREFIX/node_modules
  if run_logged "$RAW/ort_load.log" node -e "require('onnxruntime-node')"; then
    ort_ok=1
  else
    # The first error line says why (npm's, if the install failed); the report quotes the last.
    { grep -hiE '^(npm error|Error)' "$RAW/npm_install.log" "$RAW/ort_load.log" 2>/dev/null || true; } |
      head -n 1 >"$RAW/ort_install.log"
    [[ -s $RAW/ort_install.log ]] || echo "cannot load onnxruntime-node" >"$RAW/ort_install.log"
    echo "(logs: bench/raw/ in the build directory)" >>"$RAW/ort_install.log"
    log "ONNX Runtime: unavailable ($(head -n 1 "$RAW/ort_install.log")); continuing with Strata and PyTorch"
  fi
fi

# --- 2. Export and compile -----------------------------------------------------------
log "exporting models into $MODELS_DIR"
if ! "$PY" "$REPO/test/e2e/export_models.py" --out "$MODELS_DIR" --models "${MODELS// /,}"; then
  log "export_models.py failed; nothing to measure" >&2
  exit 1
fi

inputs_of() {  # --input flags for strata-run / ort_bench.js, in numeric order
  local m=$1 k=0
  while [[ -f $MODELS_DIR/$m/input_$k.npy ]]; do
    printf -- '--input\n%s\n' "$MODELS_DIR/$m/input_$k.npy"
    k=$((k + 1))
  done
}

declare -A RUNS
for m in $MODELS; do
  rm -rf "${COMPILED:?}/$m"
  log "stratac $m"
  compile_start=$(date +%s.%N)
  run_logged "$RAW/$m.strata.log" "$STRATAC" "$MODELS_DIR/$m/model.onnx" --emit=shared \
    --name "$m" -o "$COMPILED/$m" || continue
  awk -v a="$compile_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f\n", b - a }' \
    >"$RAW/$m.compile_s"
  # The timed artifact is the autotuned one (the compile time above is the
  # default compile's); timings cached across runs in BUILD/bench.
  rm -rf "${COMPILED:?}/$m"
  run_logged "$RAW/$m.autotune.log" "$STRATAC" "$MODELS_DIR/$m/model.onnx" --emit=shared \
    --name "$m" -o "$COMPILED/$m" --autotune --autotune-cache="$BENCH/autotune" --report \
    || continue
  "$PY" "$REPO/bench/model_flops.py" "$MODELS_DIR/$m/model.onnx" >"$RAW/$m.flops" 2>/dev/null ||
    rm -f "$RAW/$m.flops"
  mapfile -t ins < <(inputs_of "$m")
  # Calibrate: strata-run warms up once, then times one run.
  if ! run_logged "$RAW/$m.strata.log" "$STRATA_RUN" "$COMPILED/$m" "${ins[@]}" --benchmark 1; then
    continue
  fi
  one_ms=$(sed -n 's/^benchmark: runs=[0-9]* median_ms=\([0-9.eE+-]*\).*/\1/p' "$RAW/$m.strata.log")
  RUNS[$m]=$(awk -v t="${one_ms:-0}" -v target=$TARGET_MS -v lo=$MIN_RUNS -v hi=$MAX_RUNS \
    'BEGIN { n = (t > 0) ? int(target / t) : hi; print (n < lo) ? lo : (n > hi) ? hi : n }')
done

# --- 3. Measure ---------------------------------------------------------------------
log "peak FLOP rate of one core (bench/peak_flops.c)"
if clang-22 -O2 -march=native -ffp-contract=fast "$REPO/bench/peak_flops.c" \
     -o "$BENCH/peak_flops" 2>"$RAW/peak.log"; then
  "$BENCH/peak_flops" >"$RAW/peak.txt" 2>>"$RAW/peak.log"
fi

if [[ $ort_ok == 1 ]]; then
  log "ONNX Runtime call overhead (Identity model)"
  "$PY" "$REPO/bench/identity_model.py" "$BENCH/identity" &&
    run_logged "$RAW/identity.ort.log" node "$REPO/bench/ort_bench.js" \
      --model "$BENCH/identity/model.onnx" --input "$BENCH/identity/input_0.npy" \
      --runs 2000 --out "$RAW/identity.ort.json"
fi

for m in $MODELS; do
  n=${RUNS[$m]:-20}   # Strata failed: the peers still run, 20 times
  mapfile -t ins < <(inputs_of "$m")
  for t in $THREAD_COUNTS; do
    suffix=$([[ $t == 1 ]] || echo ".t$t")   # 1 thread: $m.strata.json, 2: $m.strata.t2.json
    if [[ -n ${RUNS[$m]:-} ]]; then
      log "$m: strata-run x$n, $t thread(s)"
      # --output too: the assembly step checks the timed code still computes the right answer.
      if run_logged "$RAW/$m.strata$suffix.log" "$STRATA_RUN" "$COMPILED/$m" "${ins[@]}" \
          --benchmark "$n" --threads "$t" --output "$RAW/$m.strata${suffix}_output_0.npy"; then
        sed -n 's/^benchmark: runs=\([0-9]*\) median_ms=\([0-9.eE+-]*\) min_ms=\([0-9.eE+-]*\).*/{"median_ms": \2, "min_ms": \3, "runs": \1, "warmup": 1}/p' \
          "$RAW/$m.strata$suffix.log" >"$RAW/$m.strata$suffix.json"
        [[ -s $RAW/$m.strata$suffix.json ]] ||
          { rm -f "$RAW/$m.strata$suffix.json"; log "$m: no benchmark line from strata-run"; }
      fi
    fi
    if [[ $ort_ok == 1 ]]; then
      log "$m: onnxruntime x$n, $t thread(s)"
      run_logged "$RAW/$m.ort$suffix.log" node "$REPO/bench/ort_bench.js" \
        --model "$MODELS_DIR/$m/model.onnx" "${ins[@]}" --expected "$MODELS_DIR/$m/expected_0.npy" \
        --runs "$n" --threads "$t" --max-seconds $MAX_SECONDS --out "$RAW/$m.ort$suffix.json"
    fi
  done
  log "$m: torch x$n"
  run_logged "$RAW/$m.torch.log" "$PY" "$REPO/bench/torch_bench.py" --model "$m" \
    --models-dir "$MODELS_DIR" --runs "$n" --max-seconds $MAX_SECONDS --out "$RAW/$m.torch.json"
done

# --- 3b. Terminals: the keyword spotter on an emulated Cortex-M4 and M55 -------------
# Instructions come from SysTick under QEMU's -icount shift=0 (examples/kws-cortex-m):
# the float build on each core, and the int8 one (--quantize=int8) on the M4.
for build in cortex-m4 cortex-m4-int8 cortex-m55; do
  run_target=kws-${build/cortex-m4/cortex-m}-run
  if grep -q "$run_target" "$BUILD/build.ninja" 2>/dev/null; then
    log "kws: $build under qemu-system-arm -icount"
    run_logged "$RAW/kws.$build.log" cmake --build "$BUILD" --target "$run_target"
  fi
done
export BENCH_KWS_DIR=$BUILD/examples/kws-cortex-m

# --- 3c. int8: Strata's --quantize=int8 against PyTorch's FX post-training quantization -
# On torchvision ResNet-18 and MobileNetV2 and the KWS CNN, BatchNorm statistics
# re-estimated on random data (bench/int8_bench.py); BENCH_INT8=0 skips it.
if [[ ${BENCH_INT8:-1} == 1 ]]; then
  log "int8: Strata and PyTorch FX (bench/int8_bench.py)"
  run_logged "$RAW/int8.log" "$PY" "$REPO/bench/int8_bench.py" --stratac "$STRATAC" \
    --strata-run "$STRATA_RUN" --work "$BENCH/int8" --out "$RAW/int8.json" || true
fi

# --- 3d. Pruning: --prune=channels:0.3 against the unpruned build, alternated ---------
# (bench/prune_bench.py); BENCH_PRUNE=0 skips it.
if [[ ${BENCH_PRUNE:-1} == 1 ]]; then
  log "pruning: channels:0.3 against unpruned (bench/prune_bench.py)"
  run_logged "$RAW/prune.log" "$PY" "$REPO/bench/prune_bench.py" --stratac "$STRATAC" \
    --strata-run "$STRATA_RUN" --models-dir "$MODELS_DIR" --work "$BENCH/prune" \
    --out "$RAW/prune.json" || true
fi

# --- 4. Results and report ------------------------------------------------------------
export BENCH_RAW=$RAW BENCH_MODELS_DIR=$MODELS_DIR BENCH_MODELS_LIST=$MODELS BENCH_THREAD_COUNTS=$THREAD_COUNTS BENCH_ELAPSED=$((SECONDS - START))
export BENCH_LOAD="$LOAD_START $(cut -d' ' -f1 /proc/loadavg)"
export BENCH_DATE=$(date -u +%Y-%m-%d)
export BENCH_CPU=$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
export BENCH_CORES=$(getconf _NPROCESSORS_ONLN)  # not nproc: it obeys OMP_NUM_THREADS
export BENCH_ISA=$(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -xE 'avx2|fma|avx512f' | sort -u | paste -sd, -)
export BENCH_ORT_VERSION=$([[ $ort_ok == 1 ]] && sed -n 's/.*"version": "\(.*\)".*/\1/p' "$ort_pkg" | head -n1)
export BENCH_NODE_VERSION=$(node --version 2>/dev/null)
export BENCH_STRATA_COMMIT=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null)$(
  git -C "$REPO" diff --quiet HEAD -- 2>/dev/null || echo "+local changes")
"$PY" - "$BENCH/results.json" <<'EOF'
import glob, json, os, sys
import numpy as np
import torch

raw = os.environ["BENCH_RAW"]

def result(stem):
    """The runtime's JSON, or {"error": last line of its log}, or None if never run."""
    path = os.path.join(raw, stem)
    if os.path.exists(path + ".json"):
        with open(path + ".json") as f:
            return json.load(f)
    if os.path.exists(path + ".log"):
        with open(path + ".log", errors="replace") as f:
            lines = [l.strip() for l in f if l.strip()]
        error = lines[-1] if lines else "failed without output"
        # Paths under the build directory say nothing to a reader of the doc.
        return {"error": error.replace(os.environ["BENCH_MODELS_DIR"] + "/", "")}
    return None

def number(stem):
    """The one number in RAW/stem, or None."""
    path = os.path.join(raw, stem)
    if not os.path.exists(path):
        return None
    with open(path) as f:
        text = f.read().split()
    return float(text[-1]) if text else None

def strata_result(model, suffix=""):
    """strata-run's timing plus how far its output is from PyTorch's, as ort/torch report."""
    found = result(model + ".strata" + suffix)
    output = os.path.join(raw, model + ".strata" + suffix + "_output_0.npy")
    if found and "median_ms" in found and os.path.exists(output):
        got = np.load(output)
        want = np.load(os.path.join(os.environ["BENCH_MODELS_DIR"], model, "expected_0.npy"))
        scale = float(np.max(np.abs(want))) or 1.0
        found["max_rel_err"] = (float(np.max(np.abs(got - want))) / scale
                                if got.shape == want.shape else float("inf"))
    return found

ort_error = None
if os.path.exists(os.path.join(raw, "ort_install.log")):
    with open(os.path.join(raw, "ort_install.log"), errors="replace") as f:
        ort_error = {"error": " ".join(l.strip() for l in f if l.strip())}
doc = {
    "date": os.environ["BENCH_DATE"],
    "cpu": os.environ["BENCH_CPU"],
    "cpu_isa": os.environ["BENCH_ISA"],
    "cores": int(os.environ["BENCH_CORES"]),
    "thread_counts": [int(t) for t in os.environ["BENCH_THREAD_COUNTS"].split()],
    "peak_gflops_per_core": number("peak.txt"),
    "elapsed_s": int(os.environ["BENCH_ELAPSED"]),
    "load_average_1min": dict(zip(("start", "end"), map(float, os.environ["BENCH_LOAD"].split()))),
    "versions": {"strata": os.environ["BENCH_STRATA_COMMIT"],
                 "onnxruntime-node": os.environ["BENCH_ORT_VERSION"] or None,
                 "node": os.environ["BENCH_NODE_VERSION"] or None,
                 "torch": torch.__version__},
    "ort_unavailable": ort_error["error"] if ort_error else None,
    "ort_call_overhead": result("identity.ort"),
    # "strata"/"ort" on 1 thread; "strata.t2"/"ort.t2" on 2.
    "models": [dict({"name": m, "strata": strata_result(m), "ort": result(m + ".ort"),
                     "torch": result(m + ".torch"), "compile_s": number(m + ".compile_s"),
                     "flops": number(m + ".flops")},
                    **{f"{runtime}.t{t}": (strata_result(m, f".t{t}") if runtime == "strata"
                                           else result(f"{m}.{runtime}.t{t}"))
                       for t in os.environ["BENCH_THREAD_COUNTS"].split() if t != "1"
                       for runtime in ("strata", "ort")})
               for m in os.environ["BENCH_MODELS_LIST"].split()],
    "terminals": [],
    "int8": result("int8"),
    "prune": result("prune"),
}
for build, core, board in (("cortex-m4", "cortex-m4", "mps2-an386"),
                           ("cortex-m4-int8", "cortex-m4", "mps2-an386"),
                           ("cortex-m55", "cortex-m55", "mps3-an547")):
    kws_log = os.path.join(raw, f"kws.{build}.log")
    kws_manifest = os.path.join(os.environ["BENCH_KWS_DIR"], build, "model", "kws.json")
    if not (os.path.exists(kws_log) and os.path.exists(kws_manifest)):
        continue
    import re
    with open(kws_log, errors="replace") as f:
        text = f.read()
    with open(kws_manifest) as f:
        manifest = json.load(f)
    found = re.search(r"inference: (\d+) SysTick ticks at (\d+) Hz \(= (\d+) instructions", text)
    error = re.search(r"max \|strata - pytorch\| = (\S+) \(scale (\S+)\)", text)
    doc["terminals"].append({
        "model": "kws", "target": core, "board": board,
        "precision": "int8" if build.endswith("-int8") else "float32",
        "instructions": int(found.group(3)) if found else None,
        "instruction_resolution": 1000000000 / int(found.group(2)) if found else None,
        "max_rel_err": float(error.group(1)) / float(error.group(2)) if error else None,
        "code_bytes": manifest["code_bytes"], "weight_bytes": manifest["weight_bytes"],
        "arena_bytes": manifest["arena"]["bytes"],
        "arena_lower_bound_bytes": manifest["arena"]["lower_bound_bytes"],
        "stack_bytes_estimate": manifest.get("stack_bytes_estimate"),
    })
with open(sys.argv[1], "w") as f:
    json.dump(doc, f, indent=2)
    f.write("\n")
EOF
log "wrote $BENCH/results.json"
"$PY" "$REPO/bench/report.py" "$BENCH/results.json" -o "$REPO/docs/performance.md" || exit 1
log "wrote $REPO/docs/performance.md in $((SECONDS - START)) s"
