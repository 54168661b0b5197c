/**
 * Offline: after one visit the service worker holds the app, onnxruntime's WASM and the
 * default model. With the network off and the server gone, a reload still scores, still
 * cross-origin isolated (the cached responses keep COOP/COEP).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { useApp } from './browser';
import { readParity } from '../unit/models';

const MODELS = resolve(import.meta.dirname, '../../public/models');
const defaultName: string = JSON.parse(readFileSync(join(MODELS, 'index.json'), 'utf8')).default;
const cases = readParity(join(MODELS, defaultName))
  .cases.filter((c) => !/[\r\n]/.test(c.record))
  .slice(0, 5);

const app = useApp();

it('works offline after the first visit: reload with the network off and the server gone, then score', async () => {
  const context = await app.browser.newContext();
  const page = await context.newPage();
  await page.goto(`${app.url}?backend=wasm`);
  await page.locator('#backend').waitFor({ timeout: 120_000 });
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  // Installed = everything precached (app, WASM, default model).
  await expect
    .poll(() => page.evaluate(async () => (await navigator.serviceWorker.ready).active?.state), { timeout: 120_000 })
    .toBe('activated');

  await app.server.close();
  await context.setOffline(true);
  expect(await page.evaluate(() => fetch(location.href, { cache: 'no-store' }).then(() => 'online', () => 'offline'))).toBe('offline');

  await page.reload();
  await page.locator('#backend').waitFor({ timeout: 120_000 });
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  expect(await page.locator('#model-name').textContent()).toBe(defaultName);

  await page.locator('#records').fill(cases.map((c) => c.record).join('\n'));
  await page.locator('#score').click();
  await page.locator('#results tbody tr').nth(cases.length - 1).waitFor({ timeout: 120_000 });
  const shown = await page.locator('#results td.p').evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-p'))));
  shown.forEach((p, i) => expect(Math.abs(p - cases[i].onnx_int8.p_correct)).toBeLessThan(1e-3));
  await context.close();
});
