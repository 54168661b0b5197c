/**
 * A reviewed record -> one TRL preference pair, one JSONL line.
 *
 * Twin of to_pair / pair_line in training/twinscore/dataset/pairs.py: the same keys in the same
 * order, compact separators, non-ASCII written as UTF-8 (Python's ensure_ascii=False).
 * tests/vectors/pairs.json holds both languages to the same bytes.
 */
import { LABEL_CORRECT, LABEL_WRONG, messages, type LabelWord, type Message } from './prompt';
import { t } from '../i18n';

export interface PreferencePair {
  chosen: Message[];
  rejected: Message[];
  score_chosen: 1;
  score_rejected: 0;
}

export function toPair(record: string, correct: boolean): PreferencePair {
  const [trueLabel, falseLabel]: LabelWord[] = correct ? [LABEL_CORRECT, LABEL_WRONG] : [LABEL_WRONG, LABEL_CORRECT];
  return { chosen: messages(record, trueLabel), rejected: messages(record, falseLabel), score_chosen: 1, score_rejected: 0 };
}

/**
 * JSON.stringify already writes what json.dumps(ensure_ascii=False, separators=(",", ":"))
 * writes for strings and small integers: the same short escapes, control characters as
 * lowercase \u00XX, everything else raw. The one difference is a lone surrogate, which
 * Python cannot encode as UTF-8 at all; such a record is refused here.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function pairLine(pair: PreferencePair): string {
  for (const m of pair.chosen) {
    if (LONE_SURROGATE.test(m.content)) throw new Error(`record ${JSON.stringify(m.content.slice(0, 40))} holds a lone surrogate: not valid UTF-8`);
  }
  return JSON.stringify(pair);
}

export interface LabelledText {
  record: string;
  correct: boolean;
}

/** The whole export file: one line per record, each ending in "\n", as write_pairs writes it. */
export function pairsJsonl(records: Iterable<LabelledText>): string {
  let out = '';
  for (const r of records) out += pairLine(toPair(r.record, r.correct)) + '\n';
  return out;
}

/** A corrections file that is not what pairsJsonl writes; names the file and line. */
export class PairsError extends Error {
  override name = 'PairsError';
}

/**
 * The decisions in a file pairsJsonl wrote (this app's export, or write_pairs in Python),
 * in file order. Strict: a line that is not exactly such a pair (the record the same on
 * both sides, one label word chosen and the other rejected, scores 1 and 0) refuses the
 * whole file, so an import is all or nothing.
 */
export function parsePairsJsonl(text: string, name: string): LabelledText[] {
  const out: LabelledText[] = [];
  text.replace(/^\uFEFF/, '').split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    const where = `${name} line ${i + 1}`;
    let pair: unknown;
    try {
      pair = JSON.parse(line);
    } catch (e) {
      throw new PairsError(t('pairs.json', { where, why: (e as Error).message }));
    }
    const p = pair as Partial<PreferencePair> | null;
    const side = (m: unknown) => Array.isArray(m) && m.length === 2 && m[0]?.role === 'user' && m[1]?.role === 'assistant' && typeof m[0].content === 'string';
    if (!p || typeof p !== 'object' || !side(p.chosen) || !side(p.rejected)) {
      throw new PairsError(t('pairs.not_pair', { where }));
    }
    const [chosen, rejected] = [p.chosen!, p.rejected!];
    if (chosen[0].content !== rejected[0].content) throw new PairsError(t('pairs.different', { where }));
    const labels = [chosen[1].content, rejected[1].content];
    if (!(labels[0] === LABEL_CORRECT && labels[1] === LABEL_WRONG) && !(labels[0] === LABEL_WRONG && labels[1] === LABEL_CORRECT)) {
      throw new PairsError(t('pairs.labels', { where, labels: JSON.stringify(labels), correct: LABEL_CORRECT, wrong: LABEL_WRONG }));
    }
    if (p.score_chosen !== 1 || p.score_rejected !== 0) throw new PairsError(t('pairs.scores', { where }));
    out.push({ record: chosen[0].content, correct: labels[0] === LABEL_CORRECT });
  });
  if (out.length === 0) throw new PairsError(t('pairs.empty', { file: name }));
  return out;
}
