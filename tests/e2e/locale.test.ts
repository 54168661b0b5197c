/**
 * Issue 42: the page speaks the user's language. In a zh-CN browser every string the page
 * shows (text, placeholders, titles, labels, options) comes from the zh-CN catalog: the
 * test walks the page through its states (start, demo results, a record's detail and how it
 * was scored, review and its help, the panels, a rejected file) and fails on any English
 * word outside the user's own data. The language follows navigator.languages, switches in
 * the header and stays switched after a reload. The workspace fits a 1280x720 screen.
 */
import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useApp } from './browser';
import { englishOnPage } from './english';

const app = useApp();

async function zhPage(): Promise<Page> {
  const page = await app.browser.newPage({ locale: 'zh-CN', viewport: { width: 1280, height: 720 } });
  await page.goto(`${app.url}?backend=wasm`);
  await page.locator('#backend').waitFor({ timeout: 120_000 });
  return page;
}

it('a zh-CN browser gets a page with no English outside the catalog, in every state', async () => {
  const page = await zhPage();
  expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
  expect(await englishOnPage(page), 'start').toEqual([]);

  await page.locator('#try-demo').click();
  await expect.poll(() => page.locator('#phase').getAttribute('data-phase'), { timeout: 170_000 }).toBe('done');
  expect(await englishOnPage(page), 'demo results').toEqual([]);

  // The columns the export adds are named in the page's language, as are its verdicts.
  const [file] = await Promise.all([page.waitForEvent('download'), page.locator('#export-flagged').click()]);
  const exported = Papa.parse<string[]>(readFileSync((await file.path())!, 'utf8').replace(/^\uFEFF/, ''), { skipEmptyLines: true }).data;
  expect(exported[0].slice(-2)).toEqual(['P(正确)', '判定']);
  expect(new Set(exported.slice(1).map((r) => r.at(-1)))).toEqual(new Set(['错误']));

  const wrongRow = page.locator('#results tbody tr.wrong').first();
  await wrongRow.click();
  const detail = page.locator('#record-detail');
  await detail.locator('.explanation[data-state="done"]').waitFor({ timeout: 60_000 });
  await detail.locator('summary').click();
  await detail.locator('.how-it-works[data-state="done"]').waitFor({ timeout: 60_000 });
  expect(await englishOnPage(page), 'detail and how it was scored').toEqual([]);

  await page.locator('#start-review').click();
  await page.locator('#review-record').waitFor();
  await page.keyboard.press('?');
  await page.locator('#review-help').waitFor();
  expect(await englishOnPage(page), 'review and its help').toEqual([]);
  await page.keyboard.press('Escape');

  for (const id of ['corrections-panel', 'adapter-panel', 'model-settings', 'model-card-panel', 'how-it-works-panel']) await page.locator(`#${id} > summary`).click();
  await page.locator('#model-card .per-class').waitFor();
  await page.locator('#how-it-works-panel .how-it-works[data-state="done"]').waitFor({ timeout: 60_000 });
  expect(await englishOnPage(page), 'the panels').toEqual([]);

  await page.locator('#file-input').setInputFiles({ name: 'empty.csv', mimeType: 'text/csv', buffer: Buffer.alloc(0) });
  await page.locator('#audit-error').waitFor();
  expect(await englishOnPage(page, ['empty', 'demo']), 'a rejected file').toEqual([]);
  await page.close();
});

it('switches language in the header, keeps the choice across a reload, and follows the browser until then', async () => {
  const page = await zhPage();
  expect(await page.locator('h1').textContent()).toBe('数字孪生数据质量评估');
  await page.locator('#locale').selectOption('en');
  expect(await page.locator('h1').textContent()).toBe('Twin data-quality scorer');
  expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
  await page.reload();
  await page.locator('#backend').waitFor({ timeout: 120_000 });
  expect(await page.locator('#try-demo').textContent()).toBe('Try the demo');
  await page.close();

  const english = await app.browser.newPage({ locale: 'en-US' });
  await english.goto(app.url);
  expect(await english.locator('h1').textContent()).toBe('Twin data-quality scorer');
  await english.close();
});

it('fits a 1280x720 screen: header, source panel, a table filling the height, the side panel driven by review keys', async () => {
  const page = await zhPage();
  await page.locator('#try-demo').click();
  await expect.poll(() => page.locator('#phase').getAttribute('data-phase'), { timeout: 170_000 }).toBe('done');
  // The page itself never scrolls: each panel scrolls on its own.
  expect(await page.evaluate(() => document.scrollingElement!.scrollHeight)).toBeLessThanOrEqual(720);
  const table = (await page.locator('#results-scroll').boundingBox())!;
  const header = (await page.locator('header.top').boundingBox())!;
  expect(table.y + table.height).toBeGreaterThan(700); // down to the bottom of the screen
  expect(table.height).toBeGreaterThan(720 - header.height - 120);
  expect(await page.locator('#results tbody tr').count()).toBeGreaterThan(12);
  for (const id of ['#counts', '#threshold', '#histogram', '#model-name', '#source-panel', '#side-panel']) expect(await page.locator(id).isVisible(), id).toBe(true);

  // Review in the side panel, by keyboard: the table follows the record under review.
  await page.locator('#start-review').click();
  const record = () => page.locator('#review-record').textContent();
  const first = await record();
  const selectedRow = () => page.locator('#results tbody tr.selected').getAttribute('data-row');
  await expect.poll(selectedRow).not.toBeNull();
  const before = await selectedRow();
  await page.keyboard.press('j');
  await expect.poll(record).not.toBe(first);
  await expect.poll(selectedRow).not.toBe(before);
  expect(await page.locator('#side-panel #review').isVisible()).toBe(true);
  await page.keyboard.press('y');
  await expect.poll(() => page.locator('#review-progress').getAttribute('data-reviewed')).toBe('1');

  // The source panel folds away and the table takes its width.
  const wide = (await page.locator('#results-scroll').boundingBox())!.width;
  await page.locator('#toggle-source').click();
  expect(await page.locator('#source-panel').isVisible()).toBe(false);
  await expect.poll(async () => (await page.locator('#results-scroll').boundingBox())!.width).toBeGreaterThan(wide + 200);
  await page.close();
});
