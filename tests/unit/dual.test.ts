/**
 * Single-pass dual scoring against the two-pass method and the Python vectors, and the
 * scorer's speed machinery (length bucketing, the token cache) keeping results in order.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultModelDir, folderSource, nodeScorer } from '../../src/cli/node-scorer';
import { pack, padPacked } from '../../src/core/dual';
import { loadModel } from '../../src/core/model-files';
import type { Scorer } from '../../src/core/scorer';
import { modelDirs, readParity, type ParityCase } from './models';

interface DualCase extends ParityCase {
  dual: {
    ids: number[];
    lengths: [number, number, number];
    onnx_fp32: { reward_correct: number; reward_wrong: number; p_correct: number };
    onnx_int8: { reward_correct: number; reward_wrong: number; p_correct: number };
  };
}

const dualDirs = modelDirs().filter((d) => JSON.parse(readFileSync(join(d, 'manifest.json'), 'utf8')).onnx.dual);

describe('pack', () => {
  it('shares the longest common prefix and keeps a token in each suffix', () => {
    expect(pack([1, 2, 3, 4, 5], [1, 2, 3, 9])).toEqual({ ids: [1, 2, 3, 4, 5, 9], lengths: [3, 2, 1] });
    expect(pack([1, 2, 3], [1, 2, 3])).toEqual({ ids: [1, 2, 3, 3], lengths: [2, 1, 1] });
  });

  it('pads rows on the right and lays the lengths out [rows, 3]', () => {
    const { inputIds, lengths, rows, cols } = padPacked([pack([7, 8, 9], [7, 8, 6]), pack([7, 5], [7, 4])], 0);
    expect([rows, cols]).toEqual([2, 4]);
    expect(Array.from(inputIds, Number)).toEqual([7, 8, 9, 6, 7, 5, 4, 0]);
    expect(Array.from(lengths, Number)).toEqual([2, 1, 1, 1, 1, 1]);
  });
});

it('has a model with a dual graph to check', () => {
  expect(dualDirs.length).toBeGreaterThan(0);
});

describe.each(dualDirs)('%s', (dir) => {
  const parity = readParity(dir) as unknown as { cases: DualCase[]; threshold: number };
  const records = parity.cases.map((c) => c.record);
  const scorers: Record<string, Scorer> = {};

  beforeAll(async () => {
    for (const precision of ['fp32', 'quantized'] as const) {
      for (const mode of ['dual', 'two-pass'] as const) {
        scorers[`${precision} ${mode}`] = await nodeScorer(dir, precision, { mode, batchSize: 8 });
      }
    }
  });

  it('packs exactly the ids and lengths Python packed', () => {
    for (const c of parity.cases) {
      expect(pack(c.ids_correct, c.ids_wrong)).toEqual({ ids: c.dual.ids, lengths: c.dual.lengths });
    }
  });

  it('fp32: single pass equals PyTorch two-pass within 1e-4', async () => {
    const scored = await scorers['fp32 dual'].score(records);
    scored.forEach((s, i) => {
      expect(Math.abs(s.rewardCorrect - parity.cases[i].pytorch.reward_correct)).toBeLessThan(1e-4);
      expect(Math.abs(s.rewardWrong - parity.cases[i].pytorch.reward_wrong)).toBeLessThan(1e-4);
    });
  });

  it.each(['fp32', 'quantized'])('%s: single pass equals two passes within 1e-4 (both on onnxruntime-node)', async (precision) => {
    const [dual, twoPass] = await Promise.all([scorers[`${precision} dual`].score(records), scorers[`${precision} two-pass`].score(records)]);
    expect(scorers[`${precision} dual`].mode).toBe('dual');
    dual.forEach((s, i) => {
      expect(Math.abs(s.rewardCorrect - twoPass[i].rewardCorrect)).toBeLessThan(1e-4);
      expect(Math.abs(s.rewardWrong - twoPass[i].rewardWrong)).toBeLessThan(1e-4);
      expect(s.truncated).toBe(twoPass[i].truncated);
    });
  });

  it('int8: P(correct) equals the Python dual graph within 1e-3, verdicts as PyTorch', async () => {
    const scored = await scorers['quantized dual'].score(records);
    scored.forEach((s, i) => {
      const c = parity.cases[i];
      expect(Math.abs(s.pCorrect - c.dual.onnx_int8.p_correct)).toBeLessThan(1e-3);
      expect(s.verdict).toBe(c.pytorch.p_correct >= parity.threshold ? 'correct' : 'wrong');
    });
  });

  it('returns records in the order given although batches are sorted by length', async () => {
    // Interleave long and short records so the sort really moves them across batches.
    const mixed = [...records].sort((a, b) => (a.length % 7) - (b.length % 7));
    const scorer = scorers['fp32 dual'];
    const together = await scorer.score(mixed);
    for (const i of [0, 3, mixed.length - 1]) {
      const [alone] = await scorer.score([mixed[i]]);
      expect(Math.abs(alone.pCorrect - together[i].pCorrect)).toBeLessThan(1e-5);
    }
    const byRecord = new Map((await scorer.score(records)).map((s, i) => [records[i], s.pCorrect]));
    together.forEach((s, i) => expect(Math.abs(s.pCorrect - byRecord.get(mixed[i])!)).toBeLessThan(1e-5));
  });

  it('scores a repeated record the same as the first time', async () => {
    const scorer = scorers['quantized dual'];
    const first = await scorer.score(records.slice(0, 3));
    const again = await scorer.score([records[2], records[0], records[0], records[1]]);
    expect(again.map((s) => s.pCorrect)).toEqual([first[2], first[0], first[0], first[1]].map((s) => s.pCorrect));
  });
});

describe('a manifest without onnx.dual (older exports)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = join(mkdtempSync(join(tmpdir(), 'model-')), 'm');
    cpSync(await defaultModelDir(), dir, { recursive: true });
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    delete m.onnx.dual;
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('still scores, in two passes', async () => {
    const model = await loadModel(folderSource(dir));
    expect(model.mode).toBe('two-pass');
    expect(model.onnx.byteLength).toBe(model.manifest.files['onnx/model_quantized.onnx'].bytes);
    const scorer = await nodeScorer(dir);
    expect(scorer.mode).toBe('two-pass');
    const parity = readParity(dir);
    const [s] = await scorer.score([parity.cases[0].record]);
    expect(Math.abs(s.pCorrect - parity.cases[0].onnx_int8.p_correct)).toBeLessThan(1e-3);
  });

  it('refuses a request for the dual graph, naming the manifest', async () => {
    await expect(loadModel(folderSource(dir), 'quantized', undefined, 'dual')).rejects.toThrow(/m\/manifest\.json: no single-pass dual graph/);
  });
});

describe('a manifest whose dual graph is missing', () => {
  let dir: string;
  beforeAll(async () => {
    dir = join(mkdtempSync(join(tmpdir(), 'model-')), 'm');
    cpSync(await defaultModelDir(), dir, { recursive: true });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names the missing file', async () => {
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    rmSync(join(dir, m.onnx.dual.quantized));
    await expect(loadModel(folderSource(dir))).rejects.toThrow(/onnx\/dual_quantized\.onnx: missing \(listed in manifest\.json\)/);
  });

  it('names the dual file the file list lacks', async () => {
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    delete m.files[m.onnx.dual.fp32];
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m));
    await expect(loadModel(folderSource(dir))).rejects.toThrow(/manifest\.json: file list lacks onnx\.dual's onnx\/dual\.onnx/);
  });
});
