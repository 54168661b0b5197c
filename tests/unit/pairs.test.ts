/** The browser's export writes the bytes training/twinscore/dataset/pairs.py writes (tests/vectors/pairs.*). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pairLine, pairsJsonl, parsePairsJsonl, toPair } from '../../src/core/pairs';

const VECTORS = new URL('../vectors/', import.meta.url);
const cases: { record: string; correct: boolean; line: string }[] = JSON.parse(readFileSync(new URL('pairs.json', VECTORS), 'utf8'));

describe('TRL pair export (twin of dataset.py)', () => {
  it.each(cases.map((c, i) => [i, c] as const))('vector %i is the line pair_line writes', (_, c) => {
    expect(pairLine(toPair(c.record, c.correct))).toBe(c.line);
  });

  it('writes the whole file byte for byte as write_pairs does', () => {
    const bytes = new TextEncoder().encode(pairsJsonl(cases));
    expect(Buffer.from(bytes).equals(readFileSync(new URL('pairs.jsonl', VECTORS)))).toBe(true);
  });

  it('puts the true label in chosen with scores 1/0, keys in the seed order', () => {
    const pair = toPair('x', false);
    expect(Object.keys(pair)).toEqual(['chosen', 'rejected', 'score_chosen', 'score_rejected']);
    expect(pair.chosen[1].content).toBe('错误');
    expect(pair.rejected[1].content).toBe('正确');
    expect(Object.keys(pair.chosen[0])).toEqual(['content', 'role']);
  });

  it('refuses a record that is not valid UTF-8 (lone surrogate), saying so', () => {
    expect(() => pairLine(toPair('坏\uD800', true))).toThrow(/lone surrogate/);
  });

  it('reads back what it writes, record and decision, in file order', () => {
    expect(parsePairsJsonl(pairsJsonl(cases), 'pairs.jsonl')).toEqual(cases.map(({ record, correct }) => ({ record, correct })));
    expect(parsePairsJsonl(readFileSync(new URL('pairs.jsonl', VECTORS), 'utf8'), 'pairs.jsonl')).toHaveLength(cases.length);
  });

  const good = pairLine(toPair('北京市海淀区学院路29号', true));
  it.each([
    ['not JSON', `${good}\n{oops\n`, /^f\.jsonl line 2: not valid JSON/],
    ['not a pair', '{"a":1}\n', /^f\.jsonl line 1: not a preference pair/],
    ['two records', good.replace('"rejected":[{"content":"北京', '"rejected":[{"content":"上海'), /line 1: chosen and rejected hold different records/],
    ['other labels', good.replace('"content":"正确"', '"content":"对"'), /line 1: the assistant turns are \["对","错误"\], not 正确 and 错误/],
    ['scores swapped', good.replace('"score_chosen":1,"score_rejected":0', '"score_chosen":0,"score_rejected":1'), /line 1: score_chosen must be 1 and score_rejected 0/],
    ['empty', '\n\n', /^f\.jsonl: no decisions in it/],
  ])('refuses a file with %s, naming the line', (_, text, message) => {
    expect(() => parsePairsJsonl(text, 'f.jsonl')).toThrow(message);
  });
});
