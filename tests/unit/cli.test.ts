/** npm run score on small files, run as a user runs it (a child process). */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultModelDir, nodeScorer } from '../../src/cli/node-scorer';
import { readParity } from './models';
import iconv from '@vscode/iconv-lite-umd';
import { composeRecord } from '../../src/core/record-template';

const ROOT = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);
const score = (...args: string[]) => run('npx', ['tsx', 'src/cli/score.ts', ...args], { cwd: ROOT });

let tmp: string;
let cases: ReturnType<typeof readParity>['cases'];
beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'cli-'));
  cases = readParity(await defaultModelDir()).cases.filter((c) => !/[\r\n",]/.test(c.record) && !c.truncated).slice(0, 6);
});

describe('score CLI', () => {
  it('scores a CSV column and keeps every input column', async () => {
    const input = join(tmp, 'in.csv');
    writeFileSync(input, Papa.unparse({ fields: ['id', 'address'], data: cases.map((c, i) => [String(i), c.record]) }));
    const { stdout } = await score(input, '--column', 'address', '--out', join(tmp, 'out.csv'));
    expect(stdout).toMatch(new RegExp(`scored ${cases.length} records`));
    const out = Papa.parse<string[]>(readFileSync(join(tmp, 'out.csv'), 'utf8'), { skipEmptyLines: true }).data;
    expect(out[0]).toEqual(['id', 'address', 'p_correct', 'verdict']);
    out.slice(1).forEach((row, i) => {
      expect(row.slice(0, 2)).toEqual([String(i), cases[i].record]);
      expect(Math.abs(Number(row[2]) - cases[i].onnx_int8.p_correct)).toBeLessThan(1e-3);
      expect(row[3]).toMatch(/^(correct|wrong)$/);
    });
  });

  it('scores a .txt of one record per line, same as the library call', async () => {
    const input = join(tmp, 'in.txt');
    writeFileSync(input, cases.map((c) => c.record).join('\n') + '\n');
    await score(input, '--out', join(tmp, 'txt.csv'));
    const out = Papa.parse<string[]>(readFileSync(join(tmp, 'txt.csv'), 'utf8'), { skipEmptyLines: true }).data;
    const direct = await (await nodeScorer(await defaultModelDir())).score(cases.map((c) => c.record));
    expect(out[0]).toEqual(['record', 'p_correct', 'verdict']);
    expect(out.slice(1).map((r) => r[2])).toEqual(direct.map((d) => d.verdict));
  });

  it.each([
    ['empty.csv', '', ['--column', 'a'], /empty\.csv: empty file, nothing to score/],
    ['header.csv', 'a,b\n', ['--column', 'a'], /header\.csv: header only, no records/],
    ['nocol.csv', 'a,b\n1,2\n', ['--column', 'address'], /--record 'address': no such column \(columns: a, b\)/],
    ['nomap.csv', 'a,b\n1,2\n', [], /nomap\.csv: no column selected/],
    ['bin.csv', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00]), [], /bin\.csv: a binary file, not a text table \(a NUL byte at offset 4\)/],
    ['latin.csv', Buffer.from([0x61, 0x0a, 0xe9, 0xff, 0x0a]), [], /latin\.csv: unknown encoding/],
    ['open.csv', 'a\n"x\n', ['--column', 'a'], /open\.csv line 2: .*(unterminated|never closed)/i],
  ])('refuses %s with a message that says where', async (name, content, extra, message) => {
    const input = join(tmp, name);
    writeFileSync(input, content);
    const failed = await score(input, ...extra, '--out', join(tmp, 'x.csv')).then(
      () => null,
      (e) => e,
    );
    expect(failed?.code).toBe(1);
    expect(failed.stderr).toMatch(message);
  });

  it('names a few columns, not the whole header, when a 10,000-column file has none to score', async () => {
    const input = join(tmp, 'wide.csv');
    const header = Array.from({ length: 10_000 }, (_, i) => `col${i}`);
    writeFileSync(input, `${header.join(',')}\n${header.map(() => '1').join(',')}\n`);
    const failed = await score(input, '--out', join(tmp, 'x.csv')).then(() => null, (e) => e);
    expect(failed?.code).toBe(1);
    expect(failed.stderr).toMatch(/wide\.csv: no column selected.*; columns: ([^,]+, ){11}[^,]+ and 9,988 more\)/);
    expect(failed.stderr.length).toBeLessThan(1_000);
  });

  it("scores Excel's Unicode text (.txt, UTF-16 LE, tab-separated) as the table it is", async () => {
    const input = join(tmp, 'unicode.txt');
    const records = cases.slice(0, 3).map((c) => c.record.replace(/[\t\r\n]/g, ' '));
    const text = ['序号\t地址', ...records.map((r, i) => `${i + 1}\t${r}`)].join('\r\n') + '\r\n';
    writeFileSync(input, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    await score(input, '--address', '地址', '--out', join(tmp, 'unicode.csv'));
    const out = Papa.parse<string[]>(readFileSync(join(tmp, 'unicode.csv'), 'utf8'), { skipEmptyLines: true }).data;
    expect(out.map((r) => r.slice(0, 2))).toEqual([['序号', '地址'], ...records.map((r, i) => [String(i + 1), r])]);
  });

  it('reads GBK like the page, composes template fields, guards and re-encodes the export', async () => {
    const rows = cases.slice(0, 4).map((c, i) => [i % 2 ? '=张三' : '李四', c.record, '100083', i % 2 ? '正确' : '错误']);
    const input = join(tmp, 'gbk.csv');
    writeFileSync(input, iconv.encode(Papa.unparse({ fields: ['姓名', '地址', '邮编', '标签'], data: rows }, { newline: '\r\n' }), 'gbk'));
    const out = join(tmp, 'gbk-out.csv');
    const { stdout } = await score(input, '--name', '姓名', '--address', '地址', '--postcode', '邮编', '--label', '标签', '--out-encoding', 'gb18030', '--out', out);
    expect(stdout).toMatch(/scored 4 records .* accuracy \d+\.\d % on 4 labelled rows -> .*\(full, gb18030\)/);
    const back = Papa.parse<string[]>(iconv.decode(readFileSync(out), 'gb18030'), { skipEmptyLines: true }).data;
    expect(back[0]).toEqual(['姓名', '地址', '邮编', '标签', 'p_correct', 'verdict']);
    expect(back[2][0]).toBe("'=张三");
    const direct = await (await nodeScorer(await defaultModelDir())).score(rows.map((r) => composeRecord({ name: r[0], address: r[1], postcode: r[2] })));
    back.slice(1).forEach((r, i) => expect(Math.abs(Number(r[4]) - direct[i].pCorrect)).toBeLessThan(1e-4));

    const flagged = join(tmp, 'flagged.csv');
    await score(input, '--address', '地址', '--export', 'flagged', '--out-encoding', 'utf-8-bom', '--out', flagged);
    const bytes = readFileSync(flagged);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    for (const r of Papa.parse<string[]>(bytes.subarray(3).toString('utf8'), { skipEmptyLines: true }).data.slice(1)) expect(r[5]).toBe('wrong');
  });

  it('warns about ragged rows by line and record number and still scores them; reads JSONL', async () => {
    const input = join(tmp, 'ragged.csv');
    writeFileSync(input, `address,id\n${cases[0].record},1\n${cases[1].record}\n`);
    const { stdout, stderr } = await score(input, '--column', 'address', '--out', join(tmp, 'r.csv'));
    expect(stderr).toMatch(/ragged\.csv line 3 \(record 2\): 1 fields, the header has 2/);
    expect(stdout).toMatch(/scored 2 records/);
    const jsonl = join(tmp, 'in.jsonl');
    writeFileSync(jsonl, cases.slice(0, 3).map((c) => JSON.stringify({ text: c.record, n: 1 })).join('\n') + '\n');
    const { stdout: j } = await score(jsonl, '--out', join(tmp, 'j.csv'));
    expect(j).toMatch(/scored 3 records/);
  });

  it('warns, not crashes, on a record longer than the model takes', async () => {
    const input = join(tmp, 'long.txt');
    writeFileSync(input, '北京市海淀区学院路29号'.repeat(100) + '\n');
    const { stderr } = await score(input, '--out', join(tmp, 'long.csv'));
    expect(stderr).toMatch(/long\.txt line 1 \(record 1\) is longer than the model's \d+ tokens; scored its beginning only/);
  });
});
