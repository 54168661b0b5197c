/**
 * The bench's WASM GEMM timing (bench/gemm.ts) in a worker of its own, on the same
 * onnxruntime-web build and .wasm as the scoring worker, so its threads run as the
 * scorer's do (the main thread may not block on them).
 */
import { ort } from '../workers/ort-wasm';
import { timeGemm, type GemmPrecision, type GemmRates } from './gemm';

export interface GemmRequest {
  urls: Record<GemmPrecision, string>;
  k: number;
  n: number;
  threads: number;
}

// ORT's threads start as workers of this same bundle: a listener, not `self.onmessage =`,
// which would replace their own handler, and one that leaves their messages alone.
self.addEventListener('message', async (e: MessageEvent<GemmRequest>) => {
  if (!e.data?.urls) return;
  const { urls, k, n, threads } = e.data;
  ort.env.wasm.numThreads = threads;
  try {
    const gflops = {} as GemmRates;
    for (const [precision, url] of Object.entries(urls) as [GemmPrecision, string][]) {
      const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
      gflops[precision] = await timeGemm(ort, bytes, k, n, { executionProviders: ['wasm'] });
    }
    self.postMessage({ gflops, threads: ort.env.wasm.numThreads });
  } catch (err) {
    self.postMessage({ error: String(err) });
  }
});
