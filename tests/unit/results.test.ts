/** The scored-results store: the contract the results view, review mode and explanations read. */
import { describe, expect, it } from 'vitest';
import { ScoredResults, parseLabel, type RowSource } from '../../src/app/results.svelte';

const rows = [['张三', '北京'], ['李四', '上海'], ['王五', '广州']];
const source: RowSource = {
  name: 't.csv',
  header: ['name', 'city'],
  rowCount: rows.length,
  cells: async (ix) => ix.map((i) => rows[i]),
  records: async (ix) => ix.map((i) => rows[i].join('，')),
};
const scored = (p: number) => ({ rewardCorrect: 0, rewardWrong: 0, pCorrect: p, verdict: 'correct' as const, truncated: p === 0.2 });

describe('ScoredResults', () => {
  it('keeps scores in order, re-labels under a moved threshold, counts', async () => {
    const r = new ScoredResults(source, 0.5);
    let signals = 0;
    r.subscribe(() => signals++);
    expect(r.size).toBe(0);
    expect(r.verdict(0)).toBeNull();
    r.append(0, [scored(0.9), scored(0.2)], ['correct', null]);
    expect(r.size).toBe(2);
    expect(r.pCorrect(0)).toBeCloseTo(0.9, 6);
    expect(Number.isNaN(r.pCorrect(2))).toBe(true);
    expect([r.verdict(0), r.verdict(1), r.verdict(2)]).toEqual(['correct', 'wrong', null]);
    expect(r.truncated(1)).toBe(true);
    expect(r.label(0)).toBe('correct');
    expect(r.label(1)).toBeNull();
    expect(r.hasLabels).toBe(true);
    expect(r.counts()).toEqual({ scored: 2, correct: 1, wrong: 1, uncertain: 0 });
    r.threshold = 0.95;
    expect(r.verdict(0)).toBe('wrong');
    expect(r.uncertain(0)).toBe(true);
    expect(r.counts()).toEqual({ scored: 2, correct: 0, wrong: 2, uncertain: 1 });
    expect(signals).toBe(2);
    expect(await r.cells([2, 0])).toEqual([rows[2], rows[0]]);
    expect(await r.record(1)).toBe('李四，上海');
  });

  it('with an adapter, keeps both readings: switched off, every getter gives the base scores as stored', () => {
    const r = new ScoredResults(source, 0.5, 0.3);
    const withAdapter = (p: number, q: number) => ({ ...scored(p), adaptedP: q });
    r.append(0, [withAdapter(0.1, 0.8), withAdapter(0.6, 0.1), withAdapter(0.45, 0.35)]);
    expect(r.adapterKept).toBe(true);
    expect(r.adapted).toBe(true);
    expect(r.threshold).toBe(0.3);
    expect([0, 1, 2].map((i) => r.verdict(i))).toEqual(['correct', 'wrong', 'correct']);
    expect(r.counts()).toEqual({ scored: 3, correct: 2, wrong: 1, uncertain: 1 });
    r.threshold = 0.9; // the slider moves the adapted reading's threshold only

    r.adapted = false;
    expect(r.threshold).toBe(0.5);
    expect(Array.from(r.scores())).toEqual([Math.fround(0.1), Math.fround(0.6), Math.fround(0.45)]);
    expect([0, 1, 2].map((i) => r.verdict(i))).toEqual(['wrong', 'correct', 'wrong']);
    expect([0, 1, 2].map((i) => r.pCorrect(i))).toEqual([0, 1, 2].map((i) => r.baseP(i)));
    r.adapted = true;
    expect(r.threshold).toBe(0.9);
    expect(r.adaptedP(0)).toBe(Math.fround(0.8));
  });

  it('refuses an adapted run scored without the adapter, and switching on a run that had none', () => {
    const r = new ScoredResults(source, 0.5, 0.3);
    expect(() => r.append(0, [scored(0.5)])).toThrow('arrive without the adapter');
    const plain = new ScoredResults(source, 0.5);
    expect(plain.adapted).toBe(false);
    expect(() => (plain.adapted = true)).toThrow('scored without an adapter');
    expect(Number.isNaN(plain.adaptedP(0))).toBe(true);
  });

  it('refuses scores out of order or past the end, and thresholds outside [0, 1]', () => {
    const r = new ScoredResults(source, 0.5);
    expect(() => r.append(1, [scored(0.5)])).toThrow(/scores for row 1 arrive but 0 rows are scored/);
    expect(() => r.append(0, [0.1, 0.2, 0.3, 0.4].map(scored))).toThrow(/past the table's 3 rows/);
    expect(() => (r.threshold = 1.5)).toThrow(/threshold 1.5 is not in \[0, 1\]/);
  });

  it('reads the label words build-dataset reads', () => {
    expect(['correct', '正确', '1', 'TRUE'].map(parseLabel)).toEqual(['correct', 'correct', 'correct', 'correct']);
    expect(['wrong', '错误', '0', 'false'].map(parseLabel)).toEqual(['wrong', 'wrong', 'wrong', 'wrong']);
    expect(parseLabel('maybe')).toBeNull();
  });
});
