/**
 * What a scored file whose truth is known can tell (the demo's sample, or any file with a
 * label column and/or an error-class column such as the generator's error_class): accuracy against the labels
 * and, per kind of error, how many records the model flags at the current threshold.
 */
import type { ScoredResults } from './results.svelte';
import { guessErrorClass } from '../core/column-mapping';

export const UNCLASSIFIED = '(no class given)';
/** Reading the class column is one pass over the rows: files beyond this size get no breakdown. */
const MAX_CLASSIFIED_ROWS = 50_000;
const CHUNK = 2_000;

export interface ClassSummary {
  errorClass: string;
  records: number;
  /** Records of this class the model calls wrong at the current threshold. */
  flagged: number;
}

export interface LabelledSummary {
  scored: number;
  /** Rows with a known label. */
  labelled: number;
  /** Rows whose verdict equals their label. */
  agreeing: number;
  /** Known-wrong rows by error class; correct rows the model flags are `falseAlarms`. */
  classes: ClassSummary[];
  correctRecords: number;
  falseAlarms: number;
}

/**
 * The error class of every row (null for rows without one), read once per results store,
 * from the column the mapping chose (or, for a store without a mapping, one named like
 * error_class or 错误类型).
 */
export async function readErrorClasses(results: ScoredResults): Promise<(string | null)[] | null> {
  const chosen = results.source.errorClass;
  const column = chosen === undefined ? guessErrorClass(results.header) : chosen;
  if (column === null || column < 0 || results.total > MAX_CLASSIFIED_ROWS) return null;
  const out: (string | null)[] = [];
  for (let start = 0; start < results.total; start += CHUNK) {
    const rows = Array.from({ length: Math.min(CHUNK, results.total - start) }, (_, k) => start + k);
    for (const cells of await results.cells(rows)) out.push((cells[column] ?? '').trim() || null);
  }
  return out;
}

/** Counts under the current threshold; reads results.version, so a $derived re-runs when the slider moves. */
export function summarize(results: ScoredResults, classes: (string | null)[] | null): LabelledSummary {
  void results.version;
  const scored = results.size;
  const byClass = new Map<string, ClassSummary>();
  const s: LabelledSummary = { scored, labelled: 0, agreeing: 0, classes: [], correctRecords: 0, falseAlarms: 0 };
  for (let i = 0; i < scored; i++) {
    const verdict = results.verdict(i);
    const label = results.label(i);
    if (label) {
      s.labelled++;
      if (label === verdict) s.agreeing++;
    }
    const errorClass = classes?.[i] ?? null;
    // The label column decides; without one, a row with an error class is a wrong row.
    const truth = label ?? (classes ? (errorClass ? 'wrong' : 'correct') : null);
    if (truth === 'correct') {
      s.correctRecords++;
      if (verdict === 'wrong') s.falseAlarms++;
    } else if (truth === 'wrong') {
      const key = errorClass ?? UNCLASSIFIED;
      const c = byClass.get(key) ?? { errorClass: key, records: 0, flagged: 0 };
      byClass.set(key, c);
      c.records++;
      if (verdict === 'wrong') c.flagged++;
    }
  }
  s.classes = [...byClass.values()].sort((a, b) => b.records - a.records || a.errorClass.localeCompare(b.errorClass));
  return s;
}
