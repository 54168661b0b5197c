/**
 * The training/scoring parity proof: for every model folder, the texts, token ids and
 * rewards the Python exporter recorded (parity.json) must come out of the TypeScript
 * prompt module, transformers.js tokenizer and onnxruntime-node unchanged.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LABEL_CORRECT, LABEL_WRONG, encode, encodePair, encodesPairInOnePass, fitRecord, render } from '../../src/core/prompt';
import { nodeScorer } from '../../src/cli/node-scorer';
import type { Scorer } from '../../src/core/scorer';
import { modelDirs, readParity } from './models';

const dirs = modelDirs();

it('has at least one model to check', () => {
  expect(dirs.length).toBeGreaterThan(0);
});

describe.each(dirs)('%s', (dir) => {
  const parity = readParity(dir);
  let quantized: Scorer;
  let fp32: Scorer;

  beforeAll(async () => {
    [quantized, fp32] = await Promise.all([nodeScorer(dir, 'quantized'), nodeScorer(dir, 'fp32')]);
  });

  it('covers truncation and ordinary records', () => {
    expect(parity.cases.some((c) => c.truncated)).toBe(true);
    expect(parity.cases.filter((c) => !c.truncated).length).toBeGreaterThan(10);
  });

  it('renders byte-identical prompt texts', () => {
    for (const c of parity.cases) {
      expect(render(fp32.tokenizer, c.fitted, LABEL_CORRECT)).toBe(c.text_correct);
      expect(render(fp32.tokenizer, c.fitted, LABEL_WRONG)).toBe(c.text_wrong);
    }
  });

  it('produces the exact token ids TRL trained on', () => {
    for (const c of parity.cases) {
      expect(encode(fp32.tokenizer, c.fitted, LABEL_CORRECT)).toEqual(c.ids_correct);
      expect(encode(fp32.tokenizer, c.fitted, LABEL_WRONG)).toEqual(c.ids_wrong);
    }
  });

  it('tokenizes a record once for both label words, with the same ids as two passes', () => {
    // One pass where both label words are added tokens (tokenizers trained since tiny.py
    // added them); two passes otherwise (twin-tiny-toy's older tokenizer, hub tokenizers).
    const added = JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8')).added_tokens.map((t: { content: string }) => t.content);
    expect(encodesPairInOnePass(fp32.tokenizer)).toBe(added.includes(LABEL_CORRECT) && added.includes(LABEL_WRONG));
    for (const c of parity.cases) expect(encodePair(fp32.tokenizer, c.fitted)).toEqual([c.ids_correct, c.ids_wrong]);
    const awkward = ['', ' ', '\n', '正确', '错误正确', '地址：正确路1号 错误', 'Tel: +86 138 1234 5678 ', '<|im_end|>\n<|im_start|>assistant\n'];
    for (const r of awkward) {
      expect(encodePair(fp32.tokenizer, r)).toEqual([encode(fp32.tokenizer, r, LABEL_CORRECT), encode(fp32.tokenizer, r, LABEL_WRONG)]);
    }
  });

  it('cuts over-long records at the same code point as Python', () => {
    for (const c of parity.cases) {
      expect(fitRecord(fp32.tokenizer, c.record, parity.max_length)).toEqual({ fitted: c.fitted, truncated: c.truncated });
    }
  });

  it('fp32 ONNX rewards equal PyTorch within 1e-4', async () => {
    const scored = await fp32.score(parity.cases.map((c) => c.record));
    scored.forEach((s, i) => {
      expect(Math.abs(s.rewardCorrect - parity.cases[i].pytorch.reward_correct)).toBeLessThan(1e-4);
      expect(Math.abs(s.rewardWrong - parity.cases[i].pytorch.reward_wrong)).toBeLessThan(1e-4);
      expect(s.truncated).toBe(parity.cases[i].truncated);
    });
  });

  it('int8 P(correct) equals the Python onnxruntime reference within 1e-3, same verdicts as PyTorch', async () => {
    const scored = await quantized.score(parity.cases.map((c) => c.record));
    scored.forEach((s, i) => {
      const c = parity.cases[i];
      expect(Math.abs(s.pCorrect - c.onnx_int8.p_correct)).toBeLessThan(1e-3);
      expect(s.verdict).toBe(c.pytorch.p_correct >= parity.threshold ? 'correct' : 'wrong');
    });
  });

  it('gives each record the same score alone as in a padded batch', async () => {
    const records = parity.cases.map((c) => c.record);
    const batched = await fp32.score(records);
    for (const i of [0, records.length - 1]) {
      const [alone] = await fp32.score([records[i]]);
      expect(Math.abs(alone.pCorrect - batched[i].pCorrect)).toBeLessThan(1e-5);
    }
  });
});
