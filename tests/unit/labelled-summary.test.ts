/** The demo's summary: accuracy against known labels and flagged records per error class. */
import { describe, expect, it } from 'vitest';
import { ScoredResults, type RowSource } from '../../src/app/results.svelte';
import { readErrorClasses, summarize, UNCLASSIFIED } from '../../src/app/labelled-summary';
import type { Verdict } from '../../src/core/scorer';

// record, label, error_class: the demo sample's columns.
const rows: [string, string, string][] = [
  ['张三，北京市朝阳区望京街道12号', 'correct', ''],
  ['李四，上海市静安区南京西#?@路', 'wrong', 'junk_symbols'],
  ['王五，广州市天河区天河路1号，邮编：51062099', 'wrong', 'postcode_length'],
  ['赵六，广州市天河区天河#路1号', 'wrong', 'junk_symbols'],
  ['孙七，深圳市南山区科技园路8号', 'correct', ''],
  ['周八，成都市', 'wrong', ''],
];
const source = (header: string[], errorClass?: number | null): RowSource => ({
  name: 'demo.csv',
  header,
  errorClass,
  rowCount: rows.length,
  cells: async (ix) => ix.map((i) => rows[i]),
  records: async (ix) => ix.map((i) => rows[i][0]),
});
const p = [0.9, 0.1, 0.7, 0.2, 0.4, 0.05];
function scoredResults(header = ['record', 'label', 'error_class'], withLabels = true, errorClass?: number | null): ScoredResults {
  const r = new ScoredResults(source(header, errorClass), 0.5);
  const scored = p.map((x) => ({ rewardCorrect: 0, rewardWrong: 0, pCorrect: x, verdict: 'correct' as const, truncated: false }));
  r.append(0, scored, withLabels ? rows.map((row) => row[1] as Verdict) : undefined);
  return r;
}

describe('labelled summary', () => {
  it('counts accuracy, flagged records per error class and false alarms', async () => {
    const r = scoredResults();
    const classes = await readErrorClasses(r);
    expect(classes).toEqual([null, 'junk_symbols', 'postcode_length', 'junk_symbols', null, null]);
    const s = summarize(r, classes);
    // verdicts at 0.5: correct, wrong, correct, wrong, wrong, wrong
    expect([s.scored, s.labelled, s.agreeing]).toEqual([6, 6, 4]);
    expect(s.classes).toEqual([
      { errorClass: 'junk_symbols', records: 2, flagged: 2 },
      { errorClass: UNCLASSIFIED, records: 1, flagged: 1 },
      { errorClass: 'postcode_length', records: 1, flagged: 0 },
    ]);
    expect([s.correctRecords, s.falseAlarms]).toEqual([2, 1]);
  });

  it('follows the threshold', async () => {
    const r = scoredResults();
    const classes = await readErrorClasses(r);
    r.threshold = 0.8;
    const s = summarize(r, classes);
    expect(s.classes.find((c) => c.errorClass === 'postcode_length')!.flagged).toBe(1);
    expect(s.agreeing).toBe(5);
  });

  it('takes an error class as the truth when there is no label column', async () => {
    const r = scoredResults(['record', 'note', 'error_class'], false);
    const s = summarize(r, await readErrorClasses(r));
    expect(s.labelled).toBe(0);
    expect(s.classes.map((c) => c.errorClass).sort()).toEqual(['junk_symbols', 'postcode_length']);
    expect(s.correctRecords).toBe(3); // no class, no label: counted correct
  });

  it('has no classes for a file without an error_class column', async () => {
    const r = scoredResults(['record', 'label', 'kind']);
    expect(await readErrorClasses(r)).toBeNull();
    expect(summarize(r, null).classes.map((c) => c.errorClass)).toEqual([UNCLASSIFIED]);
  });

  it('reads the error-class column the mapping chose, whatever its name, and none when it chose none', async () => {
    const chosen = scoredResults(['记录', '标签', '错误类型'], true, 2);
    expect(await readErrorClasses(chosen)).toEqual([null, 'junk_symbols', 'postcode_length', 'junk_symbols', null, null]);
    expect(summarize(chosen, await readErrorClasses(chosen)).classes.map((c) => c.errorClass)).toEqual(['junk_symbols', UNCLASSIFIED, 'postcode_length']);
    // Left to the table's names, 错误类型 is found as error_class is.
    expect(await readErrorClasses(scoredResults(['记录', '标签', '错误类型']))).toEqual([null, 'junk_symbols', 'postcode_length', 'junk_symbols', null, null]);
    expect(await readErrorClasses(scoredResults(['record', 'label', 'error_class'], true, null))).toBeNull();
  });
});
