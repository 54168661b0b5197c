/**
 * One bench method on onnxruntime-node, in its own process so its peak RSS is its own:
 *   tsx bench/ort-node.ts --model DIR --records FILE --threads N --mode dual|two-pass [--batch N]
 *   tsx bench/ort-node.ts --gemm DIR --model DIR --threads N
 * Prints one JSON line: records/s (text in, P(correct) out: tokenization included) and peak
 * RSS; with --gemm, the GFLOP/s of torch_bench.py gemm-models' graphs in DIR (bench/gemm.ts).
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { nodeScorer } from '../src/cli/node-scorer';
import { timeGemm } from './gemm';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    records: { type: 'string' },
    threads: { type: 'string', default: '1' },
    mode: { type: 'string', default: 'dual' },
    batch: { type: 'string', default: '64' },
    gemm: { type: 'string' },
  },
});
if (values.gemm) {
  const config = JSON.parse(await readFile(`${values.model}/config.json`, 'utf8'));
  const [k, n] = [config.hidden_size, config.intermediate_size];
  const options = { intraOpNumThreads: Number(values.threads), interOpNumThreads: 1 };
  const gflops: Record<string, number> = {};
  for (const precision of ['fp32', 'int8']) gflops[precision] = await timeGemm(ort, await readFile(`${values.gemm}/gemm_${precision}.onnx`), k, n, options);
  console.log(JSON.stringify({ gflops, threads: Number(values.threads) }));
  process.exit(0);
}
const records = (await readFile(values.records!, 'utf8')).split('\n').filter((l) => l !== '');
const mode = values.mode as 'dual' | 'two-pass';
const scorer = await nodeScorer(values.model!, 'quantized', { mode, threads: Number(values.threads), batchSize: Number(values.batch) });
await scorer.score(records.slice(0, 64).map((r) => r + '。')); // warm-up (other texts: the token cache stays cold)
const started = performance.now();
const scored = await scorer.score(records);
const seconds = (performance.now() - started) / 1000;
console.log(
  JSON.stringify({
    records_per_s: records.length / seconds,
    seconds,
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
    mode: scorer.mode,
    batch_size: scorer.batchSize,
    p_correct_head: scored.slice(0, 5).map((s) => s.pCorrect),
  }),
);
