/**
 * Which ONNX file a model runs: WebGPU gets the manifest's first WebGPU-only file its
 * adapter can run (fp16 needs 'shader-f16', q4 does not), everything else the file
 * exported for every backend. twin-tiny-toy is exported with both candidates kept.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { folderSource, MODELS_ROOT } from '../../src/cli/node-scorer';
import { parseManifest, type Manifest } from '../../src/core/manifest';
import { chooseWeights, loadModel } from '../../src/core/model-files';
import { ortRunner } from '../../src/core/ort-runner';
import { Scorer } from '../../src/core/scorer';
import { readParity } from './models';

const DIR = join(MODELS_ROOT, 'twin-tiny-toy');
const text = readFileSync(join(DIR, 'manifest.json'), 'utf8');
const manifest = parseManifest(text, DIR);
const withWebgpu = (webgpu: unknown): Manifest => ({ ...manifest, onnx: { ...manifest.onnx, dual: { ...manifest.onnx.dual!, webgpu } } }) as Manifest;

const SWIFTSHADER = new Set<string>(['float32-filterable']); // an adapter without shader-f16
const F16 = new Set<string>(['shader-f16']);

describe('chooseWeights', () => {
  it('twin-tiny-toy ships fp16 first, then q4, both checked against fp32', () => {
    expect(manifest.onnx.dual!.webgpu).toEqual([
      { file: 'onnx/dual_fp16.onnx', precision: 'fp16' },
      { file: 'onnx/dual_q4.onnx', precision: 'q4' },
    ]);
  });

  it('off WebGPU: the int8 file of the graph in use', () => {
    expect(chooseWeights(manifest, 'dual', 'quantized')).toEqual({ file: 'onnx/dual_quantized.onnx', precision: 'int8' });
    expect(chooseWeights(manifest, 'two-pass', 'quantized')).toEqual({ file: 'onnx/model_quantized.onnx', precision: 'int8' });
  });

  it('on WebGPU: fp16 only with shader-f16, q4 without it', () => {
    expect(chooseWeights(manifest, 'dual', 'quantized', F16)).toEqual({ file: 'onnx/dual_fp16.onnx', precision: 'fp16' });
    expect(chooseWeights(manifest, 'dual', 'quantized', SWIFTSHADER)).toEqual({ file: 'onnx/dual_q4.onnx', precision: 'q4' });
  });

  it('on WebGPU: an fp16-only model without shader-f16, or no kept candidate, keeps the int8 file', () => {
    const int8 = { file: 'onnx/dual_quantized.onnx', precision: 'int8' };
    expect(chooseWeights(withWebgpu([{ file: 'onnx/dual_fp16.onnx', precision: 'fp16' }]), 'dual', 'quantized', SWIFTSHADER)).toEqual(int8);
    expect(chooseWeights(withWebgpu([]), 'dual', 'quantized', F16)).toEqual(int8);
    expect(chooseWeights(withWebgpu(undefined), 'dual', 'quantized', F16)).toEqual(int8);
  });

  it('on WebGPU: fp32 asked for stays fp32, and two passes have no WebGPU-only file', () => {
    expect(chooseWeights(manifest, 'dual', 'fp32', F16)).toEqual({ file: 'onnx/dual.onnx', precision: 'fp32' });
    expect(chooseWeights(manifest, 'two-pass', 'quantized', F16)).toEqual({ file: 'onnx/model_quantized.onnx', precision: 'int8' });
  });
});

describe('the manifest check', () => {
  const refused = (webgpu: unknown) => () => parseManifest(JSON.stringify(withWebgpu(webgpu)), 'm');

  it('refuses a WebGPU file the file list lacks, or an unknown precision', () => {
    expect(refused([{ file: 'onnx/dual_q3.onnx', precision: 'q4' }])).toThrow(/file list lacks onnx\.dual\.webgpu's onnx\/dual_q3\.onnx/);
    expect(refused([{ file: 'onnx/dual_q4.onnx', precision: 'q3' }])).toThrow(/precision q3 is not one of fp16, q4/);
  });
});

describe('loadModel for a WebGPU adapter', () => {
  it('reads the q4 file, proven by its SHA-256, and it decides as fp32 on the parity records', async () => {
    const model = await loadModel(folderSource(DIR), 'quantized', undefined, 'auto', SWIFTSHADER);
    expect(model.weights).toEqual({ file: 'onnx/dual_q4.onnx', precision: 'q4' });
    expect(model.onnx.byteLength).toBe(manifest.files['onnx/dual_q4.onnx'].bytes);

    // onnxruntime-node's CPU kernels, not WebGPU's: the browser test checks those.
    const session = await ort.InferenceSession.create(model.onnx);
    const scorer = new Scorer(model.tokenizer, model.manifest, ortRunner(ort.Tensor, session, model.manifest, model.mode), { batchSize: 8 });
    const parity = readParity(DIR);
    const scored = await scorer.score(parity.cases.map((c) => c.record));
    const fp32 = parity.cases.map((c) => (c as unknown as { dual: { onnx_fp32: { p_correct: number } } }).dual.onnx_fp32.p_correct);
    expect(new Set(scored.map((s) => s.verdict))).toEqual(new Set(['correct', 'wrong']));
    scored.forEach((s, i) => {
      expect(s.verdict, parity.cases[i].record).toBe(fp32[i] >= manifest.threshold ? 'correct' : 'wrong');
      expect(Math.abs(s.pCorrect - fp32[i])).toBeLessThan(0.01);
    });
  });
});

describe('loadModel when the WebGPU-only file cannot be read', () => {
  // Offline, the service worker holds only the weights every backend runs (pwa.config.ts).
  it('falls back to the int8 file and says why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'no-fp16-'));
    try {
      cpSync(DIR, dir, { recursive: true });
      rmSync(join(dir, 'onnx/dual_fp16.onnx'));
      const present = await loadModel(folderSource(DIR), 'quantized', undefined, 'auto', F16);
      expect(present.weights).toEqual({ file: 'onnx/dual_fp16.onnx', precision: 'fp16' });
      expect(present.weightsFallback).toBeUndefined();

      const model = await loadModel(folderSource(dir), 'quantized', undefined, 'auto', F16);
      expect(model.weights).toEqual({ file: manifest.onnx.dual!.quantized, precision: 'int8' });
      expect(model.onnx.byteLength).toBe(manifest.files[manifest.onnx.dual!.quantized].bytes);
      expect(model.weightsFallback).toMatch(/^onnx\/dual_fp16\.onnx could not be read \(.+\); using onnx\/dual_quantized\.onnx$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('still fails when the file every backend runs is missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'no-int8-'));
    try {
      cpSync(DIR, dir, { recursive: true });
      rmSync(join(dir, 'onnx/dual_fp16.onnx'));
      rmSync(join(dir, manifest.onnx.dual!.quantized));
      await expect(loadModel(folderSource(dir), 'quantized', undefined, 'auto', F16)).rejects.toThrow(/dual_quantized\.onnx/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
