/** A model folder that is not what its manifest says must be refused, with the reason. */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { defaultModelDir, folderSource } from '../../src/cli/node-scorer';
import { loadModel } from '../../src/core/model-files';

let dir: string;
beforeEach(async () => {
  dir = join(mkdtempSync(join(tmpdir(), 'model-')), 'm');
  cpSync(await defaultModelDir(), dir, { recursive: true });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const manifestPath = () => join(dir, 'manifest.json');
const editManifest = (edit: (m: Record<string, any>) => void) => {
  const m = JSON.parse(readFileSync(manifestPath(), 'utf8'));
  edit(m);
  writeFileSync(manifestPath(), JSON.stringify(m));
};

it('loads the intact default model', async () => {
  const model = await loadModel(folderSource(dir));
  expect(model.manifest.prompt.label_correct).toBe('正确');
  const graph = model.mode === 'dual' ? model.manifest.onnx.dual!.quantized : model.manifest.onnx.quantized;
  expect(model.onnx.byteLength).toBe(model.manifest.files[graph].bytes);
});

it('names a missing file', async () => {
  rmSync(join(dir, 'onnx/model_quantized.onnx'));
  await expect(loadModel(folderSource(dir), 'quantized', undefined, 'two-pass')).rejects.toThrow(/onnx\/model_quantized\.onnx: missing \(listed in manifest\.json\)/);
});

it('detects one changed byte by its SHA-256', async () => {
  const path = join(dir, 'tokenizer.json');
  const bytes = readFileSync(path);
  bytes[10] ^= 1;
  writeFileSync(path, bytes);
  await expect(loadModel(folderSource(dir))).rejects.toThrow(/tokenizer\.json: SHA-256 .* does not match manifest\.json/);
});

it('refuses other label words or prompt version', async () => {
  editManifest((m) => (m.prompt.label_correct = '1'));
  await expect(loadModel(folderSource(dir))).rejects.toThrow(/label words 1\/错误 differ from 正确\/错误/);
  editManifest((m) => {
    m.prompt.label_correct = '正确';
    m.prompt.version = 99;
  });
  await expect(loadModel(folderSource(dir))).rejects.toThrow(/prompt format version 99/);
});

it('says when the folder is no model at all', async () => {
  rmSync(manifestPath());
  await expect(loadModel(folderSource(dir))).rejects.toThrow(/no manifest\.json/);
});
