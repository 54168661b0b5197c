import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { composeRecord } from '../../src/core/record-template';

const vectors: { values: Record<string, string>; record: string }[] = JSON.parse(
  readFileSync(new URL('../vectors/record-template.json', import.meta.url), 'utf-8'),
);

describe('record template (twin of record_template.py)', () => {
  it.each(vectors.map((v, i) => [i, v] as const))('vector %i composes like Python', (_, v) => {
    expect(composeRecord(v.values)).toBe(v.record);
  });
  it('has the seed record among its vectors', () => {
    expect(vectors.map((v) => v.record)).toContain('张三，北京市朝阳区望京街道123号院5号楼，邮编：100102，联系电话：13812345678');
  });
});
