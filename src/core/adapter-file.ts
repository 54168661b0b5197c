/**
 * An adapter as a file (issue 43): what the page keeps per model in IndexedDB, what the
 * corrections export carries, and what `npm run score -- --adapter FILE` applies. It names
 * the model it was trained on by the SHA-256 of that model's manifest.json: any other model
 * (a retrained one under the same name included) refuses it.
 */
import type { Adapter, AdapterReport } from './adapter';
import { t } from '../i18n';

export const ADAPTER_FORMAT = 'twinscore-adapter';

export interface AdapterFile {
  format: typeof ADAPTER_FORMAT;
  version: 2;
  /** The model's name, for people; the SHA-256 is what binds. */
  model: string;
  manifest_sha256: string;
  /** ISO time it was trained. */
  created: string;
  adapter: Adapter;
  /** The cross-validated before/after it was kept on. */
  report: Omit<AdapterReport, 'adapter'>;
}

export class AdapterFileError extends Error {
  override name = 'AdapterFileError';
}

export function adapterFile(report: AdapterReport, model: string, manifestSha256: string, created = new Date()): AdapterFile {
  const { adapter, ...rest } = report;
  return { format: ADAPTER_FORMAT, version: 2, model, manifest_sha256: manifestSha256, created: created.toISOString(), adapter, report: rest };
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const numbers = (v: unknown, n: number) => Array.isArray(v) && v.length === n && v.every(finite);

/** Parse and check an adapter file; `where` names it in every error. */
export function parseAdapterFile(text: string, where: string): AdapterFile {
  let f: AdapterFile;
  try {
    f = JSON.parse(text);
  } catch (e) {
    throw new AdapterFileError(t('adapter_file.json', { where, why: (e as Error).message }));
  }
  const need = (ok: boolean, what: string) => {
    if (!ok) throw new AdapterFileError(t('adapter_file.field', { where, what }));
  };
  need(!!f && typeof f === 'object' && f.format === ADAPTER_FORMAT, `format is not '${ADAPTER_FORMAT}'`);
  need(f.version === 2, `version ${f.version} is not supported (expected 2)`);
  need(typeof f.model === 'string' && f.model.length > 0, 'no model name');
  need(typeof f.manifest_sha256 === 'string' && /^[0-9a-f]{64}$/.test(f.manifest_sha256), 'manifest_sha256 is not a SHA-256');
  const a = f.adapter;
  need(!!a && typeof a === 'object' && Number.isInteger(a.size) && a.size > 0, 'adapter.size is not a positive integer');
  need(numbers(a.mean, a.size) && numbers(a.scale, a.size), `adapter.mean and scale must each hold ${a.size} numbers`);
  need(a.scale.every((s) => s > 0), 'adapter.scale holds a value that is not positive');
  need(Array.isArray(a.centers) && a.centers.length > 0 && a.centers.every((c) => numbers(c, a.size)), `adapter.centers must be rows of ${a.size} numbers`);
  need(numbers(a.alphas, a.centers.length), `adapter.alphas must hold ${a.centers.length} numbers, one per center`);
  need(finite(a.gamma) && a.gamma > 0, 'adapter.gamma is not a positive number');
  need(finite(a.threshold) && a.threshold > 0 && a.threshold < 1, `adapter.threshold ${a.threshold} is not in (0, 1)`);
  return f;
}

/** Refuse an adapter trained on another model than the one scoring. */
export function checkAdapterModel(f: AdapterFile, model: string, manifestSha256: string, where: string): void {
  if (f.manifest_sha256 !== manifestSha256) {
    throw new AdapterFileError(t('adapter_file.other_model', { where, trained: f.model, model }));
  }
}
