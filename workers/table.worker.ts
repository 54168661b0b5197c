/**
 * The table worker: reads a dropped file (or the paste box's text) off the main thread.
 * It indexes the file once (src/core/table.ts), then hands out what the page asks for:
 * batches of record texts to score, the cells of the rows on screen, searches over the
 * whole file, and exports. The file stays a File: rows are re-read from it, never kept.
 */
import * as Comlink from 'comlink';
import { isLocale, setLocale } from '../src/i18n';
import { openTable, TableReader, utf16AsUtf8, type ByteSource, type OpenOptions, type TableIndex } from '../src/core/table';
import { composeRow, type ColumnMapping } from '../src/core/column-mapping';
import { exportTable, type ExportKind, type OutputEncoding } from '../src/core/table-export';
import type { RecordTemplate } from '../src/core/record-template';
import { parseLabel } from '../src/core/column-mapping';
import type { Verdict } from '../src/core/scorer';

export type TableInfo = Omit<TableIndex, 'blocks'>;

/** A data row (0-based, header excluded) and the file line it starts on, for messages. */
export interface RowPlace {
  row: number;
  line: number | null;
}

export interface Batch {
  /** The distinct record texts of the batch that were not scored before: score these. */
  texts: string[];
  /** Per row of the batch: k >= 0 -> texts[k]; k < 0 -> same text as the earlier row -k-1. */
  refs: Int32Array;
  labels: (Verdict | null)[];
  /** Rows whose record is empty, and whose label cell is not a label. */
  empty: RowPlace[];
  badLabels: RowPlace[];
}

function fileSource(file: File): ByteSource {
  return { name: file.name, size: file.size, read: async (start, end) => new Uint8Array(await file.slice(start, end).arrayBuffer()) };
}

let reader: TableReader | null = null;
// Text -> the first row scored with it, so a repeated record is scored once. Bounded:
// past the limit it starts over, which costs speed, never correctness.
let seen = new Map<string, number>();
const SEEN_LIMIT = 200_000;

function open(): TableReader {
  if (!reader) throw new Error('no table is open');
  return reader;
}

// The page names each worker after its language (src/app/locale.svelte.ts): the messages thrown here are in it.
if (isLocale(self.name)) setLocale(self.name);

const api = {
  /** The page's language changed. */
  setLocale,
  async open(file: File, options: Omit<OpenOptions, 'onProgress'>, onProgress?: (read: number, total: number) => void): Promise<TableInfo> {
    const source = await utf16AsUtf8(fileSource(file));
    const index = await openTable(source, { ...options, onProgress });
    // Only a file that opened replaces the table on screen.
    reader = new TableReader(source, index);
    seen = new Map();
    const { blocks: _, ...info } = index;
    return info;
  },

  async cells(rows: number[]): Promise<string[][]> {
    return open().cells(rows);
  },

  async records(rows: number[], mapping: ColumnMapping, template: RecordTemplate): Promise<string[]> {
    const r = open();
    return (await r.cells(rows)).map((cells) => composeRow(cells, r.index.header, mapping, template));
  },

  /**
   * Rows from `from` on, ready to score: up to maxRows rows, ending early once maxTexts
   * new texts are in (repeated records cost nothing to score, so they fill a batch free).
   */
  async batch(from: number, maxRows: number, maxTexts: number, mapping: ColumnMapping, template: RecordTemplate): Promise<Batch> {
    const r = open();
    const rows = await r.range(from, maxRows);
    if (seen.size > SEEN_LIMIT) seen = new Map();
    const local = new Map<string, number>();
    const batch: Batch = { texts: [], refs: new Int32Array(rows.length), labels: [], empty: [], badLabels: [] };
    const empty: number[] = [];
    const badLabels: number[] = [];
    let end = rows.length;
    for (let k = 0; k < end; k++) {
      const cells = rows[k];
      const row = from + k;
      const text = composeRow(cells, r.index.header, mapping, template);
      if (text.trim() === '') empty.push(row);
      const earlier = seen.get(text);
      if (earlier !== undefined && earlier < from) batch.refs[k] = -earlier - 1;
      else if (local.has(text)) batch.refs[k] = local.get(text)!;
      else {
        local.set(text, batch.texts.length);
        batch.refs[k] = batch.texts.length;
        batch.texts.push(text);
        seen.set(text, row);
      }
      const cell = mapping.label === null ? '' : (cells[mapping.label] ?? '');
      const label = cell.trim() === '' ? null : parseLabel(cell);
      if (cell.trim() !== '' && label === null) badLabels.push(row);
      batch.labels.push(label);
      if (batch.texts.length >= maxTexts) end = k + 1;
    }
    batch.refs = batch.refs.slice(0, end);
    const placed = async (list: number[]) => {
      const kept = list.filter((row) => row < from + end);
      const lines = await r.lines(kept);
      return kept.map((row, k) => ({ row, line: lines[k] }));
    };
    batch.empty = await placed(empty);
    batch.badLabels = await placed(badLabels);
    return batch;
  },

  /** Data rows with a cell containing the query (case-insensitive), in file order. */
  async search(query: string): Promise<Uint32Array> {
    const needle = query.toLowerCase();
    const hits: number[] = [];
    for await (const { first, rows } of open().chunks()) {
      rows.forEach((cells, k) => {
        if (cells.some((c) => c.toLowerCase().includes(needle))) hits.push(first + k);
      });
    }
    const out = Uint32Array.from(hits);
    return Comlink.transfer(out, [out.buffer]);
  },

  async export(kind: ExportKind, encoding: OutputEncoding, p: Float32Array, threshold: number): Promise<Blob> {
    const parts: BlobPart[] = [];
    for await (const chunk of exportTable(open(), { p, threshold }, kind, encoding)) parts.push(chunk as Uint8Array<ArrayBuffer>);
    return new Blob(parts, { type: 'text/csv' });
  },
};

export type TableWorkerApi = typeof api;

Comlink.expose(api);
