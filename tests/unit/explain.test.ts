/**
 * Explanations and the "how it works" view on real ONNX models (onnxruntime-node).
 * The span tests use the committed toy model, whose error kinds are known (junk symbols
 * in a road name, a 7-digit postcode, a phone number of letters); the generated-record
 * overlap rates per error class are in explain-rate.test.ts.
 */
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeScorer } from '../../src/cli/node-scorer';
import { baseline } from '../../src/cli/baseline';
import { classRuns, explain, finding, segments, splitFields, type RecordScorer } from '../../src/core/explain';
import { howItWorks } from '../../src/core/how-it-works';
import type { Scorer } from '../../src/core/scorer';
import { modelDirs, readParity } from './models';

const TOY = resolve(import.meta.dirname, '../../public/models/twin-tiny-toy');

const codePoints = (s: string) => Array.from(s);
const overlaps = (a: { start: number; end: number }, b: [number, number]) => a.start < b[1] && b[0] < a.end;

describe('splitting a record', () => {
  it('splits fields at any separator, in code points', () => {
    const chars = codePoints('张三 😀，广州市天河区;邮编：510620,,联系电话：138');
    const fields = splitFields(chars).map(([a, b]) => chars.slice(a, b).join(''));
    expect(fields).toEqual(['张三', '😀', '广州市天河区', '邮编：510620', '联系电话：138']);
    // The emoji is one code point (two UTF-16 units), as Python counts it.
    expect(splitFields(chars)[2]).toEqual([5, 11]);
  });

  it('cuts a field into runs of one character class', () => {
    const chars = codePoints('北京5582市#?路ab');
    const runs = classRuns(chars, [0, chars.length]).map(([a, b]) => chars.slice(a, b).join(''));
    expect(runs).toEqual(['北京', '5582', '市', '#?', '路', 'ab']);
    const phone = codePoints('138１２345678');
    expect(classRuns(phone, [0, phone.length]).map(([a, b]) => phone.slice(a, b).join(''))).toEqual(['138', '１２', '345678']);
  });
});

describe('a scorer that calls a record without its address wrong', () => {
  // The rule baseline (validator, address-parse, the division lookup) plus "a record needs
  // an address": as strict as a well-trained model, for which deleting the faulty field
  // makes the record no more correct than before.
  const strict: RecordScorer = {
    async score(records) {
      return records.map((r) => {
        const margin = baseline(r).correct && /[市区县].*号/.test(r) ? 5 : -5;
        return { pCorrect: 1 / (1 + Math.exp(-margin)), rewardCorrect: margin, rewardWrong: 0 };
      });
    },
  };

  it('still finds the junk inside an address when no field deletion helps', async () => {
    const record = '张三，广州市天河区#?@!路12号，邮编：510620';
    const e = await explain(strict, record, { threshold: 0.5 });
    expect(e.pCorrect).toBeLessThan(0.5);
    expect(e.fields.every((f) => f.effect <= 0)).toBe(true); // deleting the address leaves no address
    expect(e.top).toMatchObject({ text: '#?@!', kind: 'chars', start: 9, end: 13 });
    expect(e.pCorrect + e.top!.weight).toBeGreaterThan(0.5);
    expect(e.evaluations).toBe(1 + e.fields.length + e.chars.length);
  });

  it('shows nothing when no deletion anywhere repairs the record', async () => {
    const e = await explain(strict, '张三，联系电话：13812345678', { threshold: 0.5 });
    expect(e.top).toBeNull();
    expect(e.chars.length).toBeGreaterThan(0); // every field's characters were tried
    // Flagged with nothing to highlight: the page says the record as a whole reads wrong, not "nothing wrong".
    expect(e.flagged).toBe(true);
    expect(finding(e).kind).toBe('whole');
  });
});

describe('a record the model calls wrong as a whole', () => {
  // Deleting the address leaves no door number (worse); deleting 坏 helps, but not enough.
  const wholeWrong: RecordScorer = {
    async score(records) {
      return records.map((r) => {
        const margin = (r.includes('号') ? -5 : -10) + (r.includes('坏') ? 0 : 2);
        return { pCorrect: 1 / (1 + Math.exp(-margin)), rewardCorrect: margin, rewardWrong: 0 };
      });
    },
  };

  it('names the most suspicious part without claiming it repairs the record', async () => {
    const e = await explain(wholeWrong, '坏路1号', { threshold: 0.5 });
    expect(e.top).toBeNull();
    const f = finding(e);
    expect(f.kind).toBe('whole');
    expect(f.kind === 'whole' && f.suspect).toMatchObject({ text: '坏', kind: 'chars' });
    expect(e.pCorrect + (f.kind === 'whole' ? f.suspect!.weight : 1)).toBeLessThan(0.5);
  });
});

describe('explain on the toy model', () => {
  let scorer: Scorer;
  beforeAll(async () => {
    scorer = await nodeScorer(TOY);
  });

  it('highlights the junk symbols in a road name exactly', async () => {
    const e = await explain(scorer, '杭州市西湖区文三*&#路');
    expect(e.pCorrect).toBeLessThan(0.5);
    expect(e.top).toMatchObject({ start: 8, end: 11, text: '*&#', kind: 'chars' });
    expect(e.top!.weight).toBeGreaterThan(0);
  });

  it('points at the postcode of a record whose postcode has 7 digits', async () => {
    const record = '罗磊，杭州市西湖区文三路140号，邮编：3100123，联系电话：15885920381';
    const e = await explain(scorer, record);
    const postcode = codePoints(record).join('').indexOf('3100123');
    expect(overlaps(e.top!, [postcode, postcode + 7])).toBe(true);
    expect(e.fields.map((f) => f.text)).toEqual(['罗磊', '杭州市西湖区文三路140号', '邮编：3100123', '联系电话：15885920381']);
    const strongest = e.fields.reduce((a, b) => (b.effect > a.effect ? b : a));
    expect(strongest.text).toBe('邮编：3100123');
    expect(strongest.weight).toBeGreaterThan(0.9); // deleting it makes the record look correct
  });

  it('highlights the letters of a phone number made of letters', async () => {
    const e = await explain(scorer, '联系电话：abxyz');
    expect(e.top).toMatchObject({ start: 5, end: 10, text: 'abxyz' });
  });

  it('has nothing to highlight in a correct record', async () => {
    const e = await explain(scorer, '杨洋，杭州市西湖区文三路196号，邮编：310012，联系电话：17752733720');
    expect(e.pCorrect).toBeGreaterThan(0.99);
    expect(e.top).toBeNull();
    expect(e.fields.every((f) => f.effect <= 0)).toBe(true);
    expect(e.evaluations).toBe(1 + e.fields.length);
    expect([e.flagged, finding(e)]).toEqual([false, { kind: 'nothing' }]);
  });

  it('gives spans whose text is the record sliced by code points, and segments that rebuild the record', async () => {
    const record = '张三 😀，广州市天河区#?@!路';
    const e = await explain(scorer, record);
    for (const span of [...e.fields, ...e.chars, e.top!]) {
      expect(span.text).toBe(codePoints(record).slice(span.start, span.end).join(''));
    }
    const parts = segments(e);
    expect(parts.map((p) => p.text).join('')).toBe(record);
    expect(parts.filter((p) => p.top).map((p) => p.text).join('')).toBe(e.top!.text);
    expect(Math.max(...parts.map((p) => p.strength))).toBe(1);
    expect(e.evaluations).toBe(1 + e.fields.length + e.chars.length);
  });
});

describe.each(modelDirs())('how it works on %s', (dir) => {
  const parity = readParity(dir);
  let scorer: Scorer;
  beforeAll(async () => {
    scorer = await nodeScorer(dir);
  });

  it('shows the exact texts scored, their rewards and the softmax', async () => {
    for (const c of parity.cases.slice(0, 8).concat(parity.cases.filter((c) => c.truncated))) {
      const h = await howItWorks(scorer, c.record);
      expect(h.correct.text).toBe(c.text_correct);
      expect(h.wrong.text).toBe(c.text_wrong);
      expect([h.correct.tokens, h.wrong.tokens]).toEqual([c.ids_correct.length, c.ids_wrong.length]);
      expect([h.fitted, h.truncated]).toEqual([c.fitted, c.truncated]);
      expect(Math.abs(h.correct.reward - c.onnx_int8.reward_correct)).toBeLessThan(1e-3);
      expect(Math.abs(h.wrong.reward - c.onnx_int8.reward_wrong)).toBeLessThan(1e-3);
      const softmax = Math.exp(h.correct.reward) / (Math.exp(h.correct.reward) + Math.exp(h.wrong.reward));
      expect(h.pCorrect).toBeCloseTo(softmax, 9);
      expect(h.verdict).toBe(h.pCorrect >= parity.threshold ? 'correct' : 'wrong');
    }
  });
});
