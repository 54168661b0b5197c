/**
 * The speed path in a real Chromium, through the bench page (the app's bridge and worker):
 * the page is cross-origin isolated, so ORT runs multi-threaded WASM; the worker scores
 * with the single-pass dual graph when the model has one; and the scores still equal
 * the Python reference within 1e-3, single-pass and two-pass alike.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { build } from 'vite';
import { benchBrowser } from '../../bench/browser';
import { readParity } from '../unit/models';

const MODELS = resolve(import.meta.dirname, '../../public/models');
const model = JSON.parse(readFileSync(join(MODELS, 'index.json'), 'utf8')).default;
const parity = readParity(join(MODELS, model));

beforeAll(async () => {
  await build({ configFile: resolve(import.meta.dirname, '../../bench/vite.config.ts') });
});

describe.each(['dual', 'two-pass'] as const)('WASM, %s', (mode) => {
  it('runs 2 threads under cross-origin isolation and matches Python within 1e-3', async () => {
    const records = parity.cases.map((c) => c.record);
    const r = (await benchBrowser({ model, backend: 'wasm', threads: 2, mode, keep: records.length }, records)) as Record<string, unknown>;
    expect(r.cross_origin_isolated).toBe(true);
    expect(r.threads).toBe(2);
    expect(r.backend).toBe('wasm');
    expect(r.mode).toBe(mode);
    expect(r.p_correct_head).toHaveLength(records.length);
    (r.p_correct_head as number[]).forEach((p, i) => expect(Math.abs(p - parity.cases[i].onnx_int8.p_correct)).toBeLessThan(1e-3));
    expect(r.records_per_s as number).toBeGreaterThan(0);
    expect(r.peak_rss_mb as number).toBeGreaterThan(50); // the sampler saw Chromium's processes
  });
});
