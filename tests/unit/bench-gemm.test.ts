/**
 * The bench's GEMM ceiling (bench/gemm.ts) times the graphs it means to: the 8-bit graph
 * is the fp32 graph's weights through the export's quantizer, both in the model's widest
 * shape, and a graph of another shape is refused rather than timed.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, expect, it } from 'vitest';
import { timeGemm } from '../../bench/gemm';

const ROOT = resolve(import.meta.dirname, '../..');
const MODEL = resolve(ROOT, 'public/models/twin-default');
let made: { k: number; n: number; fp32: string; int8: string };

beforeAll(() => {
  const out = mkdtempSync(join(tmpdir(), 'gemm-'));
  const printed = execFileSync(resolve(ROOT, '.venv/bin/python'), ['bench/torch_bench.py', 'gemm-models', '--model', MODEL, '--out', out], { cwd: ROOT, encoding: 'utf8' });
  made = JSON.parse(printed.trim().split('\n').pop()!);
}, 120_000);

/** The weight matrix a graph multiplies by: the product of the identity with it. */
async function weights(file: string, k: number): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(await readFile(file));
  const eye = new Float32Array(k * k);
  for (let i = 0; i < k; i++) eye[i * k + i] = 1;
  const out = await session.run({ a: new ort.Tensor('float32', eye, [k, k]) });
  return out.y.data as Float32Array;
}

it('makes graphs in the model\'s widest shape, the 8-bit one the fp32 one quantized', async () => {
  const config = JSON.parse(await readFile(join(MODEL, 'config.json'), 'utf8'));
  expect([made.k, made.n]).toEqual([config.hidden_size, config.intermediate_size]);
  const [w32, w8] = [await weights(made.fp32, made.k), await weights(made.int8, made.k)];
  expect(w32.length).toBe(made.k * made.n);
  const scale = Math.max(...w32.map(Math.abs));
  const worst = Math.max(...w32.map((v, i) => Math.abs(v - w8[i])));
  expect(worst).toBeGreaterThan(0); // really quantized
  expect(worst).toBeLessThan(scale / 100); // 8 bits of each block's range, not other weights
});

it('times both graphs on onnxruntime-node, and refuses a graph of another shape', async () => {
  for (const file of [made.fp32, made.int8]) {
    const gflops = await timeGemm(ort, await readFile(file), made.k, made.n, { intraOpNumThreads: 1 }, 2);
    expect(gflops).toBeGreaterThan(0);
    expect(Number.isFinite(gflops)).toBe(true);
  }
  await expect(timeGemm(ort, await readFile(made.fp32), made.k, made.n * 2, {}, 1)).rejects.toThrow(/gemm graph gave \[4096, 512\], not \[4096, 1024\]/);
});
