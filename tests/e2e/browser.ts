/** Serve the built app on 127.0.0.1 and drive Debian's Chromium with playwright-core. */
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { preview, type PreviewServer } from 'vite';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { zipSync } from 'fflate';

const ROOT = resolve(import.meta.dirname, '../..');

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function serveApp(): Promise<{ server: PreviewServer; url: string }> {
  const server = await preview({ root: ROOT, configFile: resolve(ROOT, 'vite.config.ts'), preview: { host: '127.0.0.1', port: 0 } });
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') throw new Error('preview server has no port');
  return { server, url: `http://127.0.0.1:${address.port}/` };
}

export async function launch(webgpu: boolean): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: webgpu ? [...CHROMIUM_FLAGS, '--enable-unsafe-webgpu'] : CHROMIUM_FLAGS,
  });
}

/** Every URL the page asks for, so a test can prove nothing left 127.0.0.1. */
export function recordRequests(page: Page): string[] {
  const urls: string[] = [];
  page.on('request', (r) => urls.push(r.url()));
  return urls;
}

export function foreign(urls: string[], appUrl: string): string[] {
  const origin = new URL(appUrl).origin;
  return urls.filter((u) => !u.startsWith('data:') && !u.startsWith('blob:') && new URL(u).origin !== origin);
}

export interface App {
  url: string;
  browser: Browser;
  server: PreviewServer;
}

/** Serve the built app and launch Chromium once for a test file; both close after its tests. */
export function useApp(options: { webgpu?: boolean } = {}): App {
  const app = {} as App;
  beforeAll(async () => {
    ({ server: app.server, url: app.url } = await serveApp());
    app.browser = await launch(options.webgpu ?? false);
  });
  afterAll(async () => {
    await app.browser?.close();
    await app.server?.close();
  });
  return app;
}

/** A model folder as a zip, its files under the folder's own name (as a user would zip it). */
export function zipFolder(dir: string): Buffer {
  const files: Record<string, Uint8Array> = {};
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else files[relative(join(dir, '..'), p)] = readFileSync(p);
    }
  };
  walk(dir);
  return Buffer.from(zipSync(files));
}

/** The page's JS heap in bytes after a forced garbage collection (what it retains). */
export async function heapAfterGc(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  await cdp.detach();
  return usedSize;
}

/** The page's JS heap in bytes as a page script sees it (performance.memory), without forcing a GC. */
export function sampledHeap(page: Page): Promise<number> {
  return page.evaluate(() => (performance as unknown as { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize);
}

/**
 * Score a tiny table first, so every component, chart and worker is in place: what the
 * heap gains after this is what the next file costs.
 */
export async function warmUp(page: Page, csv: string): Promise<void> {
  await page.locator('#file-input').setInputFiles({ name: 'warm.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.locator('#start').click();
  await page.waitForFunction(() => document.querySelector('#phase')?.getAttribute('data-phase') === 'done', null, { timeout: 300_000 });
}
