/**
 * npm run score -- <input.csv|.tsv|.jsonl|.txt> --out <scored.csv> [options]
 *
 * Reads files by the same rules as the page (src/core/table.ts): UTF-8 with or without
 * BOM or GBK/GB18030, sniffed; delimiter and header guessed; ragged rows and giant cells
 * reported by row and column. Columns become the record as in the page's mapping
 * (src/core/column-mapping.ts), and the output is written by the page's export rules
 * (src/core/table-export.ts), formula guard included.
 *
 *   --record COL            one column is the whole record (--column is the same)
 *   --name/--address/--postcode/--phone COL   template fields, composed like the page
 *   --extra COL             an extra column, added as `COL：value` (repeatable)
 *   --label COL             the file's own labels: accuracy is printed
 *   (no column flag)        the mapping is guessed from the header, as in the page
 *   --encoding auto|utf-8|gb18030   --header yes|no|auto
 *   --export full|cleaned|flagged   --out-encoding utf-8-bom|utf-8|gb18030
 *   --model DIR   --precision quantized|fp32
 *   --adapter FILE  an adapter the page trained on corrections (its verdicts, not the base model's)
 */
import { open as openFile, readFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultModelDir, nodeScorer } from './node-scorer';
import type { Precision } from '../core/model-files';
import { DEFAULT_RECORD_TEMPLATE } from '../core/record-template';
import { columnList, composeRow, emptyMapping, guessMapping, mappingProblem, parseLabel, type ColumnMapping } from '../core/column-mapping';
import { openTable, TableReader, utf16AsUtf8, type ByteSource, type TableIndex } from '../core/table';
import { EXPORT_KINDS, OUTPUT_ENCODINGS, exportTable, type ExportKind, type OutputEncoding } from '../core/table-export';
import { adaptedP, type Adapter } from '../core/adapter';
import { checkAdapterModel, parseAdapterFile } from '../core/adapter-file';
import { sha256Hex } from '../core/sha256';
import { describeWarning, place } from '../core/places';
import type { Scorer } from '../core/scorer';

export class InputError extends Error {}

const USAGE =
  'usage: npm run score -- <input.csv|.tsv|.jsonl|.txt> --out <scored.csv> [--record COL | --name COL --address COL --postcode COL --phone COL --extra COL ...] ' +
  '[--label COL] [--encoding auto|utf-8|gb18030] [--header yes|no|auto] [--export full|cleaned|flagged] [--out-encoding utf-8-bom|utf-8|gb18030] [--model DIR] [--precision quantized|fp32] [--adapter FILE]';

async function fileSource(path: string): Promise<ByteSource & { close(): Promise<void> }> {
  const handle = await openFile(path, 'r').catch((e) => {
    throw new InputError(`${path}: cannot be read (${e.code ?? e.message})`);
  });
  const { size } = await handle.stat();
  return {
    name: path,
    size,
    async read(start, end) {
      const bytes = new Uint8Array(end - start);
      await handle.read(bytes, 0, bytes.length, start);
      return bytes;
    },
    close: () => handle.close(),
  };
}

/** The mapping from the flags, or guessed from the header when no column is named. */
export function mappingFromFlags(index: TableIndex, flags: Record<string, string | string[] | boolean | undefined>): ColumnMapping {
  const column = (flag: string, name: string) => {
    const c = index.header.indexOf(name);
    if (c < 0) throw new InputError(`${index.name}: --${flag} '${name}': no such column (columns: ${columnList(index.header)})`);
    return c;
  };
  const named = ['record', 'column', 'extra', ...DEFAULT_RECORD_TEMPLATE.fields.map((f) => f.key)].some((f) => flags[f] !== undefined);
  const mapping = named ? emptyMapping() : guessMapping(index.header);
  const whole = (flags.record ?? flags.column) as string | undefined;
  if (whole !== undefined) mapping.whole = column('record', whole);
  for (const f of DEFAULT_RECORD_TEMPLATE.fields) {
    const v = flags[f.key] as string | undefined;
    if (v !== undefined) mapping.fields[f.key] = column(f.key, v);
  }
  mapping.extras = ((flags.extra as string[] | undefined) ?? []).map((e) => column('extra', e));
  if (flags.label !== undefined) mapping.label = column('label', flags.label as string);
  const problem = mappingProblem(mapping, index.header, index.name);
  if (problem) throw new InputError(`${problem} (name it with --record COL or --name/--address/--postcode/--phone COL; columns: ${columnList(index.header)})`);
  return mapping;
}

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      record: { type: 'string' },
      column: { type: 'string' },
      name: { type: 'string' },
      address: { type: 'string' },
      postcode: { type: 'string' },
      phone: { type: 'string' },
      extra: { type: 'string', multiple: true },
      label: { type: 'string' },
      encoding: { type: 'string', default: 'auto' },
      header: { type: 'string', default: 'auto' },
      export: { type: 'string', default: 'full' },
      'out-encoding': { type: 'string', default: 'utf-8' },
      model: { type: 'string' },
      precision: { type: 'string', default: 'quantized' },
      adapter: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || positionals.length !== 1 || !values.out) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const oneOf = (flag: string, value: string, allowed: readonly string[]) => {
    if (!allowed.includes(value)) throw new InputError(`--${flag} must be one of ${allowed.join(', ')}, not '${value}'`);
  };
  oneOf('precision', values.precision!, ['quantized', 'fp32']);
  oneOf('encoding', values.encoding!, ['auto', 'utf-8', 'gb18030']);
  oneOf('header', values.header!, ['auto', 'yes', 'no']);
  oneOf('export', values.export!, EXPORT_KINDS);
  oneOf('out-encoding', values['out-encoding']!, OUTPUT_ENCODINGS);

  const input = positionals[0];
  const file = await fileSource(input);
  try {
    const source = await utf16AsUtf8(file);
    // Naming columns by header says the file has one.
    const named = ['record', 'column', 'name', 'address', 'postcode', 'phone', 'extra', 'label'].some((f) => values[f as keyof typeof values] !== undefined);
    const index = await openTable(source, {
      encoding: values.encoding as 'auto' | 'utf-8' | 'gb18030',
      hasHeader: values.header === 'auto' ? (named && !input.endsWith('.jsonl') ? true : undefined) : values.header === 'yes',
    });
    for (const w of index.warnings) console.error(`warning: ${describeWarning(input, w)}`);
    if (index.warningCount > index.warnings.length) console.error(`warning: ${index.warningCount - index.warnings.length} more`);
    const mapping = mappingFromFlags(index, values);
    const modelDir = values.model ?? (await defaultModelDir());
    const scorer = await nodeScorer(modelDir, values.precision as Precision);
    const adapter = values.adapter ? await readAdapter(values.adapter, modelDir, scorer) : null;
    const threshold = adapter?.threshold ?? scorer.manifest.threshold;
    const template = scorer.manifest.record_template ?? DEFAULT_RECORD_TEMPLATE;
    const reader = new TableReader(source, index);

    const started = performance.now();
    const p = new Float32Array(index.rowCount);
    let agree = 0;
    let labelled = 0;
    for await (const { first, rows, lines } of reader.chunks()) {
      const records = rows.map((cells) => composeRow(cells, index.header, mapping, template));
      // With an adapter, P(correct) is the adapter's reading of the record's features and margin.
      const scored = adapter
        ? (await scorer.scoreWithFeatures(records)).map((s) => {
            const q = adaptedP(adapter, s.features, s.rewardCorrect - s.rewardWrong);
            return { ...s, pCorrect: q, verdict: q >= adapter.threshold ? ('correct' as const) : ('wrong' as const) };
          })
        : await scorer.score(records);
      scored.forEach((s, k) => {
        const row = first + k;
        p[row] = s.pCorrect;
        if (s.truncated) console.error(`warning: ${input} ${place(lines[k], row + 1)} is longer than the model's ${scorer.manifest.max_length} tokens; scored its beginning only`);
        if (!records[k].trim()) console.error(`warning: ${input} ${place(lines[k], row + 1)}: empty record`);
        const label = mapping.label === null ? null : parseLabel(rows[k][mapping.label] ?? '');
        if (label) {
          labelled++;
          if (label === s.verdict) agree++;
        }
      });
    }
    const seconds = (performance.now() - started) / 1000;

    const out = createWriteStream(values.out);
    for await (const chunk of exportTable(reader, { p, threshold }, values.export as ExportKind, values['out-encoding'] as OutputEncoding)) {
      if (!out.write(chunk)) await new Promise((r) => out.once('drain', r));
    }
    await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));

    const wrong = p.filter((x) => x < threshold).length;
    console.log(
      `scored ${p.length} records with ${scorer.manifest.name} (${values.precision})${adapter ? ` and the adapter ${values.adapter}` : ''} in ${seconds.toFixed(2)} s: ` +
        `${p.length - wrong} correct, ${wrong} wrong (threshold ${threshold.toFixed(3)})` +
        (labelled ? `; accuracy ${((100 * agree) / labelled).toFixed(1)} % on ${labelled} labelled rows` : '') +
        ` -> ${values.out} (${values.export}, ${values['out-encoding']})`,
    );
    return 0;
  } finally {
    await file.close();
  }
}

/** An adapter file, checked against the model scoring: trained on this very manifest.json. */
async function readAdapter(path: string, modelDir: string, scorer: Scorer): Promise<Adapter> {
  const text = await readFile(path, 'utf8').catch((e: Error) => {
    throw new InputError(`${path}: cannot be read (${e.message})`);
  });
  const file = parseAdapterFile(text, path);
  const manifestSha = await sha256Hex(await readFile(join(modelDir, 'manifest.json')));
  checkAdapterModel(file, scorer.manifest.name, manifestSha, path);
  if (scorer.featureSize === null) throw new InputError(`${path}: ${scorer.manifest.name} has no features (${scorer.featuresUnavailable})`);
  if (scorer.featureSize !== file.adapter.size) throw new InputError(`${path}: an adapter of size ${file.adapter.size}, the model's features are ${scorer.featureSize}`);
  return file.adapter;
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
