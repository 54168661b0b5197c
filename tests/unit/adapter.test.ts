/** The adapter trained on a user's corrections (src/core/adapter.ts), on toy features. */
import { describe, expect, it } from 'vitest';
import { adaptedP, AdapterError, checkAdapterWeights, MAX_EXAMPLES, trainAdapter, type Adapter, type Example } from '../../src/core/adapter';

const SIZE = 8;

/** A seeded normal generator, so each toy set is the same on every run. */
function normal(seed: number): () => number {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

/**
 * Records of one writing style: a cluster of its own in feature space (`at` shifts every
 * h_正确 − h_错误 dimension but the first), where whether a record is correct shows in the
 * first dimension. `margin` is what the base model makes of each.
 */
function style(n: number, seed: number, at: number, margin: (correct: boolean, noise: number) => number): Example[] {
  const next = normal(seed);
  return Array.from({ length: n }, (_, i) => {
    const correct = i % 3 !== 0; // two in three correct, as a user's table mostly is
    const features = new Float32Array(2 * SIZE);
    for (let j = 0; j < 2 * SIZE; j++) features[j] = 0.2 * next();
    for (let j = 1; j < SIZE; j++) features[j] += at;
    features[0] += correct ? 1 : -1;
    return { features, margin: margin(correct, next()), correct, errorClass: correct ? null : 'junk_symbols' };
  });
}

/** A style the base model never saw: it calls every record of it wrong (margin −3). */
const unseenStyle = (n: number, seed: number) => style(n, seed, 0, (_, noise) => -3 + 0.1 * noise);
/** A style it knows, far from the unseen one: it reads it right. */
const knownStyle = (n: number, seed: number) => style(n, seed, 3, (correct, noise) => (correct ? 2 : -2) + noise);

const THRESHOLD = 0.5;
const calledCorrect = (adapter: Adapter, e: Example) => adaptedP(adapter, e.features, e.margin) >= adapter.threshold;

describe('trainAdapter', () => {
  it('learns a separable unseen style the base model calls wrong, and reports it out of fold', () => {
    const report = trainAdapter(unseenStyle(60, 1), SIZE, { baseThreshold: THRESHOLD });
    expect(report.before.falseAlarms).toBe(1); // the base model flags every correct record
    expect(report.after.falseAlarms).toBeLessThan(0.1);
    expect(report.after.recall).toBeGreaterThan(0.9);
    expect(report.after.accuracy).toBeGreaterThan(0.9);
    expect(report.perClass).toEqual([expect.objectContaining({ errorClass: 'junk_symbols', n: 20, before: 1 })]);

    // On records of the style it has not seen, the adapter accepts the correct ones and keeps flagging the wrong.
    const fresh = unseenStyle(90, 2);
    const called = fresh.map((e) => calledCorrect(report.adapter, e));
    const accepted = fresh.filter((e, i) => e.correct && called[i]).length / fresh.filter((e) => e.correct).length;
    const caught = fresh.filter((e, i) => !e.correct && !called[i]).length / fresh.filter((e) => !e.correct).length;
    expect(accepted).toBeGreaterThan(0.9);
    expect(caught).toBeGreaterThan(0.9);
  });

  it('leaves records unlike every correction to the base model: their P(correct) is the base one', () => {
    const { adapter } = trainAdapter(unseenStyle(60, 1), SIZE, { baseThreshold: THRESHOLD });
    for (const e of knownStyle(60, 5)) {
      expect(Math.abs(adaptedP(adapter, e.features, e.margin) - 1 / (1 + Math.exp(-e.margin)))).toBeLessThan(1e-3);
    }
    expect(adapter.threshold).toBe(THRESHOLD);
  });

  it('keeps the base model where the corrections agree with it', () => {
    const examples = knownStyle(40, 3);
    const report = trainAdapter(examples, SIZE, { baseThreshold: THRESHOLD });
    expect(report.before.accuracy).toBeGreaterThan(0.9);
    expect(report.after.accuracy).toBeGreaterThanOrEqual(report.before.accuracy - 0.1);
    const agree = knownStyle(60, 6).filter((e) => calledCorrect(report.adapter, e) === e.margin >= 0).length;
    expect(agree).toBeGreaterThanOrEqual(57);
  });

  it('refuses with too few corrections of either kind, saying how many it has and needs', () => {
    const examples = unseenStyle(60, 4);
    const fewWrong = examples.filter((e) => e.correct).concat(examples.filter((e) => !e.correct).slice(0, 4));
    expect(() => trainAdapter(fewWrong, SIZE, { baseThreshold: THRESHOLD })).toThrow(AdapterError);
    expect(() => trainAdapter(fewWrong, SIZE, { baseThreshold: THRESHOLD })).toThrow(
      'Too few corrections to adapt: 40 marked correct and 4 marked wrong; at least 5 of each are needed',
    );
  });

  it('refuses more examples than it learns from, saying how many', () => {
    expect(() => trainAdapter(unseenStyle(MAX_EXAMPLES + 1, 8), SIZE, { baseThreshold: THRESHOLD })).toThrow(`${MAX_EXAMPLES + 1} records to adapt on; an adapter learns from ${MAX_EXAMPLES} at most.`);
  });

  it('refuses features of the wrong size', () => {
    expect(() => trainAdapter(unseenStyle(30, 5), SIZE + 1, { baseThreshold: THRESHOLD })).toThrow('features of 16 values, expected 2 × 9');
  });

  it('is deterministic with a seed', () => {
    const examples = unseenStyle(45, 6);
    const a = trainAdapter(examples, SIZE, { baseThreshold: THRESHOLD, seed: 7 });
    const b = trainAdapter(examples, SIZE, { baseThreshold: THRESHOLD, seed: 7 });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });
});

describe('checkAdapterWeights', () => {
  it("refuses q4 weights, whose features are too far from the model's, naming the file; takes the others", () => {
    expect(() => checkAdapterWeights({ file: 'onnx/dual_q4.onnx', precision: 'q4' })).toThrow(/onnx\/dual_q4\.onnx.*Choose WASM, or fp32/);
    for (const precision of ['int8', 'fp32', 'fp16']) expect(() => checkAdapterWeights({ file: 'x.onnx', precision })).not.toThrow();
  });
});
