/**
 * npm run bench -- [--n 5000] [--model public/models/<name>] [--threads 1] [--webgpu-n 256] [--skip-browser]
 *
 * The same model and the same N generated records through every way we can score them,
 * one after another on this machine, each in its own process (its own peak RSS):
 *   pytorch_seed     PyTorch CPU, one record at a time, two forward passes (the seed's method)
 *   pytorch_batched  PyTorch CPU, batches of 64 records, two passes in one padded batch
 *   ort_node         onnxruntime-node through src/core (single-pass dual, bucketing)
 *   browser_wasm     the app's bridge + worker in headless Chromium on WASM
 *   browser_webgpu   the same on WebGPU; null without an adapter. SwiftShader (a CPU
 *                    emulation) is marked and scores only --webgpu-n records: its speed
 *                    says nothing about a GPU
 * plus the two-pass variants of the ONNX methods, to show what single-pass scoring gains,
 * and the kernels' ceiling: one MatMul in the model's widest shape on onnxruntime-node and
 * on onnxruntime-web's WASM (bench/gemm.ts), to tell the kernels' gap from our code's.
 * Every rate is end to end: record text in, P(correct) out (tokenization included).
 * Writes bench/results/latest.json and bench/results/<date>.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { basename, dirname, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultModelDir } from '../src/cli/node-scorer';
import { benchBrowser, gemmBrowser } from './browser';
import { GEMM_ROWS, type GemmModels, type GemmRates } from './gemm';

const ROOT = resolve(import.meta.dirname, '..');
const WORK = resolve(ROOT, 'bench/.work');
const PYTHON = resolve(ROOT, '.venv/bin/python');

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '5000' },
    model: { type: 'string' },
    threads: { type: 'string', default: '1' },
    'webgpu-n': { type: 'string', default: '256' },
    'skip-browser': { type: 'boolean', default: false },
  },
});
const n = Number(values.n);
const threads = Number(values.threads);
if (!Number.isInteger(n) || n < 1) throw new Error(`--n must be a positive integer, not '${values.n}'`);
if (!Number.isInteger(threads) || threads < 1) throw new Error(`--threads must be a positive integer, not '${values.threads}'`);
const modelDir = resolve(values.model ?? (await defaultModelDir()));
const model = basename(modelDir);

type Method = { records_per_s: number; peak_rss_mb: number; [key: string]: unknown };

/** Run a child process that prints one JSON object on its last line. */
function json(command: string, args: string[]): Method {
  const out = execFileSync(command, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 });
  return JSON.parse(out.trim().split('\n').pop()!);
}
const py = (args: string[]) => json(PYTHON, ['bench/torch_bench.py', ...args]);
const tsx = resolve(ROOT, 'node_modules/.bin/tsx');

function step<T>(name: string, run: () => T): T {
  process.stderr.write(`bench: ${name} ...\n`);
  return run();
}

mkdirSync(WORK, { recursive: true });
const recordsFile = resolve(WORK, `records-${n}.txt`);
step(`generating ${n} records`, () => py(['records', '--n', String(n), '--out', recordsFile]));
const records = readFileSync(recordsFile, 'utf8').split('\n').filter((l) => l !== '');
const common = ['--model', modelDir, '--records', recordsFile, '--threads', String(threads)];

const peak = step('matmul peak', () => py(['peak', '--threads', String(threads)])) as unknown as { matmul_gflops: number };
const gemmModels = step('GEMM graphs', () => py(['gemm-models', '--model', modelDir, '--out', resolve(WORK, 'gemm')])) as unknown as GemmModels;
type Gemm = { gflops: GemmRates };
const gemm: { shape: number[]; ort_node: Gemm; browser_wasm: Gemm | null } = {
  shape: [GEMM_ROWS, gemmModels.k, gemmModels.n],
  ort_node: step('GEMM on onnxruntime-node', () => json(tsx, ['bench/ort-node.ts', '--gemm', resolve(WORK, 'gemm'), '--shape', `${gemmModels.k}x${gemmModels.n}`, '--threads', String(threads)])) as unknown as Gemm,
  browser_wasm: null,
};
const flops = step('FLOPs per record', () => py(['flops', ...common.slice(0, 4)])) as unknown as { two_pass: number; single_pass: number };

const methods: Record<string, Method | null> = {};
methods.pytorch_seed = step('pytorch_seed', () => py(['score', '--method', 'seed', ...common]));
methods.pytorch_batched = step('pytorch_batched', () => py(['score', '--method', 'batched', ...common]));
for (const mode of ['dual', 'two-pass']) {
  const key = mode === 'dual' ? 'ort_node' : 'ort_node_two_pass';
  methods[key] = step(key, () => json(tsx, ['bench/ort-node.ts', ...common, '--mode', mode]));
}
if (!values['skip-browser']) {
  if (dirname(modelDir) !== resolve(ROOT, 'public/models')) {
    process.stderr.write(`bench: browser methods skipped: ${modelDir} is not served (only public/models/<name> is)\n`);
  } else {
    for (const mode of ['dual', 'two-pass'] as const) {
      const key = mode === 'dual' ? 'browser_wasm' : 'browser_wasm_two_pass';
      methods[key] = await step(key, () => benchBrowser({ model, backend: 'wasm', threads, mode }, records)) as Method;
    }
    gemm.browser_wasm = await step('GEMM on WASM', () => gemmBrowser(gemmModels, threads));
    const webgpuN = Math.min(n, Number(values['webgpu-n']));
    const gpu = (await step('browser_webgpu', () =>
      benchBrowser({ model, backend: 'webgpu', threads, mode: 'dual' }, records.slice(0, webgpuN)))) as Method;
    const swiftshader = /swiftshader/i.test(String(gpu.adapter));
    methods.browser_webgpu = gpu.backend === 'webgpu' ? { ...gpu, n_records: webgpuN, swiftshader } : null;
  }
}

const FLOPS_OF: Record<string, number> = {
  pytorch_seed: flops.two_pass,
  pytorch_batched: flops.two_pass,
  ort_node_two_pass: flops.two_pass,
  browser_wasm_two_pass: flops.two_pass,
};
for (const [key, m] of Object.entries(methods)) {
  if (m) m.achieved_gflops = ((FLOPS_OF[key] ?? flops.single_pass) * m.records_per_s) / 1e9;
}

const cpu = cpus()[0]?.model ?? 'unknown CPU';
const result = {
  date: new Date().toISOString(),
  machine: `${cpu}, ${cpus().length} logical cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${process.platform}; Chromium ${execFileSync('/usr/bin/chromium', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()}`,
  model,
  model_dir: relative(ROOT, modelDir),
  n_records: n,
  threads,
  flops_per_record: flops,
  matmul_peak_gflops: peak.matmul_gflops,
  onnxruntime_gemm: gemm,
  ...methods,
  browser_webgpu: methods.browser_webgpu ?? null,
};

const results = resolve(ROOT, 'bench/results');
mkdirSync(results, { recursive: true });
const text = JSON.stringify(result, null, 2) + '\n';
writeFileSync(resolve(results, 'latest.json'), text);
writeFileSync(resolve(results, `${result.date.replace(/[:.]/g, '-')}.json`), text);

const base = { batched: methods.pytorch_batched!.records_per_s, ort: methods.ort_node!.records_per_s };
const rows = Object.entries(methods).map(([key, m]) =>
  m
    ? [key, m.records_per_s.toFixed(1), (m.records_per_s / base.batched).toFixed(2) + 'x', (m.records_per_s / base.ort).toFixed(2) + 'x', m.peak_rss_mb.toFixed(0), (m.achieved_gflops as number).toFixed(2), [key === 'browser_webgpu' ? `${m.adapter}${m.swiftshader ? ' (SwiftShader: CPU emulation, speed meaningless)' : ''}, ${m.n_records} records` : '', (m.weights as { precision?: string } | undefined)?.precision ? `${(m.weights as { precision: string }).precision} weights` : ''].filter(Boolean).join('; ')]
    : [key, 'n/a', '', '', '', '', 'no WebGPU adapter'],
);
const header = ['method', 'records/s', 'vs pytorch_batched', 'vs ort_node', 'peak RSS MB', 'GFLOP/s', 'note'];
const table = [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
console.log(`\n${result.machine}\nmodel ${model}, ${n} records, ${threads} thread(s)\n`);
console.log(table);
console.log(
  `\nFLOPs per record: ${(flops.single_pass / 1e6).toFixed(2)} M single-pass, ${(flops.two_pass / 1e6).toFixed(2)} M two-pass; ` +
    `matmul peak ${peak.matmul_gflops.toFixed(1)} GFLOP/s (torch fp32 1024x1024, ${threads} thread(s)); ` +
    `single-pass vs two-pass: ort_node ${(methods.ort_node!.records_per_s / methods.ort_node_two_pass!.records_per_s).toFixed(2)}x` +
    (methods.browser_wasm && methods.browser_wasm_two_pass
      ? `, browser_wasm ${(methods.browser_wasm.records_per_s / methods.browser_wasm_two_pass.records_per_s).toFixed(2)}x`
      : ''),
);
const g = (m: Gemm) => `fp32 ${m.gflops.fp32.toFixed(1)}, 8-bit ${m.gflops.int8.toFixed(1)} GFLOP/s`;
console.log(
  `onnxruntime GEMM ${gemm.shape.join('x')} (the model's widest MatMul), ${threads} thread(s): node ${g(gemm.ort_node)}` +
    (gemm.browser_wasm
      ? `; WASM ${g(gemm.browser_wasm)}: the WASM kernels run at ${(gemm.browser_wasm.gflops.int8 / gemm.ort_node.gflops.int8).toFixed(2)}x native on the 8-bit weights the scorer runs` +
        (methods.browser_wasm ? `, the whole scorer at ${(methods.browser_wasm.records_per_s / methods.ort_node!.records_per_s).toFixed(2)}x` : '')
      : ''),
);
console.log(`wrote bench/results/latest.json`);
