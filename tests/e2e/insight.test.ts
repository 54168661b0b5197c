/**
 * Issue 7 in a real Chromium: the model card (name, size, backend, measured speed), the
 * "how it works" panel (the exact texts scored, their rewards, the softmax, against the
 * Python reference in parity.json) and the inline explanation of a flagged record.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { foreign, recordRequests, useApp } from './browser';
import { readParity } from '../unit/models';

const MODELS = resolve(import.meta.dirname, '../../public/models');
const defaultName: string = JSON.parse(readFileSync(join(MODELS, 'index.json'), 'utf8')).default;
const manifest = JSON.parse(readFileSync(join(MODELS, defaultName, 'manifest.json'), 'utf8'));
const parity = readParity(join(MODELS, defaultName));

const app = useApp();
let page: Page;
let requests: string[];

beforeAll(async () => {
  page = await app.browser.newPage();
  requests = recordRequests(page);
  await page.goto(`${app.url}?backend=wasm`);
  await page.locator('#backend').waitFor({ timeout: 120_000 });
});

describe('model card', () => {
  it('names the model, its size from the manifest, the backend, and measures speed', async () => {
    await page.locator('#model-card-panel > summary').click();
    const card = page.locator('#model-card');
    expect(await card.locator('.name').textContent()).toBe(defaultName);
    // The graph the worker runs: the single-pass dual graph when the model has one.
    const graph = manifest.onnx.dual ?? manifest.onnx;
    expect(Number(await card.locator('.size').getAttribute('data-bytes'))).toBe(manifest.files[graph.quantized].bytes);
    expect(await card.locator('.backend').textContent()).toBe('wasm');
    // The committed default predates the features output (issue 43): the card says it cannot adapt, and why.
    if (!manifest.onnx.dual?.features) {
      expect(await card.locator('.features').textContent()).toContain('this model was exported before features were part of the graph');
    }
    const accuracy = manifest.metrics.test?.model_int8?.accuracy ?? manifest.metrics.onnx_int8.accuracy;
    expect(await card.locator('table.overall tbody tr').first().textContent()).toContain(`${(100 * accuracy).toFixed(1)}%`);
    const perClass = manifest.metrics.per_class?.model ?? {};
    for (const [errorClass, m] of Object.entries(perClass) as [string, { accuracy: number }][]) {
      expect(await card.locator(`table.per-class tr[data-class="${errorClass}"] .model`).textContent()).toBe(`${(100 * m.accuracy).toFixed(1)}%`);
    }
    const real = manifest.metrics.realworld as { accepted: number } | undefined;
    if (real) {
      // what the model does on addresses people wrote, as twinscore-card measured it
      expect(Number(await card.locator('.realworld').getAttribute('data-accepted'))).toBe(real.accepted);
      expect(await card.locator('.realworld').textContent()).toContain(`${(100 * real.accepted).toFixed(1)}%`);
    } else expect(await card.locator('.realworld').count()).toBe(0);
    if (existsSync(join(MODELS, defaultName, 'MODEL_CARD.md'))) {
      // The training data summary is the card's Data section, rendered.
      await expect.poll(() => card.locator('.training').textContent()).toContain('twinscore-generate');
      expect(await card.locator('.card-text .markdown h1').textContent()).toBe(`Model card: ${defaultName}`);
    }

    await page.locator('#measure-speed').click();
    const speed = card.locator('.speed');
    await speed.waitFor({ timeout: 120_000 });
    expect(Number(await speed.getAttribute('data-rps'))).toBeGreaterThan(0);
    expect(await speed.textContent()).toMatch(/[\d.]+ records\/s/);
  });
});

describe('how it works', () => {
  it('shows the two texts scored, their rewards and the softmax, as the Python reference has them', async () => {
    await page.locator('#how-it-works-panel > summary').click();
    const panel = page.locator('#how-it-works-panel');
    for (const c of parity.cases.filter((c) => !c.truncated && !/[\r\n]/.test(c.record)).slice(0, 3)) {
      await page.locator('#how-record').fill(c.record);
      // The panel re-scores after typing pauses; wait for this record's texts.
      await expect.poll(() => panel.locator('pre[data-label="正确"]').textContent(), { timeout: 60_000 }).toBe(c.text_correct);
      await panel.locator('.how-it-works[data-state="done"]').waitFor();
      expect(await panel.locator('pre[data-label="错误"]').textContent()).toBe(c.text_wrong);
      const shown = Number(await panel.locator('.p').textContent());
      expect(Math.abs(shown - c.onnx_int8.p_correct)).toBeLessThan(1e-3);
      const reward = Number(await panel.locator('.reward[data-label="正确"] b').textContent());
      expect(Math.abs(reward - c.onnx_int8.reward_correct)).toBeLessThan(2e-3);
      const verdict = c.onnx_int8.p_correct >= parity.threshold ? 'correct' : 'wrong';
      expect(await panel.locator('.verdict').textContent()).toBe(verdict);
    }
  });
});

it('asked nothing of another origin', () => {
  expect(foreign(requests, app.url)).toEqual([]);
});
