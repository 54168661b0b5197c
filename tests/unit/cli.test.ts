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
    ['empty.csv', '', ['--column', 'a'], /empty file/],
    ['header.csv', 'a,b\n', ['--column', 'a'], /header only/],
    ['nocol.csv', 'a,b\n1,2\n', ['--column', 'address'], /no column 'address' \(columns: a, b\)/],
    ['ragged.csv', 'a,b\n1,2\n3\n', ['--column', 'a'], /ragged\.csv row 3: 1 fields, the header has 2/],
    ['blank.txt', '北京\n\n上海\n', [], /blank\.txt line 2: empty record/],
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

  it('warns, not crashes, on a record longer than the model takes', async () => {
    const input = join(tmp, 'long.txt');
    writeFileSync(input, '北京市海淀区学院路29号'.repeat(100) + '\n');
    const { stderr } = await score(input, '--out', join(tmp, 'long.csv'));
    expect(stderr).toMatch(/record 1 is longer than the model's \d+ tokens; scored its beginning only/);
  });
});
