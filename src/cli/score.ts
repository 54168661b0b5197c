/**
 * npm run score -- <input.csv|.tsv|.txt> [--column NAME] [--model DIR] [--precision quantized|fp32] --out <scored.csv>
 *
 * A .txt holds one record per line; a .csv/.tsv names its record column with --column.
 * The output is the input's columns plus p_correct and verdict (correct / wrong).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseArgs } from 'node:util';
import Papa from 'papaparse';
import { defaultModelDir, nodeScorer } from './node-scorer';
import type { Precision } from '../core/model-files';

export class InputError extends Error {}

interface Table {
  header: string[];
  rows: string[][];
  records: string[];
}

export function readTable(path: string, text: string, column: string | undefined): Table {
  const ext = extname(path).toLowerCase();
  if (text.replace(/^\uFEFF/, '').trim() === '') throw new InputError(`${path}: empty file, nothing to score`);
  if (ext === '.txt') {
    const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
    while (lines.length && lines[lines.length - 1] === '') lines.pop();
    const empty = lines.findIndex((l) => l.trim() === '');
    if (empty >= 0) throw new InputError(`${path} line ${empty + 1}: empty record`);
    return { header: ['record'], rows: lines.map((l) => [l]), records: lines };
  }
  if (ext !== '.csv' && ext !== '.tsv') throw new InputError(`${path}: unsupported file type '${ext}' (use .csv, .tsv or .txt)`);
  const parsed = Papa.parse<string[]>(text, { delimiter: ext === '.tsv' ? '\t' : '', skipEmptyLines: 'greedy' });
  const bad = parsed.errors.find((e) => e.type !== 'Delimiter');
  if (bad) throw new InputError(`${path} row ${(bad.row ?? 0) + 1}: ${bad.message}`);
  const [header, ...rows] = parsed.data;
  header[0] = header[0].replace(/^\uFEFF/, '');
  if (rows.length === 0) throw new InputError(`${path}: header only, no records`);
  if (!column) throw new InputError(`${path}: name the record column with --column (columns: ${header.join(', ')})`);
  const col = header.indexOf(column);
  if (col < 0) throw new InputError(`${path}: no column '${column}' (columns: ${header.join(', ')})`);
  rows.forEach((row, i) => {
    if (row.length !== header.length) {
      throw new InputError(`${path} row ${i + 2}: ${row.length} fields, the header has ${header.length}`);
    }
    if (row[col].trim() === '') throw new InputError(`${path} row ${i + 2}, column '${column}': empty record`);
  });
  return { header, rows, records: rows.map((r) => r[col]) };
}

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      column: { type: 'string' },
      model: { type: 'string' },
      precision: { type: 'string', default: 'quantized' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || positionals.length !== 1 || !values.out) {
    console.error('usage: npm run score -- <input.csv|.tsv|.txt> [--column NAME] [--model DIR] [--precision quantized|fp32] --out <scored.csv>');
    return values.help ? 0 : 2;
  }
  if (values.precision !== 'quantized' && values.precision !== 'fp32') {
    throw new InputError(`--precision must be quantized or fp32, not '${values.precision}'`);
  }
  const input = positionals[0];
  const text = await readFile(input, 'utf8').catch((e) => {
    throw new InputError(`${input}: cannot be read (${e.code ?? e.message})`);
  });
  const table = readTable(input, text, values.column);
  const modelDir = values.model ?? (await defaultModelDir());
  const scorer = await nodeScorer(modelDir, values.precision as Precision);
  const started = performance.now();
  const scored = await scorer.score(table.records);
  const seconds = (performance.now() - started) / 1000;
  const out = Papa.unparse({
    fields: [...table.header, 'p_correct', 'verdict'],
    data: table.rows.map((row, i) => [...row, scored[i].pCorrect.toFixed(6), scored[i].verdict]),
  }, { newline: '\n' });
  await writeFile(values.out, out + '\n', 'utf8');
  scored.forEach((s, i) => {
    if (s.truncated) console.error(`warning: ${input} record ${i + 1} is longer than the model's ${scorer.manifest.max_length} tokens; scored its beginning only`);
  });
  const wrong = scored.filter((s) => s.verdict === 'wrong').length;
  console.log(
    `scored ${scored.length} records with ${scorer.manifest.name} (${values.precision}) in ${seconds.toFixed(2)} s: ` +
      `${scored.length - wrong} correct, ${wrong} wrong (threshold ${scorer.manifest.threshold.toFixed(3)}) -> ${values.out}`,
  );
  return 0;
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(`score: ${e instanceof Error ? e.message : e}`);
      process.exit(1);
    },
  );
}
