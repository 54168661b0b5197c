/** The scoring core on Node: model files from disk, inference on onnxruntime-node. */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { loadModel, type ModelSource, type Precision } from '../core/model-files';
import { Scorer } from '../core/scorer';

export const MODELS_ROOT = resolve(import.meta.dirname, '../../public/models');

export async function defaultModelDir(root = MODELS_ROOT): Promise<string> {
  const index = JSON.parse(await readFile(join(root, 'index.json'), 'utf8'));
  return join(root, index.default);
}

export function folderSource(dir: string): ModelSource {
  return {
    where: dir,
    async read(path) {
      try {
        return new Uint8Array(await readFile(join(dir, path)));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw e;
      }
    },
  };
}

export async function nodeScorer(dir: string, precision: Precision = 'quantized', batchSize = 16): Promise<Scorer> {
  const model = await loadModel(folderSource(dir), precision);
  const session = await ort.InferenceSession.create(model.onnx, { executionProviders: ['cpu'] });
  const output = model.manifest.onnx.output;
  return new Scorer(
    model.tokenizer,
    model.manifest,
    async (inputIds, attentionMask, rows, cols) => {
      const result = await session.run({
        input_ids: new ort.Tensor('int64', inputIds, [rows, cols]),
        attention_mask: new ort.Tensor('int64', attentionMask, [rows, cols]),
      });
      return result[output].data as Float32Array;
    },
    batchSize,
  );
}
