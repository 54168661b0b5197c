/**
 * A reviewed record -> one TRL preference pair, one JSONL line.
 *
 * Twin of to_pair / pair_line in training/twinscore/dataset/pairs.py: the same keys in the same
 * order, compact separators, non-ASCII written as UTF-8 (Python's ensure_ascii=False).
 * tests/vectors/pairs.json holds both languages to the same bytes.
 */
import { LABEL_CORRECT, LABEL_WRONG, messages, type LabelWord, type Message } from './prompt';

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
