/**
 * Corrections travel: the JSONL the page exports imports back (another machine, a
 * colleague's review), merged by record. Round trip: export, clear, import, export again
 * gives the same bytes. A bad file changes nothing and names its line.
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useApp } from './browser';

const app = useApp();
const RECORDS = ['北京市海淀区学院路29号', '广州市天河区#?@!路', '上海市静安区南京西路1000号'];

async function exportBytes(page: Page): Promise<Buffer> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export-corrections').click()]);
  return readFileSync((await download.path())!);
}

async function importFile(page: Page, name: string, bytes: Buffer | string) {
  await page.locator('#import-corrections').setInputFiles({ name, mimeType: 'application/jsonl', buffer: Buffer.from(bytes) });
}

it('exports, clears, imports the same bytes back, merges a changed file and refuses a bad one', async () => {
  const context = await app.browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  page.on('dialog', (d) => void d.accept()); // "Delete all … saved corrections?"
  await page.goto(`${app.url}?backend=wasm`);
  await page.locator('#backend').waitFor({ timeout: 120_000 });
  await page.locator('#records').fill(RECORDS.join('\n'));
  await page.locator('#score').click();
  await page.locator('#results tbody tr').nth(RECORDS.length - 1).waitFor({ timeout: 120_000 });
  await page.locator('#start-review').click();
  await page.locator('#review-record').waitFor();
  const shown = () => page.locator('#review-record').textContent();
  for (const [i, key] of ['y', 'n', 'y'].entries()) {
    const record = await shown();
    await page.keyboard.press(key);
    await expect.poll(() => page.locator('#review-progress').textContent()).toMatch(new RegExp(`^${i + 1} reviewed`));
    // Review drops a key pressed while the last one is at work: the next record first.
    if (i < 2) await expect.poll(shown).not.toBe(record);
  }
  await page.locator('#corrections-panel summary').click();
  const count = () => page.locator('#corrections-count').textContent();
  const first = await exportBytes(page);

  await page.locator('#clear-corrections').click();
  await expect.poll(count).toBe('0');
  await importFile(page, 'corrections.jsonl', first);
  await expect.poll(() => page.locator('#import-summary').textContent()).toBe('Imported corrections.jsonl: 3 new, 0 changed, 0 unchanged.');
  expect(await count()).toBe('3');
  expect((await exportBytes(page)).equals(first)).toBe(true);

  // A colleague decided the first line the other way: that record changes, the rest stay.
  const lines = first.toString('utf8').trimEnd().split('\n');
  const pair = JSON.parse(lines[0]);
  [pair.chosen, pair.rejected] = [pair.rejected, pair.chosen];
  await importFile(page, 'colleague.jsonl', [JSON.stringify(pair), ...lines.slice(1)].join('\n') + '\n');
  await expect.poll(() => page.locator('#import-summary').textContent()).toBe('Imported colleague.jsonl: 0 new, 1 changed, 2 unchanged.');
  const merged = (await exportBytes(page)).toString('utf8').trimEnd().split('\n');
  expect(merged).toHaveLength(3);
  expect(merged.at(-1)).toBe(JSON.stringify(pair)); // the latest decision, last

  const before = await exportBytes(page);
  await importFile(page, 'bad.jsonl', `${lines[1]}\n{broken\n`);
  await expect.poll(() => page.locator('#import-error').textContent()).toMatch(/^bad\.jsonl line 2: not valid JSON/);
  expect((await exportBytes(page)).equals(before)).toBe(true); // nothing changed
  await context.close();
});
