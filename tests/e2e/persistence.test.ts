/**
 * Corrections live in IndexedDB, which is best-effort storage: a browser short of disk may
 * delete it without asking. The first saved decision asks for persistent storage, and the
 * corrections panel says what the browser answered. Chromium's real answer here is a
 * refusal (a fresh profile, no site engagement; granting notifications does not change it
 * in headless mode), so the granted case replaces the two StorageManager calls in the page.
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { useApp } from './browser';

const app = useApp();

it.each([
  ['refused', 'denied', /may delete them when disk space runs low\. Export them to keep them safe\./],
  ['granted', 'granted', /will not delete them to free disk space/],
])('asks for persistent storage at the first decision and says it was %s', async (_, state, says) => {
  const context = await app.browser.newContext({ serviceWorkers: 'block' });
  if (state === 'granted') {
    await context.addInitScript(() => {
      let granted = false;
      navigator.storage.persisted = async () => granted;
      navigator.storage.persist = async () => (granted = true);
    });
  }
  const page = await context.newPage();
  await page.goto(`${app.url}?backend=wasm`);
  await page.locator('#backend').waitFor({ timeout: 120_000 });
  await page.locator('#records').fill('北京市海淀区学院路29号');
  await page.locator('#score').click();
  await page.locator('#results tbody tr').first().waitFor({ timeout: 120_000 });
  expect(await page.locator('#storage-persistence').count()).toBe(0); // nothing saved, nothing asked
  await page.locator('#start-review').click();
  await page.locator('#review-record').waitFor(); // review has the keyboard
  await page.keyboard.press('y');
  await expect.poll(() => page.locator('#review-progress').textContent()).toMatch(/^1 reviewed/);
  await page.locator('#corrections-panel summary').click();
  const note = page.locator('#storage-persistence');
  await expect.poll(() => note.getAttribute('data-state')).toBe(state);
  expect(await note.textContent()).toMatch(says);
  expect(await page.evaluate(() => navigator.storage.persisted())).toBe(state === 'granted');
  await context.close();
});

it('holds a decision the full storage refuses, says it is not saved, and exports it', async () => {
  const context = await app.browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  // A real QuotaExceededError: Chromium's own quota for this origin, set to nothing.
  const cdp = await context.newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(app.url).origin, quotaSize: 1 });
  await page.goto(`${app.url}?backend=wasm`);
  await page.locator('#backend').waitFor({ timeout: 120_000 });
  const records = ['北京市海淀区学院路29号', '广州市天河区#?@!路'];
  await page.locator('#records').fill(records.join('\n'));
  await page.locator('#score').click();
  await page.locator('#results tbody tr').nth(1).waitFor({ timeout: 120_000 });
  await page.locator('#start-review').click();
  const first = (await page.locator('#review-record').textContent())!;
  await page.keyboard.press('n');
  await expect.poll(() => page.locator('#review-progress').textContent()).toMatch(/^1 reviewed/);
  expect(await page.locator('#review .error').textContent()).toMatch(
    /^Not saved \(the browser's storage is full\): this page holds the decision until it is closed\. Export the corrections to keep it\.$/,
  );
  expect(await page.locator('#corrections-unsaved').textContent()).toBe('1 not saved');
  await page.locator('#corrections-panel summary').click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export-corrections').click()]);
  const pair = JSON.parse(readFileSync((await download.path())!, 'utf8').trim());
  expect([pair.chosen[0].content, pair.chosen[1].content]).toEqual([first, '错误']);
  await context.close();
});
