/**
 * Load a model folder (manifest, tokenizer, ONNX weights) and prove it is the one the
 * manifest describes: every file present, every SHA-256 equal. Where the bytes come
 * from (fetch in the browser, the file system in Node) is the caller's ModelSource.
 */
import { PreTrainedTokenizer } from '@huggingface/transformers';
import { ModelError, parseManifest, type Manifest, type WebGpuPrecision } from './manifest';
import { sha256Hex } from './sha256';
import { registerLabelTokens } from './prompt';
import type { ScoringMode } from './scorer';
import { t } from '../i18n';

export interface ModelSource {
  /** Shown in messages: a URL or a folder path. */
  where: string;
  /** The file's bytes; throws or resolves null when it does not exist. */
  read(path: string, onBytes?: (loaded: number) => void): Promise<Uint8Array | null>;
}

export type Precision = 'quantized' | 'fp32';

/** The ONNX file a session runs and what its weights are. */
export interface Weights {
  file: string;
  precision: 'fp32' | 'int8' | WebGpuPrecision;
}

export interface LoadProgress {
  file: string;
  loaded: number;
  total: number;
}

export interface LoadedModel {
  manifest: Manifest;
  /** SHA-256 of manifest.json's bytes: what an adapter trained on this model is bound to. */
  manifestSha256: string;
  tokenizer: PreTrainedTokenizer;
  onnx: Uint8Array;
  precision: Precision;
  /** The file `onnx` was read from: a WebGPU-only one when loaded for a WebGPU adapter that can run it. */
  weights: Weights;
  /** Which graph `onnx` holds: the single-pass dual one when the manifest has it. */
  mode: ScoringMode;
  /** Why the WebGPU-only weights chosen for the adapter were not used (unreadable: offline and not cached, say). */
  weightsFallback?: string;
}

// In its own module so the page can hash without loading the tokenizer library.
export { sha256Hex };

/** One file the manifest lists, read from source and proven by its SHA-256 (throws ModelError naming the file). */
export async function readVerified(
  source: ModelSource,
  manifest: Manifest,
  path: string,
  onProgress?: (p: LoadProgress) => void,
): Promise<Uint8Array> {
  const expected = manifest.files[path];
  let bytes: Uint8Array | null;
  try {
    bytes = await source.read(path, (loaded) => onProgress?.({ file: path, loaded, total: expected.bytes }));
  } catch (e) {
    throw new ModelError(t('model_files.unreadable', { where: source.where, path, why: (e as Error).message }));
  }
  if (!bytes) throw new ModelError(t('model_files.missing', { where: source.where, path }));
  const actual = await sha256Hex(bytes);
  if (actual !== expected.sha256) {
    throw new ModelError(
      `${source.where}/${path}: SHA-256 ${actual.slice(0, 12)}… does not match manifest.json's ${expected.sha256.slice(0, 12)}… (file changed or corrupted)`,
    );
  }
  onProgress?.({ file: path, loaded: bytes.byteLength, total: expected.bytes });
  return bytes;
}

/** WebGPU adapter features each WebGPU-only precision needs (q4's MatMulNBits runs on any adapter). */
const NEEDS: Record<WebGpuPrecision, string[]> = { fp16: ['shader-f16'], q4: [] };

/**
 * The weights to run. `gpuFeatures`, the adapter's features, is given only when the
 * session will run on WebGPU: then the manifest's first WebGPU-only file (single-pass
 * graph) whose needs the adapter meets replaces the quantized one. An explicit 'fp32'
 * stays fp32 everywhere: it is the reference the others are held to.
 */
export function chooseWeights(manifest: Manifest, mode: ScoringMode, precision: Precision, gpuFeatures?: ReadonlySet<string>): Weights {
  const graph = mode === 'dual' ? manifest.onnx.dual : manifest.onnx;
  if (!graph) throw new ModelError(`${manifest.name}: manifest.json has no single-pass dual graph (onnx.dual)`);
  if (gpuFeatures && precision === 'quantized' && mode === 'dual') {
    const gpu = manifest.onnx.dual?.webgpu?.find((g) => NEEDS[g.precision].every((f) => gpuFeatures.has(f)));
    if (gpu) return { file: gpu.file, precision: gpu.precision };
  }
  return { file: graph[precision], precision: precision === 'fp32' ? 'fp32' : 'int8' };
}

const decodeJson = (bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(bytes));

/** `gpuFeatures`: the WebGPU adapter's features when the model will run on WebGPU (see chooseWeights). */
export async function loadModel(
  source: ModelSource,
  precision: Precision = 'quantized',
  onProgress?: (p: LoadProgress) => void,
  mode: ScoringMode | 'auto' = 'auto',
  gpuFeatures?: ReadonlySet<string>,
): Promise<LoadedModel> {
  const manifestBytes = await source.read('manifest.json').catch(() => null);
  if (!manifestBytes) throw new ModelError(t('model_files.no_manifest', { where: source.where }));
  const manifest = parseManifest(new TextDecoder().decode(manifestBytes), source.where);
  const manifestSha256 = await sha256Hex(manifestBytes);
  const [tokenizerJson, tokenizerConfig] = await Promise.all(
    ['tokenizer.json', 'tokenizer_config.json'].map(async (f) => decodeJson(await readVerified(source, manifest, f))),
  );
  if (!tokenizerConfig.chat_template) {
    throw new ModelError(t('model_files.no_chat_template', { where: source.where }));
  }
  const tokenizer = new PreTrainedTokenizer(tokenizerJson, tokenizerConfig);
  registerLabelTokens(tokenizer, tokenizerJson);
  if (tokenizer.pad_token_id !== manifest.pad_token_id) {
    throw new ModelError(
      `${source.where}: tokenizer pad token id ${tokenizer.pad_token_id} differs from manifest.json's ${manifest.pad_token_id}`,
    );
  }
  if (mode === 'dual' && !manifest.onnx.dual) throw new ModelError(`${source.where}/manifest.json: no single-pass dual graph (onnx.dual)`);
  const chosen: ScoringMode = mode === 'auto' ? (manifest.onnx.dual ? 'dual' : 'two-pass') : mode;
  const weights = chooseWeights(manifest, chosen, precision, gpuFeatures);
  const common = chooseWeights(manifest, chosen, precision);
  try {
    const onnx = await readVerified(source, manifest, weights.file, onProgress);
    return { manifest, manifestSha256, tokenizer, onnx, precision, weights, mode: chosen };
  } catch (e) {
    if (common.file === weights.file) throw e;
    // A WebGPU-only file is an optimisation: the offline cache holds only the weights every
    // backend runs, and export kept the WebGPU file only where it decides as those do.
    const onnx = await readVerified(source, manifest, common.file, onProgress);
    const weightsFallback = t('model_files.weights_fallback', { file: weights.file, why: (e as Error).message, using: common.file });
    return { manifest, manifestSha256, tokenizer, onnx, precision, weights: common, mode: chosen, weightsFallback };
  }
}
