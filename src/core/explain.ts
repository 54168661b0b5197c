/**
 * Why a record is flagged: occlusion by deletion. Each field of the record (split at its
 * separators) is deleted in turn and the record re-scored; the field whose removal raises
 * P(correct) most is the most suspicious. Within that field, runs of one character class
 * (digits, Latin letters, Han, symbols) and short character windows are deleted the same
 * way, which narrows "the postcode field" down to "the two extra digits". When no span of
 * that field repairs the record (makes the model call it correct), the characters of every
 * field are tried too: a model that knows a record needs its address calls it wrong with
 * the address deleted, so deleting a whole field need not point at the faulty one.
 *
 * Offsets are code points, as Python slices strings, so a span compares directly with
 * the generator's error_span. Runtime-neutral: it only needs something that scores.
 */

/** Scores whole records; Scorer.score fits this shape. */
export interface RecordScorer {
  score(records: string[]): Promise<{ pCorrect: number; rewardCorrect: number; rewardWrong: number }[]>;
}

export interface Span {
  /** Code-point offsets into the record, [start, end). */
  start: number;
  end: number;
  text: string;
  /** P(correct) with this span deleted minus P(correct) of the record: > 0 means the span looks wrong. */
  weight: number;
  /**
   * The same change in log-odds, capped at CLEARLY_CORRECT: spans are ranked by it, because
   * P(correct) saturates near 0 and would tie every deletion that helps only a little.
   */
  effect: number;
  kind: 'field' | 'chars';
}

export interface Explanation {
  record: string;
  pCorrect: number;
  /** Every field, in record order. */
  fields: Span[];
  /** Character spans inside the most suspicious field (inside every field when that one
   * held no repair), strongest effect first. */
  chars: Span[];
  /**
   * The span to highlight: the character spans near the best one when they carry most of
   * their field's effect, else the field; null when no deletion raises P(correct).
   */
  top: Span | null;
  /** How many variants of the record were scored. */
  evaluations: number;
  /** The model calls the record wrong (P(correct) under the threshold the explanation used). */
  flagged: boolean;
}

export interface ExplainOptions {
  /** Characters that separate fields; the record template's separator is one of them. */
  separators?: string;
  /** Sliding character windows of these widths are tried inside the chosen field. */
  windows?: number[];
  /** Character spans whose effect is at least this share of the best one's are merged into `top`. */
  nearBest?: number;
  /** The character spans become `top` when the best carries at least this share of its field's effect. */
  charShare?: number;
  /** P(correct) from which the model calls a record correct: a deletion that reaches it repairs the record. */
  threshold?: number;
}

// Full- and half-width commas and semicolons, the enumeration comma, bar, tab, line breaks, spaces.
export const DEFAULT_SEPARATORS = '，,；;、|\t\r\n 　';
const DEFAULTS: Required<ExplainOptions> = { separators: DEFAULT_SEPARATORS, windows: [1, 2, 3, 4], nearBest: 0.9, charShare: 0.5, threshold: 0.5 };

/** The options for a model: its record template's separator splits fields too, its threshold decides what repairs a record. */
export function optionsFor(manifest: { record_template?: { separator: string }; threshold?: number }): ExplainOptions {
  return { separators: DEFAULT_SEPARATORS + (manifest.record_template?.separator ?? ''), threshold: manifest.threshold ?? DEFAULTS.threshold };
}

/**
 * log-odds of P(correct) = 0.99. A deletion that makes the record clearly correct has done
 * all a deletion can; past this point larger margins say nothing more about where the error is.
 */
export const CLEARLY_CORRECT = Math.log(99);

type Range = [start: number, end: number];

/** Maximal runs of non-separator characters, as code-point ranges. */
export function splitFields(chars: string[], separators = DEFAULT_SEPARATORS): Range[] {
  const out: Range[] = [];
  let start = -1;
  chars.forEach((c, i) => {
    const sep = separators.includes(c);
    if (!sep && start < 0) start = i;
    if (sep && start >= 0) {
      out.push([start, i]);
      start = -1;
    }
  });
  if (start >= 0) out.push([start, chars.length]);
  return out;
}

// ASCII and full-width forms are different classes: a full-width digit among ASCII ones is an error of its own.
function charClass(c: string): string {
  if (/[0-9]/.test(c)) return 'digit';
  if (/\p{Nd}/u.test(c)) return 'other digit';
  if (/[A-Za-z]/.test(c)) return 'latin';
  if (/\p{Script=Latin}/u.test(c)) return 'other latin';
  if (/\p{Script=Han}/u.test(c)) return 'han';
  return /[\p{L}]/u.test(c) ? 'letter' : 'symbol';
}

/** Runs of one character class inside [start, end): "北京12市" -> 北京 | 12 | 市. */
export function classRuns(chars: string[], [start, end]: Range): Range[] {
  const out: Range[] = [];
  for (let i = start; i < end; ) {
    let j = i + 1;
    while (j < end && charClass(chars[j]) === charClass(chars[i])) j++;
    out.push([i, j]);
    i = j;
  }
  return out;
}

/** The record without [start, end); a whole field goes with one neighbouring separator. */
function without(chars: string[], [start, end]: Range, isField: boolean, separators: string): string {
  let [a, b] = [start, end];
  if (isField) {
    if (b < chars.length && separators.includes(chars[b])) b++;
    else if (a > 0 && separators.includes(chars[a - 1])) a--;
  }
  return chars.slice(0, a).join('') + chars.slice(b).join('');
}

function candidates(chars: string[], field: Range, windows: number[]): Range[] {
  const seen = new Set<string>();
  const out: Range[] = [];
  const add = (r: Range) => {
    const key = `${r[0]}:${r[1]}`;
    if (r[1] > r[0] && !seen.has(key) && !(r[0] === field[0] && r[1] === field[1])) {
      seen.add(key);
      out.push(r);
    }
  };
  classRuns(chars, field).forEach(add);
  for (const w of windows) {
    for (let i = field[0]; i + w <= field[1]; i++) add([i, i + w]);
  }
  return out;
}

export async function explain(scorer: RecordScorer, record: string, options: ExplainOptions = {}): Promise<Explanation> {
  const { separators, windows, nearBest, charShare, threshold } = { ...DEFAULTS, ...options };
  const chars = Array.from(record);
  const [base] = await scorer.score([record]);
  const margin0 = base.rewardCorrect - base.rewardWrong;
  let evaluations = 1;
  const measure = async (ranges: Range[], isField: boolean): Promise<Span[]> => {
    if (ranges.length === 0) return [];
    const scored = await scorer.score(ranges.map((r) => without(chars, r, isField, separators)));
    evaluations += ranges.length;
    return ranges.map(([start, end], i) => ({
      start,
      end,
      text: chars.slice(start, end).join(''),
      weight: scored[i].pCorrect - base.pCorrect,
      effect: Math.min(scored[i].rewardCorrect - scored[i].rewardWrong, CLEARLY_CORRECT) - Math.min(margin0, CLEARLY_CORRECT),
      kind: isField ? 'field' : 'chars',
    }));
  };
  // Strongest first; among equals the shorter span says more precisely where.
  const strongestFirst = (a: Span, b: Span) => b.effect - a.effect || a.end - a.start - (b.end - b.start);
  const repairs = (span: Span | null) => !!span && base.pCorrect + span.weight >= threshold;
  // Several deletions can each repair the record (any two digits of an 8-digit postcode):
  // the evidence then points at all of them (inside the best one's field), so the
  // highlight covers them all.
  const merged = (spans: Span[], field: Range): Span => {
    const best = spans[0];
    const near = spans.filter((c) => c.effect >= nearBest * best.effect && c.start >= field[0] && c.end <= field[1]);
    const [start, end] = [Math.min(...near.map((c) => c.start)), Math.max(...near.map((c) => c.end))];
    return { start, end, text: chars.slice(start, end).join(''), weight: Math.max(...near.map((c) => c.weight)), effect: best.effect, kind: 'chars' };
  };

  const fields = await measure(splitFields(chars, separators), true);
  const flagged = base.pCorrect < threshold;
  if (fields.length === 0) return { record, pCorrect: base.pCorrect, fields, chars: [], top: null, evaluations, flagged };
  const field = fields.reduce((a, b) => (b.effect > a.effect ? b : a));
  let charSpans: Span[] = [];
  let top: Span | null = null;
  if (field.effect > 0) {
    charSpans = (await measure(candidates(chars, [field.start, field.end], windows), false)).sort(strongestFirst);
    const best = charSpans[0];
    top = best && best.effect > 0 && best.effect >= charShare * field.effect ? merged(charSpans, [field.start, field.end]) : field;
  }
  if (flagged && !repairs(top)) {
    // A flagged record, and no deletion in or of that field makes it look correct: try the
    // characters of every other field, and show the strongest span if it does.
    const rest = fields.filter((f) => f !== field || field.effect <= 0);
    charSpans = [...charSpans, ...(await measure(rest.flatMap((f) => candidates(chars, [f.start, f.end], windows)), false))].sort(strongestFirst);
    const best = charSpans[0];
    if (best && best.effect > 0 && repairs(best)) {
      const home = fields.find((f) => f.start <= best.start && best.end <= f.end)!;
      top = merged(charSpans, [home.start, home.end]);
    }
  }
  return { record, pCorrect: base.pCorrect, fields, chars: charSpans, top, evaluations, flagged };
}

/**
 * What an explanation can honestly say: the span to highlight; or, for a flagged record no
 * deletion repairs, that the record as a whole reads wrong, with its most suspicious part
 * when some deletion at least raises P(correct); or, for a record the model accepts, nothing.
 * Never "nothing is wrong" about a record the model calls wrong.
 */
export type Finding = { kind: 'span'; span: Span } | { kind: 'whole'; suspect: Span | null } | { kind: 'nothing' };

export function finding(e: Explanation): Finding {
  if (e.top) return { kind: 'span', span: e.top };
  if (!e.flagged) return { kind: 'nothing' };
  const suspect = [...e.chars, ...e.fields].filter((s) => s.effect > 0).sort((a, b) => b.effect - a.effect)[0] ?? null;
  return { kind: 'whole', suspect };
}

export interface Segment {
  text: string;
  /** The field's effect relative to the strongest field's, 0 to 1 (0 for separators and helpful fields). */
  strength: number;
  /** Inside the highlighted span. */
  top: boolean;
}

/** The record cut into pieces for display: each piece inside one field, marked if inside `top`. */
export function segments(explanation: Explanation): Segment[] {
  const chars = Array.from(explanation.record);
  const strongest = Math.max(0, ...explanation.fields.map((f) => f.effect));
  const strength = new Array<number>(chars.length).fill(0);
  for (const f of explanation.fields) {
    for (let i = f.start; i < f.end; i++) strength[i] = strongest > 0 ? Math.max(0, f.effect) / strongest : 0;
  }
  const top = explanation.top;
  const inTop = (i: number) => !!top && i >= top.start && i < top.end;
  const out: Segment[] = [];
  chars.forEach((c, i) => {
    const last = out.at(-1);
    if (last && last.strength === strength[i] && last.top === inTop(i)) last.text += c;
    else out.push({ text: c, strength: strength[i], top: inTop(i) });
  });
  return out;
}
