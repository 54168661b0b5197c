/**
 * The browser methods of `npm run bench`: the bench page (bench/page.ts: the app's bridge
 * and worker) served by vite preview with the isolation headers, in Debian's Chromium.
 * Peak memory is the largest sum of RSS over Chromium's processes seen while scoring,
 * sampled every 100 ms (shared pages count once per process, so it over-states a bit).
 */
import { copyFileSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { build, preview } from 'vite';
import { CHROMIUM_FLAGS } from '../tests/e2e/browser';
import type { BenchOptions } from './page';
import { GEMM_PRECISIONS, gemmFile, type GemmModels, type GemmRates } from './gemm';
import type { GemmRequest } from './gemm.worker';

type GemmCall = Omit<GemmRequest, 'urls'>;

const CONFIG = resolve(import.meta.dirname, 'vite.config.ts');

/** RSS in MB of every descendant process of this one (Chromium's browser, GPU, renderer, utility processes). */
export function descendantsRssMb(): number {
  const parent = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // the process ended while we looked
    }
  }
  const mine = (pid: number): boolean => {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) if (p === process.pid) return true;
    return false;
  };
  let kb = 0;
  for (const pid of parent.keys()) {
    if (!mine(pid)) continue;
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // ended
    }
  }
  return kb / 1024;
}

let built: Promise<unknown> | null = null;

/** Open the bench page (built from the current sources once per bench run: a stale
 * bench/.dist would time old code) in Chromium, and run `use` on it. */
async function withBenchPage<T>(flags: string[], use: (page: Page) => Promise<T>): Promise<T & { peak_rss_mb: number }> {
  built ??= build({ configFile: CONFIG });
  await built;
  const server = await preview({ configFile: CONFIG, preview: { host: '127.0.0.1', port: 0 } });
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') throw new Error('bench preview server has no port');
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: flags });
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, descendantsRssMb())), 100);
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`http://127.0.0.1:${address.port}/`);
    await page.waitForFunction(() => 'bench' in window, null, { timeout: 60_000 });
    const result = await use(page);
    if (errors.length) throw new Error(`bench page: ${errors.join('; ')}`);
    return { ...result, peak_rss_mb: Math.max(peak, descendantsRssMb()) };
  } finally {
    clearInterval(sampler);
    await browser.close();
    await server.close();
  }
}

export function benchBrowser(options: Omit<BenchOptions, 'records'>, records: string[]) {
  return withBenchPage(options.backend === 'webgpu' ? [...CHROMIUM_FLAGS, '--enable-unsafe-webgpu'] : CHROMIUM_FLAGS, (page) =>
    page.evaluate(
      ([o, r]) => (window as unknown as { bench: (x: BenchOptions) => Promise<Record<string, unknown>> }).bench({ ...o, records: r }),
      [options, records] as const,
    ),
  );
}

/** The WASM GEMM ceiling: `torch_bench.py gemm-models`' graphs timed in the page's worker. */
export function gemmBrowser(models: GemmModels, threads: number) {
  return withBenchPage(CHROMIUM_FLAGS, async (page) => {
    const dir = resolve(import.meta.dirname, '.dist/gemm');
    mkdirSync(dir, { recursive: true });
    for (const precision of GEMM_PRECISIONS) copyFileSync(models[precision], resolve(dir, gemmFile(precision)));
    return page.evaluate(
      (request) => (window as unknown as { gemm: (r: GemmCall) => Promise<{ gflops: GemmRates; threads: number }> }).gemm(request),
      { k: models.k, n: models.n, threads } satisfies GemmCall,
    );
  });
}
