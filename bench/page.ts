/**
 * The browser half of `npm run bench`: the app's own ScorerBridge and scoring worker,
 * fed the way the app's audit feeds them (calls of 256 records), timed from text in to
 * P(correct) out. bench/browser.ts calls window.bench from Playwright.
 */
import { ScorerBridge } from '../src/app/scorer-bridge';
import type { Backend } from '../workers/scorer.worker';
import type { ScoringMode } from '../src/core/scorer';
import { GEMM_PRECISIONS, gemmFile, type GemmRates } from './gemm';
import type { GemmRequest } from './gemm.worker';

/** Records per call, as src/app/audit.svelte.ts sends them. */
const CALL = 256;

export interface BenchOptions {
  model: string;
  backend: Backend;
  threads: number;
  mode: ScoringMode;
  records: string[];
  /** How many of the first records' P(correct) to hand back (for checks). */
  keep?: number;
}

async function adapterInfo(): Promise<string | null> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<{ info?: Record<string, string> } | null> } }).gpu;
  const adapter = await gpu?.requestAdapter().catch(() => null);
  if (!adapter) return null;
  const i = adapter.info ?? {};
  return [i.vendor, i.architecture, i.device, i.description].filter(Boolean).join(' / ') || 'unknown adapter';
}

async function bench(o: BenchOptions) {
  const bridge = new ScorerBridge();
  const signal = new AbortController().signal;
  const modelUrl = new URL(`models/${o.model}/`, document.baseURI).href;
  const info = await bridge.load(signal, { modelUrl, backend: o.backend, threads: o.threads, mode: o.mode });
  await bridge.score(signal, o.records.slice(0, CALL).map((r) => r + '。')); // warm-up on other texts
  const started = performance.now();
  const keep = o.keep ?? 5;
  const head: number[] = [];
  for (let i = 0; i < o.records.length; i += CALL) {
    const scored = await bridge.score(signal, o.records.slice(i, i + CALL));
    if (head.length < keep) head.push(...scored.slice(0, keep - head.length).map((s) => s.pCorrect));
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    records_per_s: o.records.length / seconds,
    seconds,
    backend: info.backend,
    fallback_reason: info.fallbackReason ?? null,
    mode: info.mode,
    weights: info.weights,
    threads: info.threads,
    batch_size: info.batchSize,
    cross_origin_isolated: self.crossOriginIsolated,
    adapter: await adapterInfo(),
    p_correct_head: head,
  };
}

/** The WASM GEMM ceiling (bench/gemm.ts) on the graphs bench/browser.ts put under gemm/. */
async function gemm(request: Omit<GemmRequest, 'urls'>): Promise<{ gflops: GemmRates; threads: number }> {
  const worker = new Worker(new URL('./gemm.worker.ts', import.meta.url), { type: 'module' });
  const urls = Object.fromEntries(GEMM_PRECISIONS.map((p) => [p, new URL(`gemm/${gemmFile(p)}`, document.baseURI).href])) as GemmRequest['urls'];
  try {
    const reply = await new Promise<{ gflops: GemmRates; threads: number } | { error: string }>((resolve) => {
      worker.onmessage = (e) => resolve(e.data);
      worker.onerror = (e) => resolve({ error: e.message });
      worker.postMessage({ ...request, urls });
    });
    if ('error' in reply) throw new Error(`gemm worker: ${reply.error}`);
    return reply;
  } finally {
    worker.terminate();
  }
}

Object.assign(window, { bench, gemm });
