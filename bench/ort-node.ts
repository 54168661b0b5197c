/**
 * One bench method on onnxruntime-node, in its own process so its peak RSS is its own:
 *   tsx bench/ort-node.ts --model DIR --records FILE --threads N --mode dual|two-pass [--batch N]
 *   tsx bench/ort-node.ts --gemm DIR --shape KxN --threads N
 * Prints one JSON line: records/s (text in, P(correct) out: tokenization included) and peak
 * RSS; with --gemm, the GFLOP/s of torch_bench.py gemm-models' graphs in DIR, a MatMul of
 * K inputs and N outputs (bench/gemm.ts).
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { nodeScorer } from '../src/cli/node-scorer';
import { GEMM_PRECISIONS, gemmFile, timeGemm, type GemmRates } from './gemm';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    records: { type: 'string' },
    threads: { type: 'string', default: '1' },
    mode: { type: 'string', default: 'dual' },
    batch: { type: 'string', default: '64' },
    gemm: { type: 'string' },
    shape: { type: 'string' },
  },
});
if (values.gemm) {
  const [k, n] = (values.shape ?? '').split('x').map(Number);
  if (!(k > 0 && n > 0)) throw new Error(`--gemm needs --shape KxN (the MatMul's inner and output sizes), got ${values.shape}`);
  const options = { intraOpNumThreads: Number(values.threads), interOpNumThreads: 1 };
  const gflops = {} as GemmRates;
  for (const precision of GEMM_PRECISIONS) gflops[precision] = await timeGemm(ort, await readFile(`${values.gemm}/${gemmFile(precision)}`), k, n, options);
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
