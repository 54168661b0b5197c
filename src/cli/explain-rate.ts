/**
 * Does the explanation point at the error? Records from the generator
 * (training/twinscore/records/generate.py) carry the span of their injected error; for each
 * error class this counts the records the model flags and how often the highlighted span
 * (src/core/explain.ts) overlaps that error span, and prints the table.
 *
 *   npx tsx src/cli/explain-rate.ts [--model public/models/<name>] [--n 300] [--seed 424242] [--records file.jsonl] [--below 0.1]
 *
 * Without --records it runs the generator (wrong records only) with a seed of its own.
 * --below counts only records flagged with P(correct) under it (default: the model's
 * threshold); `--n 225 --below 0.1` is what tests/unit/explain-rate.test.ts holds the
 * default model to, so a candidate model can be checked against the same floor.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { explain, optionsFor, type Span } from '../core/explain';
import type { Scorer } from '../core/scorer';
import { readJsonl } from './jsonl';
import { defaultModelDir, nodeScorer } from './node-scorer';

const ROOT = resolve(import.meta.dirname, '../..');

export interface GeneratedRecord {
  text: string;
  error_class: string | null;
  /** Code-point offsets [start, end) of the injected error. */
  error_span: [number, number] | null;
}

export interface ClassRate {
  errorClass: string;
  records: number;
  /** Records the model calls wrong: only those get an explanation worth showing. */
  flagged: number;
  /** Flagged records whose highlighted span overlaps the injected error. */
  overlapping: number;
  /** overlapping / flagged; NaN when the model flags none. */
  rate: number;
}

/** Wrong records from the project's generator, read back from its JSONL output. */
export function generateWrongRecords(n: number, seed: number): GeneratedRecord[] {
  const dir = mkdtempSync(join(tmpdir(), 'explain-rate-'));
  try {
    const out = join(dir, 'records.jsonl');
    const python = resolve(ROOT, '.venv/bin/python');
    const args = ['-m', 'twinscore.records', '--n', String(n), '--seed', String(seed), '--wrong_share', '1', '--out', out];
    // This checkout's training code, whichever clone the shared venv's editable install names.
    const env = { ...process.env, PYTHONPATH: join(ROOT, 'training') };
    execFileSync(python, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env });
    return readRecords(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function readRecords(path: string): GeneratedRecord[] {
  return readJsonl(path, (row, where) => {
    if (typeof row.text !== 'string') throw new Error(`${where}: no "text" field`);
    return { text: row.text, error_class: (row.error_class as string) ?? null, error_span: (row.error_span as [number, number]) ?? null };
  });
}

export const overlaps = (span: Pick<Span, 'start' | 'end'>, [start, end]: [number, number]) =>
  span.start < end && start < span.end;

/**
 * flaggedBelow: count a record as flagged only when P(correct) is below this (default: the
 * model's threshold). A lower bound keeps the records the model confidently calls wrong,
 * where it has found the error, apart from the ones it flags by a near-threshold guess.
 */
export async function explanationRates(scorer: Scorer, records: GeneratedRecord[], flaggedBelow = scorer.manifest.threshold): Promise<ClassRate[]> {
  const byClass = new Map<string, ClassRate>();
  const options = optionsFor(scorer.manifest);
  for (const r of records) {
    if (!r.error_class || !r.error_span) continue;
    const row = byClass.get(r.error_class) ?? { errorClass: r.error_class, records: 0, flagged: 0, overlapping: 0, rate: NaN };
    byClass.set(r.error_class, row);
    row.records++;
    const e = await explain(scorer, r.text, options);
    if (e.pCorrect >= Math.min(flaggedBelow, scorer.manifest.threshold)) continue;
    row.flagged++;
    if (e.top && overlaps(e.top, r.error_span)) row.overlapping++;
  }
  const rows = [...byClass.values()].sort((a, b) => a.errorClass.localeCompare(b.errorClass));
  for (const row of rows) row.rate = row.flagged ? row.overlapping / row.flagged : NaN;
  return rows;
}

export function formatRates(rows: ClassRate[]): string {
  const total = rows.reduce((t, r) => ({ flagged: t.flagged + r.flagged, overlapping: t.overlapping + r.overlapping }), { flagged: 0, overlapping: 0 });
  const pct = (x: number) => (Number.isNaN(x) ? '–' : `${(100 * x).toFixed(0)} %`);
  const lines = [
    'error class               records  flagged  span overlaps error',
    ...rows.map((r) => `${r.errorClass.padEnd(24)}  ${String(r.records).padStart(7)}  ${String(r.flagged).padStart(7)}  ${String(r.overlapping).padStart(4)}  ${pct(r.rate).padStart(5)}`),
    `${'all'.padEnd(24)}  ${String(rows.reduce((t, r) => t + r.records, 0)).padStart(7)}  ${String(total.flagged).padStart(7)}  ${String(total.overlapping).padStart(4)}  ${pct(total.overlapping / total.flagged).padStart(5)}`,
  ];
  return lines.join('\n');
}

async function main() {
  const { values } = parseArgs({
    options: {
      model: { type: 'string' },
      n: { type: 'string', default: '300' },
      seed: { type: 'string', default: '424242' },
      records: { type: 'string' },
      below: { type: 'string' },
    },
  });
  const below = values.below === undefined ? undefined : Number(values.below);
  if (below !== undefined && !(below > 0 && below <= 1)) throw new Error(`--below must be a probability in (0, 1], got ${values.below}`);
  const dir = values.model ? resolve(values.model) : await defaultModelDir();
  const records = values.records ? readRecords(values.records) : generateWrongRecords(Number(values.n), Number(values.seed));
  const scorer = await nodeScorer(dir);
  const flaggedBelow = below ?? scorer.manifest.threshold;
  console.log(`model ${scorer.manifest.name}, ${records.length} generated records, flagged with P(correct) < ${flaggedBelow}\n`);
  console.log(formatRates(await explanationRates(scorer, records, flaggedBelow)));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e) => {
    console.error(`explain-rate: ${(e as Error).message}`);
    process.exit(1);
  });
}
