/** Builds bench/index.html (the bench page) into bench/.dist, with the app's worker and models. */
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const ROOT = resolve(import.meta.dirname, '..');

export const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  root: resolve(ROOT, 'bench'),
  base: './',
  publicDir: resolve(ROOT, 'public'),
  worker: { format: 'es' },
  preview: { headers: isolation },
  build: { outDir: resolve(ROOT, 'bench/.dist'), emptyOutDir: true, rollupOptions: { input: resolve(ROOT, 'bench/index.html') } },
  logLevel: 'warn',
});
