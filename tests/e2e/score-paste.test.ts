/**
 * End to end in a real Chromium: paste records, press Score, read the table. The
 * P(correct) shown must equal the Python reference (parity.json of the default model)
 * within 1e-3, on WASM and on WebGPU, and the page must ask nothing of another origin.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { PreviewServer } from 'vite';
import { foreign, launch, recordRequests, serveApp } from './browser';
import { readParity } from '../unit/models';

const MODELS = resolve(import.meta.dirname, '../../public/models');
const defaultName = JSON.parse(readFileSync(join(MODELS, 'index.json'), 'utf8')).default;
const parity = readParity(join(MODELS, defaultName));
// One record per line: records holding a line break cannot be pasted as one line.
const cases = parity.cases.filter((c) => !/[\r\n]/.test(c.record));

let server: PreviewServer;
let url: string;

beforeAll(async () => {
  ({ server, url } = await serveApp());
});
afterAll(async () => {
  await server?.close();
});

async function openApp(browser: Browser, backend: 'wasm' | 'webgpu'): Promise<{ page: Page; requests: string[] }> {
  const page = await browser.newPage();
  const requests = recordRequests(page);
  await page.goto(`${url}?backend=${backend}`);
  await page.locator('#backend').waitFor({ timeout: 120_000 });
  return { page, requests };
}

describe.each(['wasm', 'webgpu'] as const)('on %s', (backend) => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch(backend === 'webgpu');
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('scores pasted records as the Python reference does', async () => {
    const { page, requests } = await openApp(browser, backend);
    expect(await page.locator('#backend').textContent()).toBe(backend);
    expect(await page.locator('#model-name').textContent()).toBe(defaultName);

    await page.locator('#records').fill(cases.map((c) => c.record).join('\n'));
    await page.locator('#score').click();
    await page.locator('#results tbody tr').nth(cases.length - 1).waitFor({ timeout: 120_000 });

    const shown = await page.locator('#results td.p').evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-p'))));
    expect(shown).toHaveLength(cases.length);
    shown.forEach((p, i) => expect(Math.abs(p - cases[i].onnx_int8.p_correct), cases[i].record).toBeLessThan(1e-3));

    const verdicts = await page.locator('#results td.verdict').allTextContents();
    verdicts.forEach((v, i) => expect(v).toBe(cases[i].onnx_int8.p_correct >= parity.threshold ? 'correct' : 'wrong'));
    expect(await page.locator('#truncated-warning').textContent()).toMatch(/longer than the model's \d+ tokens/);

    expect(foreign(requests, url)).toEqual([]);
    await page.close();
  });
});

describe('bad input', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch(false);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('an empty paste gets a clear message and keeps earlier results', async () => {
    const { page } = await openApp(browser, 'wasm');
    await page.locator('#records').fill(cases[0].record);
    await page.locator('#score').click();
    await page.locator('#results tbody tr').first().waitFor();

    await page.locator('#records').fill('  \n\n ');
    await page.locator('#score').click();
    await expect.poll(() => page.locator('.error').textContent()).toContain('Nothing to score');
    expect(await page.locator('#results tbody tr').count()).toBe(1);
    await page.close();
  });

  it('a model file that does not match its manifest is refused with the file named', async () => {
    const page = await browser.newPage();
    // The server hands out a tokenizer.json with one byte changed.
    await page.route('**/tokenizer.json', async (route) => {
      const body = Buffer.from(await (await route.fetch()).body());
      body[10] ^= 1;
      await route.fulfill({ body, contentType: 'application/json' });
    });
    await page.goto(`${url}?backend=wasm`);
    await expect
      .poll(() => page.locator('.error').textContent(), { timeout: 60_000 })
      .toMatch(/Could not load the model: .*tokenizer\.json: SHA-256 .* does not match manifest\.json/);
    expect(await page.locator('#score').isDisabled()).toBe(true);
    await page.close();
  });
});
