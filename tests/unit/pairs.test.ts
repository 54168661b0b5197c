/** The browser's export writes the bytes training/twinscore/dataset/pairs.py writes (tests/vectors/pairs.*). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pairLine, pairsJsonl, toPair } from '../../src/core/pairs';

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
});
