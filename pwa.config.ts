/**
 * Offline use (vite-plugin-pwa, Workbox generateSW): the service worker precaches the
 * app's code, onnxruntime's WASM and the default model named by public/models/index.json
 * (the files scoring reads, not the fp32 weights or parity data). Other models are
 * cached in IndexedDB by the app itself (src/storage/model-cache.ts).
 *
 * Precached responses keep the headers they were fetched with, so the page served from
 * the cache keeps COOP/COEP and with them cross-origin isolation (WASM threads).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { VitePWA } from 'vite-plugin-pwa';

const MODELS = resolve(import.meta.dirname, 'public/models');

function defaultModelFiles(): { patterns: string[]; largest: number } {
  const name: string = JSON.parse(readFileSync(resolve(MODELS, 'index.json'), 'utf8')).default;
  const manifest = JSON.parse(readFileSync(resolve(MODELS, name, 'manifest.json'), 'utf8'));
  // The graph the app scores with: the single-pass one when the model has it (src/core/model-files.ts).
  const graph: string = manifest.onnx.dual?.quantized ?? manifest.onnx.quantized;
  const files = ['tokenizer.json', 'tokenizer_config.json', 'config.json', graph];
  const largest = Math.max(...files.map((f) => manifest.files[f]?.bytes ?? 0));
  return { patterns: ['models/index.json', ...['manifest.json', ...files].map((f) => `models/${name}/${f}`)], largest };
}

export function offline() {
  const model = defaultModelFiles();
  return VitePWA({
    // A new version waits until every tab of the old one is closed: no reload mid-review.
    registerType: 'prompt',
    injectRegister: 'script',
    manifest: false,
    workbox: {
      // samples/: the demo table, so 'Try the demo' works offline too.
      globPatterns: ['**/*.{js,mjs,css,html,wasm}', 'favicon.svg', 'samples/*', ...model.patterns],
      // onnxruntime's WASM is ~27 MB and model weights can be far larger than Workbox's 2 MiB default.
      maximumFileSizeToCacheInBytes: Math.max(64 * 2 ** 20, model.largest + 1),
      navigateFallback: 'index.html',
    },
  });
}
