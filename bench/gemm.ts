/**
 * The matrix kernels' ceiling: one MatMul in the model's widest shape (rows x hidden x
 * intermediate, graphs from `torch_bench.py gemm-models`), timed on an onnxruntime with
 * the bench's thread count. onnxruntime-node (bench/ort-node.ts --gemm) and
 * onnxruntime-web's WASM (bench/gemm.worker.ts) run this same function, so the ratio of
 * their GFLOP/s is what the kernels alone allow the browser against native code.
 */
import type { InferenceSession, Tensor } from 'onnxruntime-common';

/** Rows per MatMul: a batch of 64 records of about 64 tokens, what the scorer runs. */
export const GEMM_ROWS = 4096;

/** fp32 MatMul, and 8-bit MatMulNBits as the export quantizes the model's weights. */
export const GEMM_PRECISIONS = ['fp32', 'int8'] as const;
export type GemmPrecision = (typeof GEMM_PRECISIONS)[number];

/** The name `torch_bench.py gemm-models` gives each graph in its folder. */
export const gemmFile = (precision: GemmPrecision) => `gemm_${precision}.onnx`;

/** What `torch_bench.py gemm-models` prints: its graphs' paths and the MatMul's k x n. */
export type GemmModels = Record<GemmPrecision, string> & { k: number; n: number };

/** GFLOP/s per precision, as the Node and the browser GEMM timers report them. */
export type GemmRates = Record<GemmPrecision, number>;

interface Ort {
  InferenceSession: { create(bytes: Uint8Array, options?: InferenceSession.SessionOptions): Promise<InferenceSession> };
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => Tensor;
}

/** Best GFLOP/s of `repeat` runs (after one warm-up run). */
export async function timeGemm(ort: Ort, bytes: Uint8Array, k: number, n: number, options: InferenceSession.SessionOptions, repeat = 20): Promise<number> {
  const session = await ort.InferenceSession.create(bytes, options);
  try {
    const a = new Float32Array(GEMM_ROWS * k);
    for (let i = 0; i < a.length; i++) a[i] = Math.sin(i); // any values: the kernels do not branch on them
    const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', a, [GEMM_ROWS, k]) };
    const out = await session.run(feeds);
    const y = out[session.outputNames[0]];
    if (y.dims[0] !== GEMM_ROWS || y.dims[1] !== n) throw new Error(`gemm graph gave [${y.dims.join(', ')}], not [${GEMM_ROWS}, ${n}]`);
    let best = Infinity;
    for (let r = 0; r < repeat; r++) {
      const started = performance.now();
      await session.run(feeds);
      best = Math.min(best, performance.now() - started);
    }
    return (2 * GEMM_ROWS * k * n) / (best / 1000) / 1e9;
  } finally {
    await session.release();
  }
}
