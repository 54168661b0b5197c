/** The PR chart's axes follow the curve (src/app/metrics.ts prRange), so a good model's curve can be read. */
import { describe, expect, it } from 'vitest';
import { ScoredResults, type RowSource } from '../../src/app/results.svelte';
import { prCurve, prRange } from '../../src/app/metrics';
import type { Verdict } from '../../src/core/scorer';

function results(p: number[], labels: Verdict[]): ScoredResults {
  const source: RowSource = { name: 't.csv', header: ['record'], rowCount: p.length, cells: async () => [], records: async () => [] };
  const r = new ScoredResults(source, 0.5);
  r.append(0, p.map((x) => ({ rewardCorrect: 0, rewardWrong: 0, pCorrect: x, verdict: 'correct' as const, truncated: false })), labels);
  return r;
}

describe('PR chart range', () => {
  it("fits a good model's curve (recall from 0.9, precision near 1) instead of the unit square", () => {
    // 100 wrong rows: 92 score near 0, 8 spread up to 0.6; 900 correct rows above 0.5, 3 of them low.
    const wrongP = [...Array.from({ length: 92 }, (_, i) => 0.001 + i * 0.00001), ...Array.from({ length: 8 }, (_, i) => 0.05 + i * 0.07)];
    const correctP = [...Array.from({ length: 897 }, (_, i) => 0.5 + (i / 897) * 0.5), 0.02, 0.3, 0.45];
    const r = results([...wrongP, ...correctP], [...wrongP.map(() => 'wrong' as const), ...correctP.map(() => 'correct' as const)]);
    const curve = prCurve(r);
    const shown = curve.filter((p) => p.recall > 0);
    const range = prRange(curve);
    const minRecall = Math.min(...shown.map((p) => p.recall));
    const minPrecision = Math.min(...shown.map((p) => p.precision));
    expect(minRecall).toBeGreaterThanOrEqual(0.9);
    // Every point inside, with a margin of at most a tenth of the span on the low side.
    expect(range.recall[0]).toBeLessThanOrEqual(minRecall);
    expect(range.recall[0]).toBeGreaterThan(minRecall - 0.02);
    expect(range.recall[1]).toBe(1);
    expect(range.precision[0]).toBeLessThanOrEqual(minPrecision);
    expect(range.precision[0]).toBeGreaterThan(0.05);
    expect(range.precision[1]).toBe(1);
  });

  it('keeps the axes inside [0, 1], at least 0.02 wide, and the unit square when nothing is flagged', () => {
    expect(prRange([])).toEqual({ recall: [0, 1], precision: [0, 1] });
    const flat = prRange([{ threshold: 0.5, precision: 1, recall: 1, f1: 1 }]);
    expect(flat.recall).toEqual([0.98, 1]);
    expect(flat.precision).toEqual([0.98, 1]);
    const wide = prRange([
      { threshold: 0.1, precision: 0.2, recall: 0.01, f1: 0 },
      { threshold: 0.9, precision: 0.9, recall: 1, f1: 0 },
    ]);
    expect(wide.recall[0]).toBe(0);
    expect(wide.precision[0]).toBeCloseTo(0.2 - 0.035, 6);
  });
});
