/**
 * Which table columns make up the record the model reads. Either one column is the
 * whole record, or columns fill the fields of the model's record template (from its
 * manifest; DEFAULT_RECORD_TEMPLATE for older models) and any extra columns follow as
 * `header：value`. The text itself is always composed by record-template.ts.
 */
import { composeRecord, DEFAULT_RECORD_TEMPLATE, type RecordTemplate } from './record-template';
import { MAX_SCORED_CELL } from './table';
import type { Verdict } from './scorer';
import { t } from '../i18n';

export interface ColumnMapping {
  /** One column that is the whole record; when set, fields and extras are ignored. */
  whole: number | null;
  /** Template field key -> column index. */
  fields: Record<string, number | null>;
  /** Columns added after the template fields as `header：value`, in this order. */
  extras: number[];
  /** A column holding the expected verdict (correct/wrong, 正确/错误, 1/0, true/false). */
  label: number | null;
  /**
   * A column naming each wrong record's kind of error (the generator's error_class, or a
   * reviewer's 错误类型): the per-class table reads it; the model never does.
   */
  errorClass: number | null;
}

/** Header words each template field and the label are guessed from (lower case). */
const ALIASES: Record<string, string[]> = {
  name: ['name', 'full name', 'fullname', '姓名', '名字', '联系人', '收件人', '客户名称'],
  address: ['address', 'addr', 'street', '地址', '详细地址', '收货地址', '住址'],
  postcode: ['postcode', 'post code', 'postal code', 'postalcode', 'zip', 'zipcode', 'zip code', '邮编', '邮政编码'],
  phone: ['phone', 'mobile', 'tel', 'telephone', 'phone number', '电话', '手机', '手机号', '手机号码', '联系电话', '电话号码'],
  label: ['label', 'labels', 'verdict', 'is_correct', 'correct', '标签', '标注', '是否正确', '判定'],
  record: ['record', 'text', 'records', '记录', '文本', '内容'],
  errorClass: ['error_class', 'error class', 'errorclass', 'error_type', 'error type', 'errortype', 'error kind', '错误类型', '错误类别', '错误分类', '错误种类', '错误原因', '问题类型'],
};

export function emptyMapping(template: RecordTemplate = DEFAULT_RECORD_TEMPLATE): ColumnMapping {
  return { whole: null, fields: Object.fromEntries(template.fields.map((f) => [f.key, null])), extras: [], label: null, errorClass: null };
}

/** Guess a mapping from the header: template fields by key, label and known aliases. */
export function guessMapping(header: string[], template: RecordTemplate = DEFAULT_RECORD_TEMPLATE): ColumnMapping {
  const find = (words: string[]) => findColumn(header, words);
  const mapping = emptyMapping(template);
  for (const field of template.fields) {
    mapping.fields[field.key] = find([field.key.toLowerCase(), field.label.toLowerCase(), ...(ALIASES[field.key] ?? [])]);
  }
  mapping.label = find(ALIASES.label);
  mapping.errorClass = guessErrorClass(header);
  const used = Object.values(mapping.fields).some((c) => c !== null);
  if (!used) mapping.whole = find(ALIASES.record) ?? (header.length === 1 ? 0 : null);
  return mapping;
}

/** The column that names each record's kind of error, guessed from its name, or null. */
export function guessErrorClass(header: string[]): number | null {
  return findColumn(header, ALIASES.errorClass);
}

/** The first column whose name, trimmed and lower-cased, is one of `words`. */
function findColumn(header: string[], words: string[]): number | null {
  const i = header.findIndex((h) => words.includes(h.trim().toLowerCase()));
  return i >= 0 ? i : null;
}

/** What is wrong with a mapping for this header, or null when it can score. */
export function mappingProblem(mapping: ColumnMapping, header: string[], name: string): string | null {
  const columns = [mapping.whole, mapping.label, mapping.errorClass ?? null, ...Object.values(mapping.fields), ...mapping.extras];
  const bad = columns.find((c) => c !== null && !(Number.isInteger(c) && c >= 0 && c < header.length));
  if (bad !== undefined) return t('mapping_problem.no_column', { name, column: bad, n: header.length });
  const fields = Object.values(mapping.fields).filter((c) => c !== null);
  if (mapping.whole === null && fields.length === 0 && mapping.extras.length === 0) {
    return t('mapping_problem.none', { name });
  }
  if (mapping.label !== null && (mapping.label === mapping.whole || fields.includes(mapping.label))) {
    return t('mapping_problem.label_in_record', { name, column: header[mapping.label] });
  }
  return null;
}

/**
 * The header's names for a message, bounded: a 10,000-column file or a megabyte header cell
 * would otherwise put its whole header into one error line.
 */
export function columnList(header: string[], shown = 12, width = 40): string {
  const clip = (n: string) => (n.length > width ? `${n.slice(0, width)}…` : n);
  const names = header.slice(0, shown).map(clip).join(', ');
  const more = header.length - shown;
  return more > 0 ? `${names} and ${more.toLocaleString('en-US')} more` : names;
}

/** The record text for one row, exactly as the model will read it. */
export function composeRow(cells: string[], header: string[], mapping: ColumnMapping, template: RecordTemplate = DEFAULT_RECORD_TEMPLATE): string {
  const cell = (c: number) => (cells[c] ?? '').slice(0, MAX_SCORED_CELL);
  if (mapping.whole !== null) return cell(mapping.whole);
  const values: Record<string, string> = {};
  for (const [key, c] of Object.entries(mapping.fields)) if (c !== null) values[key] = cell(c);
  for (const c of mapping.extras) values[header[c]] = cell(c);
  return composeRecord(values, template);
}

/** localStorage key for remembering a mapping per set of headers. */
export function mappingKey(header: string[]): string {
  return `twinscore.mapping:${JSON.stringify(header)}`;
}

/** Build-dataset's label words, case-insensitive: a label column in any of these forms. */
export function parseLabel(value: string): Verdict | null {
  const v = value.trim().toLowerCase();
  if (['correct', '正确', '1', 'true', 'yes', '对'].includes(v)) return 'correct';
  if (['wrong', '错误', '0', 'false', 'no', '错'].includes(v)) return 'wrong';
  return null;
}

