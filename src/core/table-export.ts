/**
 * How scored tables are written: the one set of rules for the browser's exports and the
 * CLI's output.
 *
 * - full:    every row, its columns plus p_correct and verdict (empty when not scored)
 * - cleaned: the rows judged correct, their original columns only
 * - flagged: the rows judged wrong, plus p_correct and verdict
 *
 * Every cell that a spreadsheet would read as a formula (starting with = + - @, tab or
 * CR) gets a leading apostrophe. Short (ragged) rows are padded to the header's width
 * so the score columns line up; extra fields of long rows follow the score columns.
 */
import Papa from 'papaparse';
import type { TableReader } from './table';
import { t } from '../i18n';

export type ExportKind = 'full' | 'cleaned' | 'flagged';
export type OutputEncoding = 'utf-8-bom' | 'utf-8' | 'gb18030';
export const EXPORT_KINDS: ExportKind[] = ['full', 'cleaned', 'flagged'];
export const OUTPUT_ENCODINGS: OutputEncoding[] = ['utf-8-bom', 'utf-8', 'gb18030'];

/** Scores to write: P(correct) per data row (NaN = not scored) and the cut-off. */
export interface ExportScores {
  p: Float32Array;
  threshold: number;
}

export function guardCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function line(cells: string[]): string {
  // quotes: cells holding the delimiter, quotes or line breaks; \r\n as Excel writes.
  return Papa.unparse([cells.map(guardCell)], { newline: '\r\n', escapeFormulae: false }) + '\r\n';
}

export function exportHeader(header: string[], kind: ExportKind): string[] {
  // The columns we add are named in the page's language (p_correct, verdict in English: the CLI's).
  return kind === 'cleaned' ? header : [...header, t('export.column_p'), t('export.column_verdict')];
}

/** The output cells of one data row, or null when the row does not belong in this export. */
export function exportRow(cells: string[], width: number, p: number, threshold: number, kind: ExportKind): string[] | null {
  const scored = !Number.isNaN(p);
  const correct = scored && p >= threshold;
  if (kind === 'cleaned' && !correct) return null;
  if (kind === 'flagged' && (!scored || correct)) return null;
  const own = cells.length < width ? [...cells, ...Array<string>(width - cells.length).fill('')] : cells.slice(0, width);
  if (kind === 'cleaned') return cells.length > width ? cells : own;
  const score = scored ? [p.toFixed(6), t(correct ? 'export.correct' : 'export.wrong')] : ['', ''];
  return [...own, ...score, ...cells.slice(width)];
}

type Encoder = (text: string) => Uint8Array;

export async function encoderFor(encoding: OutputEncoding): Promise<Encoder> {
  if (encoding !== 'gb18030') {
    const utf8 = new TextEncoder();
    return (text) => utf8.encode(text);
  }
  // Loaded only when asked for: the code tables are half a megabyte. gb18030 is GBK
  // for every character GBK has, and still encodes the few it lacks.
  const mod = await import('@vscode/iconv-lite-umd');
  // A UMD module: Node's ESM loader puts it under default, bundlers may not.
  const iconv = (mod as unknown as { default?: typeof mod }).default ?? mod;
  return (text) => iconv.encode(text, 'gb18030');
}

/** The export as encoded chunks, block by block: never the whole file in one string. */
export async function* exportTable(reader: TableReader, scores: ExportScores, kind: ExportKind, encoding: OutputEncoding): AsyncGenerator<Uint8Array> {
  const encode = await encoderFor(encoding);
  const header = reader.index.header;
  if (encoding === 'utf-8-bom') yield new Uint8Array([0xef, 0xbb, 0xbf]);
  yield encode(line(exportHeader(header, kind)));
  for await (const { first, rows } of reader.chunks()) {
    let text = '';
    rows.forEach((cells, k) => {
      const i = first + k;
      const out = exportRow(cells, header.length, i < scores.p.length ? scores.p[i] : NaN, scores.threshold, kind);
      if (out) text += line(out);
    });
    if (text) yield encode(text);
  }
}
