// ort_bench.js - time one ONNX model under ONNX Runtime's Node binding.
//
// The ONNX Runtime column of docs/performance.md. It loads the same model.onnx
// Strata compiles, feeds it the same .npy inputs, runs a few warm-up inferences
// and then times RUNS calls of `await session.run(feeds)` one after another on
// THREADS intra-op threads (default 1) and one inter-op thread. Each timed call includes the Node
// binding's per-call cost (tensor wrapping, the promise round trip); run.sh
// measures that cost once on an Identity model and reports it instead of
// subtracting it. Writes one JSON object:
//   {"median_ms", "min_ms", "runs", "warmup", "max_rel_err"?}
//
//   NODE_PATH=BUILD/bench/node/node_modules node bench/ort_bench.js \
//       --model model.onnx --input input_0.npy [--expected expected_0.npy] \
//       --runs N [--max-seconds S] [--threads T] --out result.json

'use strict';

const fs = require('fs');
const ort = require('onnxruntime-node');

function parseArgs(argv) {
  const args = { inputs: [], runs: 100, maxSeconds: 10, expected: null, out: null, model: null,
                 threads: 1 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--model') args.model = value;
    else if (flag === '--input') args.inputs.push(value);
    else if (flag === '--expected') args.expected = value;
    else if (flag === '--runs') args.runs = parseInt(value, 10);
    else if (flag === '--max-seconds') args.maxSeconds = parseFloat(value);
    else if (flag === '--out') args.out = value;
    else if (flag === '--threads') args.threads = parseInt(value, 10);
    else throw new Error(`unknown flag ${flag}`);
  }
  if (!args.model || !args.out || args.inputs.length === 0 || !(args.runs > 0)) {
    throw new Error('usage: ort_bench.js --model M --input X.npy [...] --runs N --out R.json');
  }
  return args;
}

/// Reads a little-endian float32, C-order .npy file (what export_models.py writes).
function readNpy(path) {
  const buf = fs.readFileSync(path);
  if (buf.toString('latin1', 1, 6) !== 'NUMPY') throw new Error(`${path}: not an .npy file`);
  const major = buf[6];
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = (major === 1 ? 10 : 12);
  const header = buf.toString('latin1', start, start + headerLen);
  if (!/'descr':\s*'<f4'/.test(header) || /'fortran_order':\s*True/.test(header)) {
    throw new Error(`${path}: expected a C-order float32 array, header ${header.trim()}`);
  }
  const shape = header.match(/'shape':\s*\(([^)]*)\)/)[1]
    .split(',').map((s) => s.trim()).filter((s) => s.length).map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  // Copy into a fresh, 4-byte aligned buffer: the data offset need not be aligned.
  const data = new Float32Array(count);
  Buffer.from(data.buffer).set(buf.subarray(start + headerLen, start + headerLen + 4 * count));
  return { shape, data };
}

function median(sorted) {
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const session = await ort.InferenceSession.create(args.model, {
    intraOpNumThreads: args.threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  if (session.inputNames.length !== args.inputs.length) {
    throw new Error(`model has ${session.inputNames.length} inputs, got ${args.inputs.length} --input`);
  }
  const feeds = {};
  session.inputNames.forEach((name, k) => {
    const { shape, data } = readNpy(args.inputs[k]);
    feeds[name] = new ort.Tensor('float32', data, shape);
  });

  // Warm-up: the first calls allocate and plan; a slow model gets one. The
  // fastest warm-up call estimates what a timed run costs.
  let outputs;
  let estimateMs = Infinity;
  let warmup = 0;
  while (warmup < 3 && (warmup === 0 || estimateMs < 1000)) {
    const t0 = process.hrtime.bigint();
    outputs = await session.run(feeds);
    estimateMs = Math.min(estimateMs, Number(process.hrtime.bigint() - t0) / 1e6);
    warmup++;
  }

  let maxRelErr;
  if (args.expected) {
    const want = readNpy(args.expected).data;
    const got = outputs[session.outputNames[0]].data;
    let err = 0;
    let scale = 0;
    for (let i = 0; i < want.length; i++) {
      err = Math.max(err, Math.abs(got[i] - want[i]));
      scale = Math.max(scale, Math.abs(want[i]));
    }
    maxRelErr = got.length === want.length ? err / (scale || 1) : Infinity;
  }

  // Never let one model run past --max-seconds (at least 3 timed runs).
  let runs = args.runs;
  if (runs * estimateMs > args.maxSeconds * 1000) {
    runs = Math.max(3, Math.floor((args.maxSeconds * 1000) / estimateMs));
  }
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await session.run(feeds);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  const result = { median_ms: median(times), min_ms: times[0], runs, warmup };
  if (maxRelErr !== undefined) result.max_rel_err = maxRelErr;
  fs.writeFileSync(args.out, JSON.stringify(result) + '\n');
  console.log(`ort: runs=${runs} median_ms=${result.median_ms.toFixed(6)} min_ms=${result.min_ms.toFixed(6)}`);
}

main().catch((err) => {
  console.error(`ort_bench: ${err.message || err}`);
  process.exit(1);
});
