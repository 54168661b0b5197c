/**
 * The benchmark scripts refuse flags they cannot use before any work starts (no model
 * load, no browser), saying which flag and what was given.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const TSX = resolve(ROOT, 'node_modules/.bin/tsx');
const bench = (script: string, ...args: string[]) => spawnSync(TSX, [script, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });

it.each([
  ['bench/run.ts', ['--n', '0'], /--n must be a positive integer, not '0'/],
  ['bench/run.ts', ['--n', '5k'], /--n must be a positive integer, not '5k'/],
  ['bench/run.ts', ['--threads', '1.5'], /--threads must be a positive integer, not '1\.5'/],
  ['bench/run.ts', ['--records', '9'], /Unknown option '--records'/],
  ['bench/memory.ts', ['--rows=-3'], /--rows must be a positive integer, not '-3'/],
  ['bench/memory.ts', ['--distinct', 'many'], /--distinct must be a positive integer, not 'many'/],
  ['bench/memory.ts', ['--backend', 'cuda'], /--backend must be wasm or webgpu, not 'cuda'/],
])('%s %j is refused, saying why', (script, args, message) => {
  const started = Date.now();
  const result = bench(script, ...args);
  expect(result.status, result.stdout).not.toBe(0);
  expect(result.stderr).toMatch(message);
  expect(Date.now() - started).toBeLessThan(30_000); // refused up front, before a model or a browser
});
