/**
 * How a table file is read: the one set of rules for the browser (the table worker, over
 * a File) and the CLI (over a file on disk). Runtime-neutral: both pass a ByteSource.
 *
 * A file is read in blocks of whole rows. The first pass (openTable) sniffs the
 * encoding, the delimiter and the header, cuts the file into blocks of about
 * BLOCK_BYTES that end on a row boundary, and counts their rows; afterwards any row is
 * re-read by parsing its block again. So a million-row file costs a small index in
 * memory, never an array of all its rows.
 *
 * Places in messages are file lines, counted from 1 as a text editor counts them (a quoted
 * line break inside a cell starts a new line), and, where the place is a data record, its
 * number among the records too, the header excluded: `line 3 (record 2)`.
 */
import Papa from 'papaparse';
import { t } from '../i18n';
import { num } from '../i18n/format';

export class TableError extends Error {
  override name = 'TableError';
}

export type TableKind = 'csv' | 'tsv' | 'jsonl' | 'txt';
export type TextEncodingName = 'utf-8' | 'gb18030';

export interface ByteSource {
  readonly name: string;
  readonly size: number;
  read(start: number, end: number): Promise<Uint8Array>;
}

export interface OpenOptions {
  encoding?: TextEncodingName | 'auto';
  /** Whether the first row names the columns; guessed when absent. */
  hasHeader?: boolean;
  onProgress?: (bytesRead: number, total: number) => void;
}

export interface TableWarning {
  /** The file line the row starts on; null where it could not be told (a malformed quote). */
  line: number | null;
  /** The data record's number from 1 (header excluded); null for the header or a skipped line. */
  record: number | null;
  column?: string;
  message: string;
}

/** Cells longer than this are scored on their beginning (the model reads a few hundred tokens). */
export const MAX_SCORED_CELL = 8192;
/** A row longer than this is refused: almost always a quote that was never closed. */
export const MAX_ROW_BYTES = 64 * 1024 * 1024;
const BLOCK_BYTES = 64 * 1024;
const READ_BYTES = 1024 * 1024;
const SAMPLE_BYTES = 1024 * 1024;
const MAX_WARNINGS = 200;

const KINDS: Record<string, TableKind> = { csv: 'csv', tsv: 'tsv', tab: 'tsv', jsonl: 'jsonl', ndjson: 'jsonl', txt: 'txt' };

export function kindOf(name: string): TableKind {
  const ext = /\.([^./\\]+)$/.exec(name)?.[1]?.toLowerCase() ?? '';
  const kind = KINDS[ext];
  if (!kind) throw new TableError(t('table_file.type', { name, ext }));
  return kind;
}

/**
 * UTF-8 (with or without BOM) or GBK/GB18030, the two encodings Chinese tables come in.
 * UTF-8 is tried first: GB18030 decodes almost any bytes, UTF-8 rejects most non-UTF-8.
 */
export function sniffEncoding(sample: Uint8Array, name: string): TextEncodingName {
  if (utf16Of(sample)) throw new TableError(t('table_file.utf16', { name }));
  const nul = sample.indexOf(0);
  if (nul >= 0) throw new TableError(t('table_file.binary', { name, offset: nul }));
  if (decodes(sample, 'utf-8')) return 'utf-8';
  if (decodes(sample, 'gb18030')) return 'gb18030';
  throw new TableError(t('table_file.encoding', { name, offset: firstBadUtf8(sample) }));
}

function decodes(bytes: Uint8Array, encoding: TextEncodingName): boolean {
  try {
    // stream: the sample may end inside a character.
    new TextDecoder(encoding, { fatal: true }).decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
}

function firstBadUtf8(bytes: Uint8Array, encoding: TextEncodingName = 'utf-8'): number {
  let lo = 0;
  let hi = bytes.length;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (decodes(bytes.subarray(0, mid), encoding)) lo = mid;
    else hi = mid;
  }
  return lo;
}

interface Format {
  kind: TableKind;
  encoding: TextEncodingName;
  delimiter: string;
  newline: '\n' | '\r\n' | '\r';
}

/** Line breaks in a block's text, as its parser splits lines (JSONL on \n; the others on any break). */
function lineBreaks(text: string, kind: TableKind): number {
  return (text.match(kind === 'jsonl' ? /\n/g : /\r\n|\r|\n/g) ?? []).length;
}

/** Line breaks in bytes (a CR LF pair is one), for a place in a block that did not decode. */
function byteLineBreaks(bytes: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0x0a || (bytes[i] === 0x0d && bytes[i + 1] !== 0x0a)) n++;
  return n;
}

/**
 * The line each CSV/TSV row of a block starts on, read as Papa Parse reads the rows: a row
 * ends at the file's newline outside quotes, a quote opens a quoted field only at a field's
 * start, and a line with nothing on it holds no row. Every line break counts as a line,
 * quoted ones included, as an editor shows them.
 */
function csvRowLines(text: string, delimiter: string, newline: string, firstLine: number): number[] {
  const out: number[] = [];
  let line = firstLine;
  let inQuotes = false;
  let fieldStart = true;
  let rowOpen = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const isBreak = c === '\n' || (c === '\r' && text[i + 1] !== '\n');
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') i++;
        else inQuotes = false;
      } else if (isBreak) line++;
      continue;
    }
    if (text.startsWith(newline, i)) {
      i += newline.length - 1;
      line++;
      rowOpen = false;
      fieldStart = true;
      continue;
    }
    if (!rowOpen) {
      out.push(line);
      rowOpen = true;
    }
    if (isBreak) line++; // not the file's newline: Papa keeps it inside the row
    if (c === '"' && fieldStart) inQuotes = true;
    fieldStart = c === delimiter;
  }
  return out;
}

/**
 * Parse one block of whole rows into records (arrays of cells, or JSON objects for JSONL).
 * A JSONL line that is not a JSON object is skipped, as a ragged CSV row is kept: the first
 * pass reports it through `skipped` with its line number (the block's first line is
 * `firstLine`), and every later read skips it the same way, so record numbers agree.
 * `lines`, when given, gets the line each record starts on (null where it cannot be told).
 */
function parseBlock(
  text: string,
  f: Format,
  name: string,
  firstLine = 1,
  skipped?: (line: number, reason: string) => void,
  lines?: (number | null)[],
): string[][] | Record<string, unknown>[] {
  if (f.kind === 'txt') {
    const out: string[][] = [];
    text.split(/\r\n|\n|\r/).forEach((l, i) => {
      if (l === '') return;
      out.push([l]);
      lines?.push(firstLine + i);
    });
    return out;
  }
  if (f.kind === 'jsonl') {
    const out: Record<string, unknown>[] = [];
    text.split(/\r?\n/).forEach((line, i) => {
      if (line.trim() === '') return;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (e) {
        skipped?.(firstLine + i, t('table_file.not_json', { why: (e as Error).message }));
        return;
      }
      if (!value || typeof value !== 'object' || Array.isArray(value)) {
        skipped?.(firstLine + i, t('table_file.not_object'));
        return;
      }
      out.push(value as Record<string, unknown>);
      lines?.push(firstLine + i);
    });
    return out;
  }
  const parsed = Papa.parse<string[]>(text, { delimiter: f.delimiter, newline: f.newline, skipEmptyLines: true });
  const bad = parsed.errors.find((e) => e.code === 'MissingQuotes' || e.code === 'InvalidQuotes');
  const starts = bad || lines ? csvRowLines(text, f.delimiter, f.newline, firstLine) : [];
  if (bad) {
    const at = starts[bad.row ?? 0] ?? firstLine;
    throw new TableError(t('table_file.at_line', { name, line: at, why: bad.message }));
  }
  // The scan and Papa disagree only on odd quoting: then no line is claimed at all.
  if (lines) lines.push(...(starts.length === parsed.data.length ? starts : parsed.data.map(() => null)));
  return parsed.data;
}

/**
 * Where rows end in bytes: a newline outside quotes. A quote opens a quoted field only
 * at the start of a field, `""` inside one is a literal quote (RFC 4180, as Papa Parse
 * reads it). The delimiter, quote and newline bytes are ASCII, which never occur inside a
 * UTF-8 or GBK multi-byte character, so bytes can be scanned without decoding.
 */
class RowSplitter {
  private inQuotes = false;
  private quotePending = false;
  private fieldStart = true;
  constructor(
    private readonly quoteAware: boolean,
    private readonly delimiter: number,
    private readonly newline: number,
  ) {}

  /** Scan bytes[from..to); return the end (exclusive) of the last row that ends there, or -1. */
  scan(bytes: Uint8Array, from: number, to: number): number {
    let last = -1;
    for (let i = from; i < to; i++) {
      const b = bytes[i];
      if (!this.quoteAware) {
        if (b === this.newline) last = i + 1;
        continue;
      }
      if (this.inQuotes) {
        if (this.quotePending) {
          this.quotePending = false;
          if (b === 0x22) continue; // "" is a literal quote
          this.inQuotes = false; // the quote closed the field; fall through for this byte
        } else {
          if (b === 0x22) this.quotePending = true;
          continue;
        }
      }
      if (b === this.newline) {
        last = i + 1;
        this.fieldStart = true;
      } else if (b === this.delimiter) {
        this.fieldStart = true;
      } else {
        if (b === 0x22 && this.fieldStart) this.inQuotes = true;
        this.fieldStart = false;
      }
    }
    return last;
  }

  /** At the end of the file a closing quote may be the last byte. */
  get openQuote(): boolean {
    return this.inQuotes && !this.quotePending;
  }
}

export interface Block {
  start: number;
  end: number;
  /** Index of the block's first record among all the file's records (header included). */
  firstRecord: number;
  /** The file line the block starts on, from 1. */
  firstLine: number;
}

export interface TableIndex extends Format {
  name: string;
  header: string[];
  hasHeader: boolean;
  /** What the header guess said, so a UI can show that the user overrode it. */
  headerGuess: boolean;
  rowCount: number;
  blocks: Block[];
  warnings: TableWarning[];
  /** Warnings past MAX_WARNINGS are counted, not kept. */
  warningCount: number;
  preview: string[][];
}

const HEADER_WORDS = /^(name|姓名|名字|联系人|收件人|address|addr|地址|详细地址|收货地址|postcode|post code|zip|zipcode|邮编|邮政编码|phone|mobile|tel|telephone|电话|手机|手机号|联系电话|label|标签|标注|verdict|id|编号|序号|record|text|记录|文本)$/i;

/** Does the first row name the columns? Known names, or a text cell over a column of numbers. */
export function guessHeader(rows: string[][]): boolean {
  const [first, ...rest] = rows;
  if (!first || first.some((c) => c.trim() === '') || new Set(first).size !== first.length) return false;
  if (first.some((c) => HEADER_WORDS.test(c.trim()))) return true;
  const digits = (s: string) => (s.match(/\d/g) ?? []).length;
  return first.some((cell, col) => {
    const below = rest.map((r) => r[col] ?? '').filter((c) => c !== '');
    return digits(cell) === 0 && below.length > 0 && below.filter((c) => digits(c) >= 3).length >= 0.8 * below.length;
  });
}

function cellText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

async function readSample(source: ByteSource): Promise<Uint8Array> {
  return source.read(0, Math.min(source.size, SAMPLE_BYTES));
}

function decoder(encoding: TextEncodingName): TextDecoder {
  return new TextDecoder(encoding, { fatal: true });
}

function sniffFormat(sample: Uint8Array, name: string, kind: TableKind, encoding: TextEncodingName): Format {
  // Only whole characters: cut the sample at its last newline before decoding.
  const cut = sample.lastIndexOf(0x0a) + 1 || sample.length;
  const text = new TextDecoder(encoding).decode(sample.subarray(0, cut));
  const newline = text.includes('\r\n') ? '\r\n' : text.includes('\n') || !text.includes('\r') ? '\n' : '\r';
  let delimiter = kind === 'tsv' ? '\t' : ',';
  if (kind === 'csv') {
    const guess = Papa.parse(text.slice(0, 64 * 1024), { delimiter: '', newline, preview: 50, skipEmptyLines: true });
    delimiter = guess.meta.delimiter || ',';
  }
  return { kind, encoding, delimiter, newline };
}

/** First pass over the file: format, header, row count, block index, warnings. */
export async function openTable(source: ByteSource, options: OpenOptions = {}): Promise<TableIndex> {
  const name = source.name;
  let kind = kindOf(name);
  if (source.size === 0) throw new TableError(t('table_file.empty', { name }));
  const sample = await readSample(source);
  // A .txt whose first line holds tabs is a table: Excel's "Unicode text" and "Text (tab
  // delimited)" exports are .txt files.
  if (kind === 'txt') {
    const end = sample.findIndex((b) => b === 0x0a || b === 0x0d);
    if ((end < 0 ? sample : sample.subarray(0, end)).includes(0x09)) kind = 'tsv';
  }
  const encoding = !options.encoding || options.encoding === 'auto' ? sniffEncoding(sample, name) : options.encoding;
  const format = sniffFormat(sample, name, kind, encoding);
  const splitter = new RowSplitter(kind === 'csv' || kind === 'tsv', format.delimiter.charCodeAt(0), format.newline === '\r' ? 0x0d : 0x0a);
  const blocks: Block[] = [];
  // `row`: the record's number among all records, header included (which it is is told at the end).
  type FirstPassWarning = { line: number | null; row: number | null; column?: string; message: string };
  const warnings: FirstPassWarning[] = [];
  let warningCount = 0;
  const warn = (w: FirstPassWarning) => {
    if (warningCount++ < MAX_WARNINGS) warnings.push(w);
  };
  const firstRecords: (string[] | Record<string, unknown>)[] = [];
  const keys = new Map<string, number>();
  let width = -1;
  let records = 0;
  let lines = 0;
  let lastLine = 1;
  let firstSkipped = null as { line: number; reason: string } | null; // set inside skipped(): no narrowing to null
  const skipped = (line: number, reason: string) => {
    firstSkipped ??= { line, reason };
    warn({ line, row: null, message: t('table_file.line_skipped', { reason }) });
  };
  let pending = new Uint8Array(0);
  let pendingStart = 0;
  let scanned = 0;
  let rowEnd = -1;

  const cutBlock = (end: number) => {
    const bytes = pending.subarray(0, end);
    let text: string;
    try {
      text = decoder(encoding).decode(bytes);
    } catch {
      const at = lines + 1 + byteLineBreaks(bytes.subarray(0, firstBadUtf8(bytes, encoding)));
      throw new TableError(t('table_file.bad_bytes', { name, line: at, encoding: encoding === 'utf-8' ? 'UTF-8' : 'GB18030' }));
    }
    if (blocks.length === 0) text = text.replace(/^\uFEFF/, '');
    const rowLines: (number | null)[] = [];
    const rows = parseBlock(text, format, name, lines + 1, skipped, rowLines);
    const firstLine = lines + 1;
    lines += lineBreaks(text, format.kind);
    rows.forEach((row, k) => {
      const rowNo = records + k + 1;
      const line = rowLines[k] ?? null;
      lastLine = line ?? lastLine;
      if (Array.isArray(row)) {
        if (width < 0) width = row.length;
        else if (row.length !== width) warn({ line, row: rowNo, message: t('table_file.ragged', { n: row.length, width }) });
        row.forEach((cell, col) => {
          if (cell.length > MAX_SCORED_CELL) {
            warn({ line, row: rowNo, column: String(col), message: t('table_file.long_cell', { n: num(cell.length), max: MAX_SCORED_CELL }) });
          }
        });
      } else {
        for (const [key, value] of Object.entries(row)) {
          if (!keys.has(key)) keys.set(key, keys.size);
          if (cellText(value).length > MAX_SCORED_CELL) {
            warn({ line, row: rowNo, column: key, message: t('table_file.long_cell', { n: num(cellText(value).length), max: MAX_SCORED_CELL }) });
          }
        }
      }
      if (firstRecords.length < 21) firstRecords.push(row);
    });
    if (rows.length > 0) blocks.push({ start: pendingStart, end: pendingStart + end, firstRecord: records, firstLine });
    records += rows.length;
    pending = pending.slice(end);
    pendingStart += end;
    scanned -= end;
    rowEnd = -1;
  };

  for (let offset = 0; offset < source.size; offset += READ_BYTES) {
    const chunk = offset === 0 && sample.length >= Math.min(READ_BYTES, source.size) ? sample.subarray(0, Math.min(READ_BYTES, source.size)) : await source.read(offset, Math.min(offset + READ_BYTES, source.size));
    const grown = new Uint8Array(pending.length + chunk.length);
    grown.set(pending);
    grown.set(chunk, pending.length);
    pending = grown;
    for (;;) {
      // Scan in steps of BLOCK_BYTES so blocks stay small whatever the read size.
      const to = Math.min(pending.length, scanned + BLOCK_BYTES);
      const end = splitter.scan(pending, scanned, to);
      if (end >= 0) rowEnd = end;
      scanned = to;
      if (rowEnd >= BLOCK_BYTES || (rowEnd > 0 && scanned === pending.length && pending.length >= BLOCK_BYTES)) cutBlock(rowEnd);
      else if (scanned === pending.length) break;
    }
    if (pending.length > MAX_ROW_BYTES) {
      const at = lines + 1 + byteLineBreaks(pending.subarray(0, Math.max(rowEnd, 0)));
      throw new TableError(t('table_file.long_row', { name, line: at, mb: MAX_ROW_BYTES / 1024 / 1024 }));
    }
    options.onProgress?.(Math.min(offset + READ_BYTES, source.size), source.size);
  }
  if (pending.length > 0) cutBlock(pending.length);
  if (splitter.openQuote) throw new TableError(t('table_file.open_quote', { name, line: lastLine }));
  if (records === 0 && firstSkipped) {
    throw new TableError(t('table_file.no_object', { name, line: firstSkipped.line, reason: firstSkipped.reason }));
  }
  if (records === 0) throw new TableError(t('table_file.empty', { name }));

  let header: string[];
  let headerGuess: boolean;
  if (kind === 'jsonl') {
    header = [...keys.keys()];
    headerGuess = false;
    if (header.length === 0) throw new TableError(t('table_file.no_fields', { name }));
  } else {
    const asRows = firstRecords as string[][];
    headerGuess = kind !== 'txt' && guessHeader(asRows);
  }
  const hasHeader = kind === 'jsonl' ? false : (options.hasHeader ?? headerGuess!);
  if (kind !== 'jsonl') {
    const first = firstRecords[0] as string[];
    header = hasHeader ? first.map((c) => c.trim()) : kind === 'txt' ? ['record'] : first.map((_, i) => `column ${i + 1}`);
  }
  const rowCount = records - (hasHeader ? 1 : 0);
  if (rowCount === 0) throw new TableError(t('table_file.header_only', { name }));
  const columnName = (column?: string) => (column === undefined || kind === 'jsonl' ? column : header[Number(column)] ?? `column ${Number(column) + 1}`);
  const index: TableIndex = {
    ...format,
    name,
    header: header!,
    hasHeader,
    headerGuess: headerGuess!,
    rowCount,
    blocks,
    warnings: warnings.map(({ row, ...w }) => {
      const record = row === null ? null : row - (hasHeader ? 1 : 0);
      const out: TableWarning = { line: w.line, record: record === 0 ? null : record, message: w.message };
      const column = columnName(w.column);
      if (column !== undefined) out.column = column;
      return out;
    }),
    warningCount,
    preview: [],
  };
  index.preview = firstRecords.slice(hasHeader ? 1 : 0, (hasHeader ? 1 : 0) + 20).map((r) => toCells(r, index.header));
  return index;
}

function toCells(record: string[] | Record<string, unknown>, header: string[]): string[] {
  return Array.isArray(record) ? record : header.map((k) => cellText(record[k]));
}

/** Re-reads rows of an indexed table, a few parsed blocks kept in memory. */
export class TableReader {
  private cache = new Map<number, { rows: string[][]; lines: (number | null)[] }>();
  constructor(
    readonly source: ByteSource,
    readonly index: TableIndex,
    private readonly cacheBlocks = 16,
  ) {}

  /** File-order record number (header included) of data row i. */
  private recordOf(row: number): number {
    return row + (this.index.hasHeader ? 1 : 0);
  }

  private blockOf(record: number): number {
    const blocks = this.index.blocks;
    let lo = 0;
    let hi = blocks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (blocks[mid].firstRecord <= record) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  async block(k: number): Promise<string[][]> {
    return (await this.parsed(k)).rows;
  }

  private async parsed(k: number): Promise<{ rows: string[][]; lines: (number | null)[] }> {
    const hit = this.cache.get(k);
    if (hit) {
      this.cache.delete(k);
      this.cache.set(k, hit);
      return hit;
    }
    const b = this.index.blocks[k];
    let text = decoder(this.index.encoding).decode(await this.source.read(b.start, b.end));
    if (k === 0) text = text.replace(/^\uFEFF/, '');
    const lines: (number | null)[] = [];
    const rows = parseBlock(text, this.index, this.index.name, b.firstLine, undefined, lines).map((r) => toCells(r, this.index.header));
    const entry = { rows, lines };
    this.cache.set(k, entry);
    if (this.cache.size > this.cacheBlocks) this.cache.delete(this.cache.keys().next().value!);
    return entry;
  }

  /** The file line each of these data rows starts on (null where it cannot be told), for messages. */
  async lines(rows: number[]): Promise<(number | null)[]> {
    const out: (number | null)[] = [];
    for (const row of rows) {
      const { block, offset } = await this.locate(row);
      out.push(block.lines[offset] ?? null);
    }
    return out;
  }

  /** A data row's parsed block, and its place in it. */
  private async locate(row: number): Promise<{ block: { rows: string[][]; lines: (number | null)[] }; offset: number }> {
    if (!(row >= 0 && row < this.index.rowCount)) throw new RangeError(`${this.index.name}: no data row ${row}`);
    const record = this.recordOf(row);
    const k = this.blockOf(record);
    return { block: await this.parsed(k), offset: record - this.index.blocks[k].firstRecord };
  }

  /** The cells of data rows, in the order asked. */
  async cells(rows: number[]): Promise<string[][]> {
    const out: string[][] = [];
    for (const row of rows) {
      const { block, offset } = await this.locate(row);
      out.push(block.rows[offset]);
    }
    return out;
  }

  /** Data rows [from, from + count) in file order. */
  async range(from: number, count: number): Promise<string[][]> {
    const end = Math.min(from + count, this.index.rowCount);
    const out: string[][] = [];
    for (let row = from; row < end; ) {
      const record = this.recordOf(row);
      const k = this.blockOf(record);
      const rows = await this.block(k);
      const offset = record - this.index.blocks[k].firstRecord;
      const take = Math.min(rows.length - offset, end - row);
      for (let j = 0; j < take; j++) out.push(rows[offset + j]);
      row += take;
    }
    return out;
  }

  /** Every data row in order, block by block (for exports and searches over the whole file). */
  async *chunks(): AsyncGenerator<{ first: number; rows: string[][]; lines: (number | null)[] }> {
    const skip = this.index.hasHeader ? 1 : 0;
    for (let k = 0; k < this.index.blocks.length; k++) {
      const b = this.index.blocks[k];
      let { rows, lines } = await this.parsed(k);
      let first = b.firstRecord - skip;
      if (first < 0) {
        rows = rows.slice(-first);
        lines = lines.slice(-first);
        first = 0;
      }
      yield { first, rows, lines };
    }
  }
}

/** The UTF-16 flavour a byte-order mark announces, or null. */
function utf16Of(head: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  return null;
}

/**
 * A UTF-16 file with a byte-order mark (Excel's "Unicode text" export, the usual way a
 * table leaves Excel on Chinese Windows) as the same text in UTF-8, so the rest of the
 * reader, which finds rows by scanning ASCII bytes, works on it unchanged. Decoded whole,
 * once; any other source is returned as it is.
 */
export async function utf16AsUtf8(source: ByteSource): Promise<ByteSource> {
  const encoding = utf16Of(await source.read(0, Math.min(2, source.size)));
  if (!encoding) return source;
  let text: string;
  try {
    text = new TextDecoder(encoding, { fatal: true }).decode(await source.read(0, source.size));
  } catch {
    throw new TableError(t('table_file.bad_bom', { name: source.name, encoding: encoding.toUpperCase() }));
  }
  return bytesSource(source.name, new TextEncoder().encode(text));
}

/** A table held in memory (the paste box, tests). */
export function bytesSource(name: string, bytes: Uint8Array): ByteSource {
  return { name, size: bytes.length, read: async (start, end) => bytes.subarray(start, end) };
}
