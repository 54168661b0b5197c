/**
 * `npm run score -- --adapter FILE` (issue 43): the CLI applies an adapter the page trained,
 * bound to the model by its manifest's SHA-256, and gives the adapter's verdicts. Runs on
 * the model tests/python exported with features (the committed models have none yet).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultModelDir, nodeScorer } from '../../src/cli/node-scorer';
import { adaptedP, trainAdapter, type Example } from '../../src/core/adapter';
import { adapterFile } from '../../src/core/adapter-file';
import { sha256Hex } from '../../src/core/sha256';
import { modelDirs, readManifestJson } from './models';

const ROOT = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);
const score = (...args: string[]) => run('npx', ['tsx', 'src/cli/score.ts', ...args], { cwd: ROOT });
const modelDir = modelDirs().find((d) => readManifestJson(d).onnx.dual?.features);

// Records in a layout of their own ("地址：…｜电话：…"), half with a phone number cut short.
const records = Array.from({ length: 24 }, (_, i) => {
  const phone = i % 2 === 0 ? `1380013${String(1000 + i).padStart(4, '0')}` : `1380${i}`;
  return `地址：北京市海淀区学院路${10 + i}号｜电话：${phone}`;
});
const labels = records.map((_, i) => i % 2 === 0);

let tmp: string;
let adapterPath: string;
let expected: { p: number; verdict: string }[];

beforeAll(async () => {
  if (!modelDir) return;
  tmp = mkdtempSync(join(tmpdir(), 'cli-adapter-'));
  const scorer = await nodeScorer(modelDir);
  const scored = await scorer.scoreWithFeatures(records);
  const examples: Example[] = scored.map((s, i) => ({ features: s.features, margin: s.rewardCorrect - s.rewardWrong, correct: labels[i] }));
  const report = trainAdapter(examples, scorer.featureSize!, { baseThreshold: scorer.manifest.threshold, seed: 1 });
  const sha = await sha256Hex(readFileSync(join(modelDir, 'manifest.json')));
  adapterPath = join(tmp, 'adapter.json');
  writeFileSync(adapterPath, JSON.stringify(adapterFile(report, scorer.manifest.name, sha)));
  expected = scored.map((s) => {
    const p = adaptedP(report.adapter, s.features, s.rewardCorrect - s.rewardWrong);
    return { p, verdict: p >= report.adapter.threshold ? 'correct' : 'wrong' };
  });
  writeFileSync(join(tmp, 'in.txt'), records.join('\n') + '\n');
});

describe('score CLI --adapter', () => {
  it('has a model with features to adapt (the one tests/python exported)', () => {
    expect(modelDir).toBeDefined();
  });

  it("gives the adapter's P(correct) and verdicts, the page's reading of the same file", async () => {
    const out = join(tmp, 'out.csv');
    const { stdout } = await score(join(tmp, 'in.txt'), '--model', modelDir!, '--adapter', adapterPath, '--out', out);
    expect(stdout).toContain(`and the adapter ${adapterPath}`);
    const rows = Papa.parse<string[]>(readFileSync(out, 'utf8'), { skipEmptyLines: true }).data.slice(1);
    expect(rows).toHaveLength(records.length);
    rows.forEach((row, i) => {
      expect(Math.abs(Number(row.at(-2)) - expected[i].p)).toBeLessThan(1e-5);
      expect(row.at(-1)).toBe(expected[i].verdict);
    });
  });

  it('refuses an adapter trained on another model, naming both', async () => {
    const error = await score(join(tmp, 'in.txt'), '--model', await defaultModelDir(), '--adapter', adapterPath, '--out', join(tmp, 'x.csv')).catch((e) => e);
    expect(error.stderr).toMatch(/adapter\.json: trained on \S+ as it was then \(another manifest\.json\), not on the model scoring now \(twin-default\); adapt again/);
  });

  it('refuses a damaged adapter file, saying what is wrong', async () => {
    const bad = join(tmp, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...JSON.parse(readFileSync(adapterPath, 'utf8')), version: 3 }));
    const error = await score(join(tmp, 'in.txt'), '--model', modelDir!, '--adapter', bad, '--out', join(tmp, 'y.csv')).catch((e) => e);
    expect(error.stderr).toContain('bad.json: not an adapter file: version 3 is not supported (expected 2)');
  });
});
