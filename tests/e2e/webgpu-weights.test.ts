/**
 * WebGPU's own weights in a real Chromium (--enable-unsafe-webgpu; SwiftShader's adapter,
 * which has no shader-f16): the worker loads twin-tiny-toy's q4 file, the page says so,
 * and its decisions on the parity records are those of the fp32 weights on WASM.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { foreign, recordRequests, useApp } from './browser';
import { readParity } from '../unit/models';

const MODEL = 'twin-tiny-toy';
const DIR = join(resolve(import.meta.dirname, '../../public/models'), MODEL);
const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8'));
const parity = readParity(DIR);
// One record per line: records holding a line break cannot be pasted as one line.
const cases = parity.cases.filter((c) => !/[\r\n]/.test(c.record));
const fp32Python = cases.map((c) => (c as unknown as { dual: { onnx_fp32: { p_correct: number } } }).dual.onnx_fp32.p_correct);

const app = useApp({ webgpu: true });
// SwiftShader runs WebGPU on the CPU: the 29 records took 110 s on a shared 2-core VM.
const SCORING_MS = 330_000;

interface Scored {
  p: number[];
  verdicts: string[];
}

async function scoreOn(query: string): Promise<{ page: Page; scored: Scored; requests: string[] }> {
  const page = await app.browser.newPage();
  const requests = recordRequests(page);
  await page.goto(`${app.url}?model=${MODEL}&${query}`);
  await page.locator('#backend').waitFor({ timeout: 120_000 });
  await page.locator('#records').fill(cases.map((c) => c.record).join('\n'));
  await page.locator('#score').click();
  await page.locator('#results tbody tr').nth(cases.length - 1).waitFor({ timeout: SCORING_MS });
  const p = await page.locator('#results td.p').evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-p'))));
  const verdicts = await page.locator('#results td.verdict').allTextContents();
  return { page, scored: { p, verdicts }, requests };
}

describe('q4 weights on WebGPU', () => {
  let wasm: Scored;
  beforeAll(async () => {
    const { page, scored } = await scoreOn('backend=wasm&precision=fp32');
    expect(await page.locator('#backend').textContent()).toBe('wasm');
    expect(await page.locator('#weights').textContent()).toBe('fp32');
    expect(await page.locator('#weights').getAttribute('data-file')).toBe(manifest.onnx.dual.fp32);
    // The reference really is fp32: Python's fp32 single-pass scores.
    scored.p.forEach((p, i) => expect(Math.abs(p - fp32Python[i]), cases[i].record).toBeLessThan(1e-3));
    wasm = scored;
    await page.close();
  });

  it('loads the q4 file on an adapter without shader-f16 and shows it', async () => {
    const page = await app.browser.newPage();
    await page.goto(`${app.url}?model=${MODEL}&backend=webgpu`);
    await page.locator('#backend').waitFor({ timeout: 120_000 });
    const hasF16 = await page.evaluate(async () => {
      const gpu = (navigator as unknown as { gpu: { requestAdapter(): Promise<{ features: Set<string> } | null> } }).gpu;
      return (await gpu.requestAdapter())?.features.has('shader-f16');
    });
    expect(hasF16, 'this test needs an adapter without shader-f16 (SwiftShader)').toBe(false);
    expect(await page.locator('#backend').textContent()).toBe('webgpu');
    expect(await page.locator('#weights').textContent()).toBe('q4');
    expect(await page.locator('#weights').getAttribute('data-file')).toBe('onnx/dual_q4.onnx');

    await page.locator('#model-card-panel > summary').click();
    const card = page.locator('#model-card');
    expect(await card.locator('.weights').textContent()).toBe('q4');
    expect(Number(await card.locator('.size').getAttribute('data-bytes'))).toBe(manifest.files['onnx/dual_q4.onnx'].bytes);
    expect(await card.locator('.webgpu-check').textContent()).toMatch(/decided as fp32 on all \d+ records checked at export/);
    await page.close();
  });

  it('decides every record as fp32 on WASM does', async () => {
    const { page, scored, requests } = await scoreOn('backend=webgpu');
    expect(await page.locator('#weights').textContent()).toBe('q4');
    expect(scored.verdicts).toHaveLength(cases.length);
    expect(new Set(scored.verdicts)).toEqual(new Set(['correct', 'wrong']));
    expect(scored.verdicts).toEqual(wasm.verdicts);
    // Same side of the threshold, and close: q4 moved P by at most 4e-3 on CPU at export.
    scored.p.forEach((p, i) => expect(Math.abs(p - wasm.p[i]), cases[i].record).toBeLessThan(0.02));
    expect(foreign(requests, app.url)).toEqual([]);
    await page.close();
  }, SCORING_MS + 30_000);
});
