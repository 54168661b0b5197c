/**
 * Smoke test of the committed default model (public/models/index.json): a handful of
 * fixed records, the seed's own among them, get the verdicts a reviewer expects, through
 * the same scoring core the CLI uses. tests/e2e/default-model.test.ts checks the same
 * records in Chromium. The records are ones this (weak, see its MODEL_CARD.md) model
 * gets right: a guard that the shipped files, tokenizer and threshold still work
 * together, not a measure of accuracy (npm run evaluate is that).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultModelDir, nodeScorer } from '../../src/cli/node-scorer';

export const SMOKE: { record: string; verdict: 'correct' | 'wrong'; why: string }[] = JSON.parse(
  readFileSync(new URL('../vectors/default-model-smoke.json', import.meta.url), 'utf-8'),
);

describe('the committed default model', () => {
  it('is not the toy bootstrap model', async () => {
    expect(await defaultModelDir()).not.toMatch(/toy/);
  });

  it.each(['quantized', 'fp32'] as const)('scores the fixed records as expected (%s)', async (precision) => {
    const scorer = await nodeScorer(await defaultModelDir(), precision);
    const scored = await scorer.score(SMOKE.map((s) => s.record));
    const got = scored.map((s, i) => ({ record: SMOKE[i].record, verdict: s.verdict }));
    expect(got).toEqual(SMOKE.map(({ record, verdict }) => ({ record, verdict })));
  });
});
