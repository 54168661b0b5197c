/** Adapter files: written from a report, read back, and refused when damaged or for another model. */
import { describe, expect, it } from 'vitest';
import { adapterFile, checkAdapterModel, parseAdapterFile } from '../../src/core/adapter-file';
import type { AdapterReport } from '../../src/core/adapter';

const SHA = 'a'.repeat(64);
const report: AdapterReport = {
  adapter: { format: 2, size: 2, mean: [0, 1], scale: [1, 2], centers: [[0.5, -0.5], [1, 0]], alphas: [2, -1], gamma: 0.3, threshold: 0.4, lambda: 1, trainedOn: { correct: 6, wrong: 5 } },
  before: { n: 11, accuracy: 0.5, falseAlarms: 0.5, recall: 0.6 },
  after: { n: 11, accuracy: 0.9, falseAlarms: 0.1, recall: 0.8 },
  perClass: [],
  folds: 5,
};
const text = JSON.stringify(adapterFile(report, 'twin-tiny-toy', SHA, new Date('2026-12-07T00:00:00Z')));

describe('adapter files', () => {
  it('round-trips a report', () => {
    const f = parseAdapterFile(text, 'a.json');
    expect(f.adapter).toEqual(report.adapter);
    expect(f.report.after).toEqual(report.after);
    expect(f.created).toBe('2026-12-07T00:00:00.000Z');
  });

  it.each([
    ['not JSON', '{', 'a.json: not valid JSON'],
    ['another format', JSON.stringify({ ...JSON.parse(text), format: 'x' }), "a.json: not an adapter file: format is not 'twinscore-adapter'"],
    ['a short center', JSON.stringify({ ...JSON.parse(text), adapter: { ...report.adapter, centers: [[1], [1, 0]] } }), 'adapter.centers must be rows of 2 numbers'],
    ['an alpha missing', JSON.stringify({ ...JSON.parse(text), adapter: { ...report.adapter, alphas: [2] } }), 'adapter.alphas must hold 2 numbers, one per center'],
    ['a gamma of 0', JSON.stringify({ ...JSON.parse(text), adapter: { ...report.adapter, gamma: 0 } }), 'adapter.gamma is not a positive number'],
    ['the first design (version 1)', JSON.stringify({ ...JSON.parse(text), version: 1 }), 'version 1 is not supported (expected 2)'],
    ['a zero scale', JSON.stringify({ ...JSON.parse(text), adapter: { ...report.adapter, scale: [0, 1] } }), 'adapter.scale holds a value that is not positive'],
    ['a threshold of 1', JSON.stringify({ ...JSON.parse(text), adapter: { ...report.adapter, threshold: 1 } }), 'adapter.threshold 1 is not in (0, 1)'],
    ['no manifest hash', JSON.stringify({ ...JSON.parse(text), manifest_sha256: 'abc' }), 'manifest_sha256 is not a SHA-256'],
  ])('refuses %s, saying what is wrong', (_, bad, message) => {
    expect(() => parseAdapterFile(bad, 'a.json')).toThrow(message);
  });

  it('refuses an adapter trained on another model, even of the same name', () => {
    const f = parseAdapterFile(text, 'a.json');
    expect(() => checkAdapterModel(f, 'twin-tiny-toy', 'b'.repeat(64), 'a.json')).toThrow(
      'a.json: trained on twin-tiny-toy as it was then (another manifest.json), not on the model scoring now (twin-tiny-toy); adapt again',
    );
    expect(() => checkAdapterModel(f, 'twin-tiny-toy', SHA, 'a.json')).not.toThrow();
  });
});
