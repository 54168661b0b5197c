/** What an adapter learns from (adapter.svelte.ts), apart from the page's state so it can be tested alone. */
import type { AdaptExample } from '../../workers/scorer.worker';
import { MAX_EXAMPLES } from '../core/adapter';
import type { ScoredResults } from './results.svelte';

/**
 * What an adapter learns from, `max` records at most: the model's corrections (the latest
 * decision per record; the most recent records when there are more), then the table's
 * labelled rows that no correction decides, in file order. Corrections are the user's word
 * on a record; the label column is the file's.
 */
export async function adaptExamples(
  model: string,
  list: { model: string; record: string; correct: boolean; at: number }[],
  results: ScoredResults | null,
  max = MAX_EXAMPLES,
): Promise<{ examples: AdaptExample[]; fromCorrections: number; fromTable: number }> {
  const decided = new Map<string, boolean>();
  for (const c of list.filter((c) => c.model === model).sort((a, b) => a.at - b.at)) {
    decided.delete(c.record); // re-insert: the record moves to where its last decision is
    decided.set(c.record, c.correct);
  }
  const examples: AdaptExample[] = [...decided].slice(-max).map(([record, correct]) => ({ record, correct }));
  let fromTable = 0;
  if (results?.hasLabels && examples.length < max) {
    const rows: number[] = [];
    for (let i = 0; i < results.size && rows.length < max - examples.length; i++) if (results.label(i)) rows.push(i);
    const records = await results.source.records(rows);
    const classColumn = results.source.errorClass;
    const cells = classColumn === null || classColumn === undefined ? null : await results.source.cells(rows);
    rows.forEach((row, k) => {
      if (decided.has(records[k]) || examples.length >= max) return;
      decided.set(records[k], true); // a record twice in the table: its first label
      const correct = results.label(row) === 'correct';
      examples.push({ record: records[k], correct, errorClass: correct ? null : cells?.[k][classColumn!]?.trim() || null });
      fromTable++;
    });
  }
  return { examples, fromCorrections: examples.length - fromTable, fromTable };
}
