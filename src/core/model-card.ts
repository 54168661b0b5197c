/**
 * What the model card view shows, read from a model's manifest.json: sizes from its file
 * list, the evaluation metrics, and accuracy per error class next to the rule baseline's.
 */
import type { Manifest, Metrics } from './manifest';

export interface ClassRow {
  errorClass: string;
  n: number;
  model: number | null;
  baseline: number | null;
}

export interface Sizes {
  /** Every file the manifest lists. */
  total: number;
  /** The ONNX file the app runs (chooseWeights in model-files.ts picks it). */
  weights: number;
  weightsFile: string;
}

export function sizes(manifest: Manifest, weightsFile: string): Sizes {
  return {
    total: Object.values(manifest.files).reduce((sum, f) => sum + f.bytes, 0),
    weights: manifest.files[weightsFile]?.bytes ?? 0,
    weightsFile,
  };
}

export interface WebGpuCheck {
  precision: string;
  file: string;
  n: number;
  agreement_with_fp32: number;
  max_abs_diff_p: number;
  kept: boolean;
}

/** The exporter's check of a WebGPU-only file against fp32 (metrics.webgpu_candidates); null for any other file. */
export function webgpuCheck(manifest: Manifest, file: string): WebGpuCheck | null {
  const tried = manifest.metrics.webgpu_candidates;
  if (!Array.isArray(tried)) return null;
  return (tried as WebGpuCheck[]).find((c) => c.file === file && c.kept) ?? null;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}

interface ClassMetric {
  n: number;
  accuracy: number;
}
type PerClass = Record<string, ClassMetric>;

/**
 * metrics.per_class as rows, one per error class (and `correct`, when the exporter counts
 * correct records as a class). Two layouts are read: {model: {cls: m}, baseline: {cls: m}}
 * and {cls: {n, accuracy, baseline_accuracy}}. Absent: an empty list.
 */
export function perClassRows(manifest: Manifest): ClassRow[] {
  const perClass = manifest.metrics.per_class as Record<string, unknown> | undefined;
  if (!perClass || typeof perClass !== 'object') return [];
  const isMetric = (v: unknown): v is ClassMetric & { baseline_accuracy?: number } =>
    !!v && typeof v === 'object' && typeof (v as ClassMetric).accuracy === 'number';
  if ('model' in perClass && perClass.model && typeof perClass.model === 'object') {
    const model = perClass.model as PerClass;
    const baseline = (perClass.baseline ?? {}) as PerClass;
    const classes = [...new Set([...Object.keys(model), ...Object.keys(baseline)])];
    return classes.map((c) => ({
      errorClass: c,
      n: model[c]?.n ?? baseline[c]?.n ?? 0,
      model: model[c]?.accuracy ?? null,
      baseline: baseline[c]?.accuracy ?? null,
    }));
  }
  return Object.entries(perClass)
    .filter(([, m]) => isMetric(m))
    .map(([c, m]) => {
      const metric = m as ClassMetric & { baseline_accuracy?: number };
      return { errorClass: c, n: metric.n, model: metric.accuracy, baseline: metric.baseline_accuracy ?? null };
    });
}

interface TestMetrics {
  n: number;
  data?: string;
  model_int8?: Metrics;
  model_fp32?: Metrics;
  baseline?: Metrics;
}

/**
 * The overall evaluation lines the card lists: the held-out test split with the rule
 * baseline when twinscore-card wrote metrics.test, else the exporter's eval split.
 */
/** `key` names the line for the page's catalog (card.line.<key>); `name` is its English. */
export function overallMetrics(manifest: Manifest): { key: string; name: string; split: string; n: number; metrics: Metrics }[] {
  const isMetrics = (v: unknown): v is Metrics => !!v && typeof v === 'object' && typeof (v as Metrics).accuracy === 'number';
  const test = manifest.metrics.test as TestMetrics | undefined;
  const lines: [unknown, string, string, string][] = test
    ? [
        [test.model_int8, 'int8', 'model, int8 (what WASM runs)', 'test'],
        [test.model_fp32, 'fp32', 'model, fp32', 'test'],
        [test.baseline, 'baseline', 'rule baseline', 'test'],
      ]
    : [
        [manifest.metrics.onnx_int8, 'int8', 'model, int8 (what WASM runs)', 'eval'],
        [manifest.metrics.pytorch, 'pytorch', 'model, PyTorch', 'eval'],
      ];
  return lines.flatMap(([m, key, name, split]) => (isMetrics(m) ? [{ key, name, split, n: test?.n ?? m.n, metrics: m }] : []));
}

export interface RealworldMetrics {
  data: string;
  n: number;
  accepted: number;
  baseline: number;
  former: { n: number; accepted: number };
}

/**
 * How the model does on addresses people wrote (twinscore-card's metrics.realworld, from
 * npm run evaluate -- --realworld): the share it accepts next to the rule baseline's; null
 * when the card tool never measured it (older or imported models).
 */
export function realworldMetrics(manifest: Manifest): RealworldMetrics | null {
  const r = manifest.metrics.realworld as RealworldMetrics | undefined;
  const ok = (x: unknown) => typeof x === 'number' && x >= 0 && x <= 1;
  return r && typeof r.n === 'number' && r.n > 0 && ok(r.accepted) && ok(r.baseline) ? r : null;
}

/** One `## heading` section of a markdown document, without its heading; null when absent. */
export function markdownSection(markdown: string, heading: string): string | null {
  const lines = markdown.split(/\r?\n/);
  const start = lines.findIndex((l) => l.trim() === `## ${heading}`);
  if (start < 0) return null;
  const end = lines.findIndex((l, i) => i > start && /^#{1,2} /.test(l));
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n').trim();
}
