/** Review order and the corrections export (the parts that need no browser). */
import { describe, expect, it } from 'vitest';
import { exportLines, type Correction } from '../../src/app/corrections.svelte';
import { reviewOrder } from '../../src/app/review.svelte';
import { ScoredResults, type RowSource } from '../../src/app/results.svelte';
import { pairLine, toPair } from '../../src/core/pairs';

const scored = (p: number) => ({ rewardCorrect: 0, rewardWrong: 0, pCorrect: p, verdict: 'correct' as const, truncated: false });

describe('review order', () => {
  const texts = ['a', 'b', 'c', 'd', 'e'];
  const source: RowSource = {
    name: 't.txt',
    header: ['record'],
    rowCount: texts.length,
    cells: async (rows) => rows.map((i) => [texts[i]]),
    records: async (rows) => rows.map((i) => texts[i]),
  };
  const results = new ScoredResults(source, 0.5);
  results.append(0, [0.9, 0.4, 0.05, 0.55, 0.4].map(scored));

  it('most uncertain first (|P - threshold| ascending), ties in file order', () => {
    expect([...reviewOrder(results, 'uncertainty')]).toEqual([3, 1, 4, 0, 2]);
  });

  it('or lowest P(correct) first', () => {
    expect([...reviewOrder(results, 'score')]).toEqual([2, 1, 4, 3, 0]);
  });

  it('follows a moved threshold', () => {
    results.threshold = 0.9;
    expect(reviewOrder(results, 'uncertainty')[0]).toBe(0);
  });
});

describe('corrections export', () => {
  const c = (record: string, correct: boolean, at: number, model = 'm'): Correction => ({ key: `${model}/${record}`, record, model, correct, pCorrect: 0.5, at });

  it('one line per record, oldest first, the latest decision across models wins', () => {
    const list = [c('乙', true, 2), c('甲', true, 1), c('甲', false, 3, 'other'), c('丙', false, 4)];
    expect(exportLines(list)).toBe(
      [pairLine(toPair('乙', true)), pairLine(toPair('甲', false)), pairLine(toPair('丙', false))].join('\n') + '\n',
    );
  });

  it("carries the table rows a kept adapter learned from, first; a correction of the same record wins", () => {
    const learned = [{ record: '丁', correct: true }, { record: '甲', correct: true }];
    expect(exportLines([c('甲', false, 1)], learned)).toBe([pairLine(toPair('丁', true)), pairLine(toPair('甲', false))].join('\n') + '\n');
  });

  it('nothing to export is an empty file', () => {
    expect(exportLines([])).toBe('');
  });
});
