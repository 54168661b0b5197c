/**
 * A tokenizer made with --tiny_place_tokens --tiny_digit_groups (place names as added tokens, area-code and
 * postcode-prefix digit groups in its pre-tokenizer regex) cuts text in transformers.js
 * exactly as in Python: ids for 1,500 generated records and the edge cases of
 * tests/python/make_lookup_vectors.py, which this test runs.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PreTrainedTokenizer } from '@huggingface/transformers';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LABEL_WRONG, encode } from '../../src/core/prompt';

const ROOT = resolve(import.meta.dirname, '../..');
let dir: string;
let tokenizer: PreTrainedTokenizer;
let cases: { text: string; ids: number[]; prompt_ids: number[] }[];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lookup-tokenizer-'));
  execFileSync(resolve(ROOT, '.venv/bin/python'), ['tests/python/make_lookup_vectors.py', dir], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, PYTHONPATH: join(ROOT, 'training') },
  });
  const read = (f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8'));
  // transformers 5 saves the template beside the config; export.py puts it in the config
  const config = { ...read('tokenizer_config.json'), chat_template: readFileSync(join(dir, 'chat_template.jinja'), 'utf8') };
  tokenizer = new PreTrainedTokenizer(read('tokenizer.json'), config);
  cases = read('cases.json');
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('holds the digit groups and the place names it is meant to test', () => {
  const pieces = (text: string) => tokenizer.encode(text, { add_special_tokens: false }).map((id) => tokenizer.decode([id]));
  expect(pieces('杭州市0571-88')).toEqual(['杭州市', '0571', '-', '8', '8']);
  expect(pieces('邮编：050000')).toEqual(['邮', '编', '：', '05', '0', '0', '0', '0']);
  // a mobile's middle group is no area code, even one that reads like it (0571)
  expect(pieces('138-0571-2345')).toEqual([...'138-0571-2345']);
  expect(cases.length).toBeGreaterThan(1500);
});

it('gives the ids Python gives, record by record and in the chat prompt', () => {
  const mismatches = cases.filter((c) => JSON.stringify(tokenizer.encode(c.text, { add_special_tokens: false })) !== JSON.stringify(c.ids));
  expect(mismatches.map((c) => c.text)).toEqual([]);
  for (const c of cases) expect(encode(tokenizer, c.text, LABEL_WRONG)).toEqual(c.prompt_ids);
});
