/**
 * Features (issue 43): the dual graph's second output, the hidden states the score head
 * reads both rewards from. A model that declares them gives, per record, the vectors
 * parity.json recorded from Python; an older model (the committed default, until its next
 * export) says they are unavailable and scores as before; plain scoring never fetches them.
 */
import { describe, expect, it } from 'vitest';
import { defaultModelDir, nodeScorer } from '../../src/cli/node-scorer';
import { parseManifest, type Manifest } from '../../src/core/manifest';
import { ortRunner } from '../../src/core/ort-runner';
import { Scorer } from '../../src/core/scorer';
import { modelDirs, readManifestJson, readParity, type DualParity, type FeaturesSummary } from './models';

const featureDirs = modelDirs().filter((d) => readManifestJson(d).onnx.dual?.features);
const OLD_EXPORT = 'this model was exported before features were part of the graph';

/** The largest |difference| of the first values, and of the norms relative to the larger norm. */
function compare(features: Float32Array, size: number, want: FeaturesSummary) {
  let head = 0;
  let norm = 0;
  for (const k of [0, 1]) {
    const v = features.subarray(k * size, (k + 1) * size);
    want.head[k].forEach((x, j) => (head = Math.max(head, Math.abs(v[j] - x))));
    const n = Math.hypot(...v);
    norm = Math.max(norm, Math.abs(n - want.norm[k]) / Math.max(1, want.norm[k]));
  }
  return { head, norm };
}

it('has a model whose graph returns features (the one tests/python just exported)', () => {
  expect(featureDirs.length).toBeGreaterThan(0);
});

describe.each(featureDirs)('%s', (dir) => {
  const parity = readParity(dir) as unknown as DualParity;
  const manifest = readManifestJson(dir);
  const size: number = manifest.onnx.dual.features.size;
  const tolerance = manifest.metrics.dual_features_tolerance as { fp32_max_abs_diff: number; int8_max_rel_l2_diff: number };
  const records = parity.cases.map((c) => c.record);

  it('declares as many features as parity.json holds', () => {
    expect(parity.features).toEqual({ size, head: parity.cases[0].dual.features!.pytorch.head[0].length });
    expect(size).toBe(parity.features!.size);
  });

  it('fp32: features equal PyTorch within the export tolerance, rewards as score() gives them', async () => {
    const scorer = await nodeScorer(dir, 'fp32', { batchSize: 8 });
    expect(scorer.featuresUnavailable).toBeUndefined();
    expect(scorer.featureSize).toBe(size);
    const [withFeatures, plain] = [await scorer.scoreWithFeatures(records), await scorer.score(records)];
    let worst = { head: 0, norm: 0, python: 0 };
    withFeatures.forEach((s, i) => {
      const c = parity.cases[i];
      expect(s.features).toBeInstanceOf(Float32Array);
      expect(s.features.length).toBe(2 * size);
      const torch = compare(s.features, size, c.dual.features!.pytorch);
      const python = compare(s.features, size, c.dual.features!.onnx_fp32);
      worst = { head: Math.max(worst.head, torch.head), norm: Math.max(worst.norm, torch.norm), python: Math.max(worst.python, python.head) };
      const { features: _, ...rest } = s;
      expect(rest).toEqual(plain[i]);
      expect(Math.abs(s.rewardCorrect - c.pytorch.reward_correct)).toBeLessThan(1e-4);
    });
    console.log(`${dir}: fp32 features vs PyTorch: head max |diff| ${worst.head.toExponential(1)}, norm max rel diff ${worst.norm.toExponential(1)}; vs Python onnxruntime ${worst.python.toExponential(1)}`);
    expect(worst.head).toBeLessThanOrEqual(tolerance.fp32_max_abs_diff);
    expect(worst.norm).toBeLessThan(1e-4);
    expect(worst.python).toBeLessThan(1e-5);
  });

  it('int8: features equal the Python int8 graph\'s within 1e-4, and PyTorch\'s within the int8 tolerance', async () => {
    const scorer = await nodeScorer(dir, 'quantized', { batchSize: 8 });
    const scored = await scorer.scoreWithFeatures(records);
    let worst = { python: 0, torchNorm: 0 };
    scored.forEach((s, i) => {
      const f = parity.cases[i].dual.features!;
      const python = compare(s.features, size, f.onnx_int8);
      worst = { python: Math.max(worst.python, python.head, python.norm), torchNorm: Math.max(worst.torchNorm, compare(s.features, size, f.pytorch).norm) };
    });
    console.log(`${dir}: int8 features vs Python int8: max diff ${worst.python.toExponential(1)}; norms vs PyTorch: max rel diff ${worst.torchNorm.toExponential(1)}`);
    expect(worst.python).toBeLessThan(1e-4);
    expect(worst.torchNorm).toBeLessThanOrEqual(tolerance.int8_max_rel_l2_diff); // |a| - |b| <= |a - b|
  });

  it('gives a record the same features alone as in a padded batch', async () => {
    const scorer = await nodeScorer(dir, 'fp32', { batchSize: 64 });
    const together = await scorer.scoreWithFeatures(records);
    for (const i of [0, records.length - 1]) {
      const [alone] = await scorer.scoreWithFeatures([records[i]]);
      const diff = Math.max(...alone.features.map((x, j) => Math.abs(x - together[i].features[j])));
      expect(diff).toBeLessThan(1e-4);
    }
  });

  it('has no features when scored in two passes, and says why', async () => {
    const scorer = await nodeScorer(dir, 'quantized', { mode: 'two-pass' });
    expect(scorer.featureSize).toBeNull();
    expect(scorer.featuresUnavailable).toMatch(/single-pass dual graph/);
    await expect(scorer.scoreWithFeatures(records.slice(0, 1))).rejects.toThrow(/two passes/);
  });
});

describe('the committed default model (exported before features)', () => {
  it('reports features unavailable, and why, and still scores as parity.json says', async () => {
    const dir = await defaultModelDir();
    expect(readManifestJson(dir).onnx.dual.features).toBeUndefined();
    const scorer = await nodeScorer(dir, 'quantized');
    expect(scorer.mode).toBe('dual');
    expect(scorer.featureSize).toBeNull();
    expect(scorer.featuresUnavailable).toBe(OLD_EXPORT);
    await expect(scorer.scoreWithFeatures(['北京市海淀区学院路29号'])).rejects.toThrow(OLD_EXPORT);
    const parity = readParity(dir) as unknown as DualParity;
    const scored = await scorer.score(parity.cases.map((c) => c.record));
    scored.forEach((s, i) => {
      expect(Math.abs(s.rewardCorrect - parity.cases[i].dual.onnx_int8.reward_correct)).toBeLessThan(1e-4);
      expect(Math.abs(s.rewardWrong - parity.cases[i].dual.onnx_int8.reward_wrong)).toBeLessThan(1e-4);
    });
  });
});

describe('ortRunner', () => {
  const manifest = (features?: object): Manifest =>
    ({ name: 'm', pad_token_id: 0, threshold: 0.5, onnx: { dual: { inputs: ['input_ids', 'lengths'], output: 'rewards', features } } }) as never;
  class Tensor {
    constructor(
      readonly type: string,
      readonly data: BigInt64Array,
      readonly dims: readonly number[],
    ) {}
  }
  function session(outputNames = ['rewards', 'features']) {
    const fetched: (readonly string[])[] = [];
    return {
      fetched,
      outputNames,
      async run(feeds: Record<string, Tensor>, fetches: readonly string[]) {
        fetched.push(fetches);
        const rows = feeds.lengths.dims[0];
        const out: Record<string, { getData(): Promise<unknown> }> = {};
        for (const name of fetches) {
          const n = name === 'rewards' ? rows * 2 : rows * 2 * 3;
          out[name] = { getData: async () => Float32Array.from({ length: n }, (_, i) => i) };
        }
        return out;
      },
    };
  }
  const scorerOf = (runner: ReturnType<typeof ortRunner>, features?: object) =>
    new Scorer({} as never, manifest(features), runner);

  it('asks onnxruntime for the rewards alone unless features are wanted', async () => {
    const s = session();
    const runner = ortRunner(Tensor, s, manifest({ output: 'features', size: 3 }), 'dual');
    if (runner.mode !== 'dual' || !runner.features) throw new Error('no features runner');
    const ids = new BigInt64Array(4);
    const lengths = BigInt64Array.from([1n, 1n, 1n, 1n, 1n, 1n]);
    expect(await runner.run(ids, lengths, 2, 2)).toHaveLength(4);
    const both = await runner.features.run(ids, lengths, 2, 2);
    expect([both.rewards.length, both.features.length]).toEqual([4, 12]);
    expect(s.fetched).toEqual([['rewards'], ['rewards', 'features']]);
    expect(scorerOf(runner, { output: 'features', size: 3 }).featureSize).toBe(3);
  });

  it('offers no features where the manifest declares none', () => {
    const runner = ortRunner(Tensor, session(['rewards']), manifest(), 'dual');
    expect(runner.mode === 'dual' && runner.features).toBeFalsy();
    expect(scorerOf(runner).featuresUnavailable).toBe(OLD_EXPORT);
  });

  it('refuses a manifest that declares an output its graph lacks', () => {
    expect(() => ortRunner(Tensor, session(['rewards']), manifest({ output: 'features', size: 3 }), 'dual')).toThrow(
      /declares the features output 'features', which the graph lacks/,
    );
  });
});

describe('parseManifest and onnx.dual.features', () => {
  async function text(edit: (m: Record<string, any>) => void) {
    const m = readManifestJson(await defaultModelDir());
    edit(m);
    return JSON.stringify(m);
  }

  it('accepts a manifest without it (older exports) and one with it', async () => {
    expect(parseManifest(await text(() => {}), 'm').onnx.dual?.features).toBeUndefined();
    const m = parseManifest(await text((m) => (m.onnx.dual.features = { output: 'features', size: 64 })), 'm');
    expect(m.onnx.dual?.features).toEqual({ output: 'features', size: 64 });
  });

  it.each([
    [{ output: 'features', size: 0 }, /onnx\.dual\.features size 0 is not a positive integer/],
    [{ output: 'features', size: 2.5 }, /size 2\.5 is not a positive integer/],
    [{ output: 'rewards', size: 64 }, /onnx\.dual\.features output "rewards" is not an output name of its own/],
    [{ size: 64 }, /output undefined is not an output name/],
    [null, /output undefined is not an output name/],
  ])('refuses %j', async (features, why) => {
    const t = await text((m) => (m.onnx.dual.features = features));
    expect(() => parseManifest(t, 'm')).toThrow(why);
  });
});
