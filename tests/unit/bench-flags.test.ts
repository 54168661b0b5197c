/**
 * The benchmark scripts refuse flags they cannot use before any work starts (no model
 * load, no browser), saying which flag and what was given.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
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

it("writes the bench's records one per line, the generator's multi-line records joined", () => {
  // The generator writes some records with their fields on separate lines; records.txt
  // must still hold exactly --n records (npm run bench stopped at the first such record).
  const out = join(mkdtempSync(join(tmpdir(), 'bench-records-')), 'records.txt');
  const result = spawnSync(resolve(ROOT, '.venv/bin/python'), ['bench/torch_bench.py', 'records', '--n', '3000', '--out', out], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, PYTHONPATH: resolve(ROOT, 'training') },
  });
  expect(result.status, result.stderr).toBe(0);
  const lines = readFileSync(out, 'utf8').split('\n').filter((l) => l !== '');
  expect(lines).toHaveLength(3000);
});
