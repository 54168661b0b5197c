/** The committed default model in Chromium (WASM): the smoke records get their expected verdicts. */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { useApp } from './browser';

const SMOKE: { record: string; verdict: string }[] = JSON.parse(
  readFileSync(new URL('../vectors/default-model-smoke.json', import.meta.url), 'utf-8'),
);

const app = useApp();

it('scores the smoke records as expected in the browser, and nothing the page asks for fails', async () => {
  const page = await app.browser.newPage();
  const failed: string[] = [];
  page.on('response', (r) => void (r.status() >= 400 && failed.push(`${r.status()} ${r.url()}`)));
  page.on('requestfailed', (r) => void failed.push(`${r.failure()?.errorText} ${r.url()}`));
  await page.goto(`${app.url}?backend=wasm`);
  await page.locator('#backend').waitFor({ timeout: 120_000 });
  await page.locator('#records').fill(SMOKE.map((s) => s.record).join('\n'));
  await page.locator('#score').click();
  await page.locator('#results tbody tr').nth(SMOKE.length - 1).waitFor({ timeout: 120_000 });
  const verdicts = await page.locator('#results td.verdict').allTextContents();
  expect(verdicts.map((v) => v.trim())).toEqual(SMOKE.map((s) => s.verdict));
  expect(failed).toEqual([]);
  // Headless Chromium asks for no icon itself: fetch the one the page names (it was a 404).
  const icon = await page.evaluate(async () => {
    const href = document.querySelector<HTMLLinkElement>('link[rel="icon"]')?.href;
    return href ? `${(await fetch(href)).status} ${(await fetch(href)).headers.get('content-type')}` : 'no icon';
  });
  expect(icon).toBe('200 image/svg+xml');
  await page.close();
});
