/**
 * Invisible and bidirectional characters in a record: the table, review and the
 * explanation show each as a marked ⟨U+XXXX⟩, so a reviewer never sees a record that reads
 * differently from what the model scored; the corrections export keeps the original text.
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { useApp } from './browser';

const app = useApp();

// U+202E turns the rest of the line around on screen; U+200B and U+FEFF show nothing at all.
const RECORDS = ['张三，北京市海淀区学院路\u202E92号', '李四，上海市静安区南京西路\u200B1000号\uFEFF'];

it('marks invisible characters wherever a record is shown, and exports the record as it was', async () => {
  const context = await app.browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  await page.goto(`${app.url}?backend=wasm`);
  await page.locator('#backend').waitFor({ timeout: 120_000 });
  await page.locator('#records').fill(RECORDS.join('\n'));
  await page.locator('#score').click();
  await page.locator('#results tbody tr').nth(RECORDS.length - 1).waitFor({ timeout: 120_000 });

  const cells = await page.locator('#results td.cell').allTextContents();
  expect(cells).toEqual(['张三，北京市海淀区学院路⟨U+202E⟩92号', '李四，上海市静安区南京西路⟨U+200B⟩1000号⟨U+FEFF⟩']);
  expect(await page.locator('#results td.cell .invisible').count()).toBe(3);

  // The detail view of a row, its explanation included.
  await page.locator('#results tbody tr').first().click();
  await expect.poll(() => page.locator('#record-detail dd').first().textContent()).toBe('张三，北京市海淀区学院路⟨U+202E⟩92号');
  await page.locator('#record-detail .explanation[data-state="done"]').waitFor({ timeout: 60_000 });
  expect(await page.locator('#record-detail .explanation .record').textContent()).toBe('张三，北京市海淀区学院路⟨U+202E⟩92号');

  await page.locator('#start-review').click();
  const shown = (await page.locator('#review-record').textContent())!;
  expect(['张三，北京市海淀区学院路⟨U+202E⟩92号', '李四，上海市静安区南京西路⟨U+200B⟩1000号⟨U+FEFF⟩']).toContain(shown);
  const original = RECORDS.find((r) => r.startsWith(shown.slice(0, 2)))!;
  await page.locator('#review-record .invisible').first().waitFor();
  await page.keyboard.press('y');
  await expect.poll(() => page.locator('#review-progress').textContent()).toMatch(/^1 reviewed/);

  await page.locator('#corrections-panel summary').click();
  expect(await page.locator('#corrections .record').first().textContent()).toBe(shown);
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export-corrections').click()]);
  const pair = JSON.parse(readFileSync((await download.path())!, 'utf8').trim());
  expect(JSON.stringify(pair)).toContain(JSON.stringify(original).slice(1, -1)); // the raw characters, not the marks
  expect(JSON.stringify(pair)).not.toContain('⟨U+');
  await context.close();
});
