import { describe, expect, it } from 'vitest';
import { padRight, pCorrect, verdictOf } from '../../src/core/scorer';

describe('P(correct) and the verdict', () => {
  it('is the softmax of the two rewards', () => {
    const [a, b] = [2.5, -1.25];
    const softmax0 = Math.exp(a) / (Math.exp(a) + Math.exp(b));
    expect(pCorrect(a, b)).toBeCloseTo(softmax0, 12);
    expect(pCorrect(0.3, 0.3)).toBe(0.5);
    expect(pCorrect(-40, 40)).toBeLessThan(1e-30);
  });

  it('stays finite for huge reward gaps', () => {
    expect(pCorrect(1e4, -1e4)).toBe(1);
    expect(pCorrect(-1e4, 1e4)).toBe(0);
  });

  it('calls a record correct at or above the threshold', () => {
    expect(verdictOf(0.7, 0.7)).toBe('correct');
    expect(verdictOf(0.6999, 0.7)).toBe('wrong');
  });
});

describe('padRight', () => {
  it('pads on the right with the pad id and masks the padding', () => {
    const { inputIds, attentionMask, rows, cols } = padRight([[5, 6, 7], [8]], 0);
    expect([rows, cols]).toEqual([2, 3]);
    expect(Array.from(inputIds, Number)).toEqual([5, 6, 7, 8, 0, 0]);
    expect(Array.from(attentionMask, Number)).toEqual([1, 1, 1, 1, 0, 0]);
  });
});
