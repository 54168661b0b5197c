/** The model card's numbers come from the manifest: sizes from its file list, metrics per error class. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseManifest, type Manifest } from '../../src/core/manifest';
import { formatBytes, overallMetrics, perClassRows, sizes } from '../../src/core/model-card';
import { modelDirs } from './models';

const manifestOf = (dir: string) => parseManifest(readFileSync(join(dir, 'manifest.json'), 'utf8'), dir);
const withPerClass = (m: Manifest, perClass: unknown): Manifest => ({ ...m, metrics: { ...m.metrics, per_class: perClass } });

describe.each(modelDirs())('%s', (dir) => {
  const manifest = manifestOf(dir);

  it('sizes the weights in use and all files from the manifest, which match the disk', () => {
    const s = sizes(manifest, 'quantized');
    expect(s.weightsFile).toBe(manifest.onnx.quantized);
    expect(s.weights).toBe(readFileSync(join(dir, manifest.onnx.quantized)).byteLength);
    const onDisk = Object.keys(manifest.files).reduce((sum, f) => sum + readFileSync(join(dir, f)).byteLength, 0);
    expect(s.total).toBe(onDisk);
    expect(sizes(manifest, 'fp32').weights).toBeGreaterThan(s.weights);
  });

  it('lists the overall evaluation the exporter measured', () => {
    const rows = overallMetrics(manifest);
    expect(rows.map((r) => r.name)).toContain('ONNX int8 (what the app runs)');
    expect(rows[0].metrics.n).toBeGreaterThan(0);
  });
});

describe('per error class metrics', () => {
  const base = manifestOf(modelDirs()[0]);

  it('reads {model, baseline} tables into one row per class', () => {
    const rows = perClassRows(
      withPerClass(base, {
        model: { junk_symbols: { n: 40, accuracy: 0.975 }, postcode_region: { n: 30, accuracy: 0.9 } },
        baseline: { junk_symbols: { n: 40, accuracy: 1 }, postcode_region: { n: 30, accuracy: 0.2 }, correct: { n: 100, accuracy: 0.99 } },
      }),
    );
    expect(rows).toEqual([
      { errorClass: 'junk_symbols', n: 40, model: 0.975, baseline: 1 },
      { errorClass: 'postcode_region', n: 30, model: 0.9, baseline: 0.2 },
      { errorClass: 'correct', n: 100, model: null, baseline: 0.99 },
    ]);
  });

  it('reads {class: {n, accuracy, baseline_accuracy}} too', () => {
    const rows = perClassRows(withPerClass(base, { phone_letters: { n: 12, accuracy: 1, baseline_accuracy: 0.5 }, note: 'x' }));
    expect(rows).toEqual([{ errorClass: 'phone_letters', n: 12, model: 1, baseline: 0.5 }]);
  });

  it('is empty for a manifest without per-class metrics', () => {
    const { per_class: _, ...metrics } = base.metrics as Manifest['metrics'] & { per_class?: unknown };
    expect(perClassRows({ ...base, metrics: metrics as Manifest['metrics'] })).toEqual([]);
  });
});

it('formats byte counts for people', () => {
  expect(formatBytes(871)).toBe('871 B');
  expect(formatBytes(1030633)).toBe('1006.5 KiB');
  expect(formatBytes(1_500_000_000)).toBe('1.40 GiB');
});
