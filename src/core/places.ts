/**
 * Where a message points in a file, said the same way by the page and the CLI: the file
 * line (what an editor shows) and the record (data rows from 1, header excluded),
 * "line 3 (record 2)". `format` writes the numbers (the page groups them for its locale).
 */
import { t } from '../i18n';
import type { TableWarning } from './table';

type Format = (n: number) => string;

export function place(line: number | null, record: number | null, format: Format = String): string {
  if (line !== null && record !== null) return t('place.line_record', { line: format(line), record: format(record) });
  if (line !== null) return t('place.line', { line: format(line) });
  return t('place.record', { record: format(record ?? 0) });
}

/** A table warning with its file, place and column: `a.csv line 3 (record 2), column 'phone': …`. */
export function describeWarning(file: string, w: TableWarning, format: Format = String): string {
  return `${file} ${place(w.line, w.record, format)}${w.column ? t('place.column', { column: w.column }) : ''}: ${w.message}`;
}
