import { describe, expect, it } from 'vitest';
import { baseline } from '../../src/cli/baseline';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { counts, readLabelled } from '../../src/cli/evaluate';

describe('rule baseline', () => {
  it('passes the seed record and other well-formed records', () => {
    for (const r of [
      '张三，北京市朝阳区望京街道123号院5号楼，邮编：100102，联系电话：13812345678',
      '浙江省杭州市西湖区北山街道12号，联系电话：0571-87654321',
      '李四 联系电话：138 1234 5678',
    ]) {
      expect(baseline(r), r).toEqual({ correct: true, reasons: [] });
    }
  });

  it.each([
    ['张三，北京市朝阳区望京街道123号，邮编：10010222', /postcode 10010222/],
    ['联系电话：a', /mobile a/],
    ['广州市天河区#?@!路12号', /junk/],
    ['北京市朝阳区望京街道123号，联系电话：0571-87654321', /area code 0571/],
    ['张三，邮编：，联系电话：13812345678', /邮编 is empty/],
    ['北京市朝阳区望京街道123号，联系电话：１３８１２３４５６７８', /mobile/],
  ])('flags %s', (record, reason) => {
    const verdict = baseline(record);
    expect(verdict.correct).toBe(false);
    expect(verdict.reasons.join('; ')).toMatch(reason);
  });
});

describe('evaluation counts', () => {
  it('treats "wrong" as the positive class', () => {
    // truth: C C W W ; said: C W W C
    const c = counts([true, true, false, false], [true, false, false, true]);
    expect(c).toEqual({ n: 4, accuracy: 0.5, precision_wrong: 0.5, recall_wrong: 0.5 });
  });
});

describe('evaluation input', () => {
  const file = (text: string) => {
    const path = join(mkdtempSync(join(tmpdir(), 'eval-')), 'records.jsonl');
    writeFileSync(path, text);
    return path;
  };
  it('names the line of invalid JSON and of a row without a label', () => {
    const bad = file('{"text":"北京市海淀区学院路29号","label":"correct"}\n\n{oops\n');
    expect(() => readLabelled(bad)).toThrow(`${bad} line 3: invalid JSON`);
    const unlabelled = file('{"text":"北京市海淀区学院路29号"}\n');
    expect(() => readLabelled(unlabelled)).toThrow(`${unlabelled} line 1: needs "text" and "label"`);
  });
});
