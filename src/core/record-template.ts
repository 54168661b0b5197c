/**
 * How a table row's mapped columns become the one line of text the model reads.
 *
 * Twin of training/twinscore/record_template.py; the model's manifest carries the
 * template it was trained with (record_template) and tests/vectors/record-template.json
 * holds both languages to the same output.
 */

export interface TemplateField {
  key: string;
  label: string;
  prefix: string;
}

export interface RecordTemplate {
  version: number;
  separator: string;
  fields: TemplateField[];
}

/** The template our generator trains with; used when a manifest predates record_template. */
export const DEFAULT_RECORD_TEMPLATE: RecordTemplate = {
  version: 1,
  separator: '，',
  fields: [
    { key: 'name', label: '姓名', prefix: '' },
    { key: 'address', label: '地址', prefix: '' },
    { key: 'postcode', label: '邮编', prefix: '邮编：' },
    { key: 'phone', label: '联系电话', prefix: '联系电话：' },
  ],
};

/**
 * Join the non-empty fields in template order; other keys follow as `key：value` in
 * insertion order. Values are trimmed, otherwise kept as they are: the model must see
 * the errors, not a cleaned copy.
 */
export function composeRecord(values: Record<string, string | undefined>, template = DEFAULT_RECORD_TEMPLATE): string {
  const known = new Set(template.fields.map((f) => f.key));
  const parts: string[] = [];
  for (const field of template.fields) {
    const value = (values[field.key] ?? '').trim();
    if (value) parts.push(field.prefix + value);
  }
  for (const [key, raw] of Object.entries(values)) {
    if (known.has(key)) continue;
    const value = (raw ?? '').trim();
    if (value) parts.push(`${key}：${value}`);
  }
  return parts.join(template.separator);
}
