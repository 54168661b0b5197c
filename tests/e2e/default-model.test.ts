/** The committed default model in Chromium (WASM): the smoke records get their expected verdicts. */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { useApp } from './browser';

const SMOKE: { record: string; verdict: string }[] = JSON.parse(
  readFileSync(new URL('../vectors/default-model-smoke.json', import.meta.url), 'utf-8'),
);

const app = useApp();

it('scores the smoke records as expected in the browser', async () => {
  const page = await app.browser.newPage();
  await page.goto(`${app.url}?backend=wasm`);
  await page.locator('#backend').waitFor({ timeout: 120_000 });
  await page.locator('#records').fill(SMOKE.map((s) => s.record).join('\n'));
  await page.locator('#score').click();
  await page.locator('#results tbody tr').nth(SMOKE.length - 1).waitFor({ timeout: 120_000 });
  const verdicts = await page.locator('#results td.verdict').allTextContents();
  expect(verdicts.map((v) => v.trim())).toEqual(SMOKE.map((s) => s.verdict));
  await page.close();
});
