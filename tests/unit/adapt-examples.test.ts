/** What the page's adapter learns from (src/app/adapt-examples.ts): corrections first, then the table's labels. */
import { describe, expect, it } from 'vitest';
import { adaptExamples } from '../../src/app/adapt-examples';
import { ScoredResults, type RowSource } from '../../src/app/results.svelte';

const rows = [['甲', 'correct', ''], ['乙', 'wrong', 'bad_postcode'], ['丙', '', ''], ['丁', 'wrong', ' ']];
const source: RowSource = {
  name: 't.csv',
  header: ['record', 'label', 'error_class'],
  rowCount: rows.length,
  errorClass: 2,
  cells: async (ix) => ix.map((i) => rows[i]),
  records: async (ix) => ix.map((i) => rows[i][0]),
};
const scored = { rewardCorrect: 0, rewardWrong: 0, pCorrect: 0.5, verdict: 'correct' as const, truncated: false };

describe('adaptExamples', () => {
  it("takes this model's latest decision per record, then the labelled rows no correction decides, with their error class", async () => {
    const results = new ScoredResults(source, 0.5);
    results.append(0, rows.map(() => scored), ['correct', 'wrong', null, 'wrong']);
    const list = [
      { model: 'm', record: '甲', correct: true, at: 1 },
      { model: 'm', record: '甲', correct: false, at: 3 },
      { model: 'other', record: '戊', correct: true, at: 2 },
      { model: 'm', record: '己', correct: true, at: 2 },
    ];
    const { examples, fromCorrections, fromTable } = await adaptExamples('m', list, results);
    expect(examples).toEqual([
      { record: '己', correct: true },
      { record: '甲', correct: false },
      { record: '乙', correct: false, errorClass: 'bad_postcode' },
      { record: '丁', correct: false, errorClass: null },
    ]);
    expect([fromCorrections, fromTable]).toEqual([2, 2]);
  });

  it('takes the most recent corrections first, then fills up to its limit from the table', async () => {
    const results = new ScoredResults(source, 0.5);
    results.append(0, rows.map(() => scored), ['correct', 'wrong', null, 'wrong']);
    const list = ['子', '丑', '寅'].map((record, at) => ({ model: 'm', record, correct: true, at }));
    expect((await adaptExamples('m', list, results, 2)).examples.map((e) => e.record)).toEqual(['丑', '寅']);
    const some = await adaptExamples('m', list.slice(0, 1), results, 3);
    expect(some.examples.map((e) => e.record)).toEqual(['子', '甲', '乙']);
    expect([some.fromCorrections, some.fromTable]).toEqual([1, 2]);
  });

  it('without a table, the corrections alone', async () => {
    const { examples, fromTable } = await adaptExamples('m', [{ model: 'm', record: '甲', correct: true, at: 1 }], null);
    expect(examples).toEqual([{ record: '甲', correct: true }]);
    expect(fromTable).toBe(0);
  });
});
