/**
 * Two tabs of the page on one browser profile share the corrections database: a decision
 * made in one shows in the other at once, and the other's flip acts on that decision, not
 * on the stale copy it held.
 */
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useApp } from './browser';

const app = useApp();

it('a decision in one tab shows in the other, which then flips the latest one', async () => {
  const context = await app.browser.newContext({ serviceWorkers: 'block' });
  const open = async (): Promise<Page> => {
    const page = await context.newPage();
    await page.goto(`${app.url}?backend=wasm`);
    await page.locator('#backend').waitFor({ timeout: 120_000 });
    await page.locator('#corrections-panel summary').click();
    return page;
  };
  const [a, b] = [await open(), await open()];
  const count = (p: Page) => p.locator('#corrections-count').textContent();
  expect([await count(a), await count(b)]).toEqual(['0', '0']);

  await a.locator('#records').fill('北京市海淀区学院路29号');
  await a.locator('#score').click();
  await a.locator('#results tbody tr').first().waitFor({ timeout: 120_000 });
  await a.locator('#start-review').click();
  await a.locator('#review-record').waitFor();
  // Review drops a key pressed while the last one is at work: press until it took effect
  // (each key here is idempotent once it has: y on the one record, u with nothing to undo).
  const press = async (key: string, progress: RegExp) => {
    await expect
      .poll(async () => {
        await a.keyboard.press(key);
        return a.locator('#review-progress').textContent();
      })
      .toMatch(progress);
  };
  await press('y', /^1 reviewed/);
  await expect.poll(() => count(b)).toBe('1'); // no reload
  await expect.poll(() => b.locator('#corrections .decision').textContent()).toBe('correct');

  // Tab a decides again (wrong); tab b, told, flips what is stored now: back to correct.
  await press('u', /^0 reviewed/);
  await expect.poll(() => count(b)).toBe('0');
  await press('n', /^1 reviewed/);
  await expect.poll(() => b.locator('#corrections .decision').textContent()).toBe('wrong');
  await b.locator('#corrections .flip').first().click();
  await expect.poll(() => a.locator('#corrections .decision').textContent()).toBe('correct');
  await context.close();
});
