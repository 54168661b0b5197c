/** The model folder's manifest.json (written by training/twinscore/export/export.py) and its checks. */
import type { RecordTemplate } from './record-template';
import { LABEL_CORRECT, LABEL_WRONG, PROMPT_FORMAT_VERSION } from './prompt';
import { t } from '../i18n';

export interface ModelFile {
  sha256: string;
  bytes: number;
}

/** Precisions only the WebGPU backend is given (fp16 needs the adapter feature 'shader-f16'). */
export const WEBGPU_PRECISIONS = ['fp16', 'q4'] as const;
export type WebGpuPrecision = (typeof WEBGPU_PRECISIONS)[number];

export interface WebGpuGraph {
  file: string;
  precision: WebGpuPrecision;
}

/**
 * The dual graph's second output: [N, 2, size] float32, the pooled hidden states the score
 * head reads the two rewards from (at the 正确 label position, then at the 错误 one).
 * Declared by exports since features became part of the graph (issue 43).
 */
export interface FeaturesOutput {
  output: string;
  size: number;
}

export interface Metrics {
  n: number;
  accuracy: number;
  precision_wrong: number | null;
  recall_wrong: number | null;
}

export interface Manifest {
  format_version: number;
  name: string;
  created: string;
  architecture: string;
  prompt: { version: number; label_correct: string; label_wrong: string; template: string };
  /** How mapped table columns are composed into a record; absent in older manifests. */
  record_template?: RecordTemplate;
  threshold: number;
  max_length: number;
  pad_token_id: number;
  padding_side: 'right';
  onnx: {
    inputs: string[];
    output: string;
    fp32: string;
    quantized: string;
    /** The single-pass dual scoring graph (src/core/dual.ts); absent in older manifests, which score in two passes. */
    dual?: {
      inputs: string[];
      output: string;
      fp32: string;
      quantized: string;
      /**
       * WebGPU-only weights of the same graph, in order of preference, each kept by the
       * exporter only where its decisions equal fp32's on every evaluation record
       * (training/twinscore/export/webgpu.py); [] when none did, absent in older manifests.
       */
      webgpu?: WebGpuGraph[];
      /** Every dual file returns it (fp32, quantized, WebGPU); absent in older manifests, whose graphs return rewards only. */
      features?: FeaturesOutput;
    };
  };
  metrics: { pytorch: Metrics; onnx_int8: Metrics; [key: string]: unknown };
  files: Record<string, ModelFile>;
}

export class ModelError extends Error {
  override name = 'ModelError';
}

/** Parse and check a manifest against what this build of the scorer can read. */
export function parseManifest(text: string, where: string): Manifest {
  let m: Manifest;
  try {
    m = JSON.parse(text);
  } catch (e) {
    throw new ModelError(t('model_files.manifest_json', { where, why: (e as Error).message }));
  }
  const need = (ok: boolean, what: string) => {
    if (!ok) throw new ModelError(t('model_files.manifest_field', { where, what }));
  };
  need(m.format_version === 1, `format_version ${m.format_version} is not supported (expected 1)`);
  need(typeof m.name === 'string' && m.name.length > 0, 'no model name');
  need(
    m.prompt?.version === PROMPT_FORMAT_VERSION,
    `prompt format version ${m.prompt?.version} does not match this scorer's ${PROMPT_FORMAT_VERSION}`,
  );
  need(
    m.prompt.label_correct === LABEL_CORRECT && m.prompt.label_wrong === LABEL_WRONG,
    `label words ${m.prompt.label_correct}/${m.prompt.label_wrong} differ from ${LABEL_CORRECT}/${LABEL_WRONG}`,
  );
  need(typeof m.threshold === 'number' && m.threshold >= 0 && m.threshold <= 1, `threshold ${m.threshold} is not in [0, 1]`);
  need(Number.isInteger(m.max_length) && m.max_length > 0, `max_length ${m.max_length} is not a positive integer`);
  need(Number.isInteger(m.pad_token_id), 'no pad_token_id');
  need(m.padding_side === 'right', `padding_side ${m.padding_side} is not 'right'`);
  need(!!m.files && typeof m.files === 'object', 'no file list');
  for (const f of ['tokenizer.json', 'tokenizer_config.json', m.onnx?.quantized, m.onnx?.fp32]) {
    need(!!f && !!m.files[f], `file list lacks ${f}`);
  }
  if (m.onnx.dual) {
    for (const f of [m.onnx.dual.quantized, m.onnx.dual.fp32]) need(!!f && !!m.files[f], `file list lacks onnx.dual's ${f}`);
    const webgpu = m.onnx.dual.webgpu ?? [];
    need(Array.isArray(webgpu), 'onnx.dual.webgpu is not a list');
    for (const g of webgpu) {
      need(WEBGPU_PRECISIONS.includes(g?.precision), `onnx.dual.webgpu precision ${g?.precision} is not one of ${WEBGPU_PRECISIONS.join(', ')}`);
      need(!!g.file && !!m.files[g.file], `file list lacks onnx.dual.webgpu's ${g.file}`);
    }
    const features = m.onnx.dual.features;
    if (features !== undefined) {
      need(
        typeof features?.output === 'string' && features.output.length > 0 && features.output !== m.onnx.dual.output,
        `onnx.dual.features output ${JSON.stringify(features?.output)} is not an output name of its own`,
      );
      need(Number.isInteger(features.size) && features.size > 0, `onnx.dual.features size ${features.size} is not a positive integer`);
    }
  }
  return m;
}
