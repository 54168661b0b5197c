/** The scoring core on Node: model files from disk, inference on onnxruntime-node. */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { loadModel, type ModelSource, type Precision } from '../core/model-files';
import { ortRunner } from '../core/ort-runner';
import { Scorer, type ScoringMode } from '../core/scorer';

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

export interface NodeScorerOptions {
  /** Records per run; 64 measured best on CPU (npm run bench). */
  batchSize?: number;
  /** 'auto': the single-pass dual graph when the model has one. */
  mode?: ScoringMode | 'auto';
  /** onnxruntime's intra-op threads; its default is one per core. */
  threads?: number;
}

export async function nodeScorer(dir: string, precision: Precision = 'quantized', options: NodeScorerOptions = {}): Promise<Scorer> {
  const model = await loadModel(folderSource(dir), precision, undefined, options.mode);
  const session = await ort.InferenceSession.create(model.onnx, {
    executionProviders: ['cpu'],
    ...(options.threads ? { intraOpNumThreads: options.threads, interOpNumThreads: 1 } : {}),
  });
  return new Scorer(model.tokenizer, model.manifest, ortRunner(ort.Tensor, session, model.manifest, model.mode), {
    batchSize: options.batchSize ?? 64,
  });
}
