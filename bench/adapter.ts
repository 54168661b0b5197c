/**
 * How long an adapter takes to train and to apply (issue 43: "trains in seconds on a few
 * hundred rows"), on features of the default model's size. Prints one line per number of
 * examples: the training time (cross-validation included, as the page runs it) and the
 * cost per scored record, both measured in this run.
 *
 *   npx tsx bench/adapter.ts [--size 128] [--n 30,100,400]
 */
import { parseArgs } from 'node:util';
import { adaptedP, trainAdapter, type Example } from '../src/core/adapter';

const { values } = parseArgs({ options: { size: { type: 'string', default: '128' }, n: { type: 'string', default: '30,100,400' } } });
const size = Number(values.size);

/** Seeded toy features: two in three correct, told apart along a few directions. */
function examples(n: number, seed: number): Example[] {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
  return Array.from({ length: n }, (_, i) => {
    const correct = i % 3 !== 0;
    const features = Float32Array.from({ length: 2 * size }, () => next());
    for (let j = 0; j < 4; j++) features[j] += correct ? 0.5 : -0.5;
    return { features, margin: -2 + next(), correct };
  });
}

console.log(`adapter bench: features of 2 x ${size}, one thread (${process.version})`);
for (const n of values.n.split(',').map(Number)) {
  const train = examples(n, 1);
  const started = performance.now();
  const report = trainAdapter(train, size, { baseThreshold: 0.5, seed: 1 });
  const trainSeconds = (performance.now() - started) / 1000;
  const score = examples(2000, 2);
  const t0 = performance.now();
  let sink = 0;
  for (const e of score) sink += adaptedP(report.adapter, e.features, e.margin);
  const perRecordMs = (performance.now() - t0) / score.length;
  const fileKb = JSON.stringify(report.adapter).length / 1024;
  console.log(
    `n=${String(n).padStart(4)}  train ${trainSeconds.toFixed(2)} s  apply ${(perRecordMs * 1000).toFixed(1)} µs/record  file ${fileKb.toFixed(0)} KB  ` +
      `(CV accuracy ${report.before.accuracy.toFixed(2)} -> ${report.after.accuracy.toFixed(2)}; checksum ${sink.toFixed(1)})`,
  );
}
