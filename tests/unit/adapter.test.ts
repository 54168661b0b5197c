/** The adapter trained on a user's corrections (src/core/adapter.ts), on toy features. */
import { describe, expect, it } from 'vitest';
import { adaptedP, AdapterError, trainAdapter, type Example } from '../../src/core/adapter';

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
 * A writing style the base model never saw: it calls every record of it wrong (margin −3),
 * yet whether a record is correct shows plainly in one feature direction.
 */
function unseenStyle(n: number, seed: number): Example[] {
  const next = normal(seed);
  return Array.from({ length: n }, (_, i) => {
    const correct = i % 3 !== 0; // two in three correct, as a user's table mostly is
    const features = new Float32Array(2 * SIZE);
    for (let j = 0; j < 2 * SIZE; j++) features[j] = next();
    features[0] += correct ? 3 : -3; // h_正确 − h_错误 along dimension 0 tells them apart (about 2 % overlap)
    return { features, margin: -3 + 0.1 * next(), correct, errorClass: correct ? null : 'junk_symbols' };
  });
}

const THRESHOLD = 0.5;

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
    const called = fresh.map((e) => adaptedP(report.adapter, e.features, e.margin) >= report.adapter.threshold);
    const accepted = fresh.filter((e, i) => e.correct && called[i]).length / fresh.filter((e) => e.correct).length;
    const caught = fresh.filter((e, i) => !e.correct && !called[i]).length / fresh.filter((e) => !e.correct).length;
    expect(accepted).toBeGreaterThan(0.9);
    expect(caught).toBeGreaterThan(0.9);
  });

  it('keeps the base model where the corrections agree with it', () => {
    const next = normal(3);
    const examples: Example[] = Array.from({ length: 40 }, (_, i) => {
      const correct = i % 2 === 0;
      const features = Float32Array.from({ length: 2 * SIZE }, () => next());
      return { features, margin: correct ? 2 + next() : -2 + next(), correct };
    });
    const report = trainAdapter(examples, SIZE, { baseThreshold: THRESHOLD });
    expect(report.before.accuracy).toBeGreaterThan(0.9);
    expect(report.after.accuracy).toBeGreaterThanOrEqual(report.before.accuracy - 0.1);
    expect(report.adapter.marginWeight).toBeGreaterThan(0); // still reads the base model's margin
  });

  it('refuses with too few corrections of either kind, saying how many it has and needs', () => {
    const examples = unseenStyle(60, 4);
    const fewWrong = examples.filter((e) => e.correct).concat(examples.filter((e) => !e.correct).slice(0, 4));
    expect(() => trainAdapter(fewWrong, SIZE, { baseThreshold: THRESHOLD })).toThrow(AdapterError);
    expect(() => trainAdapter(fewWrong, SIZE, { baseThreshold: THRESHOLD })).toThrow(
      'Too few corrections to adapt: 40 marked correct and 4 marked wrong; at least 5 of each are needed',
    );
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
