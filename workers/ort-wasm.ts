/**
 * onnxruntime-web as our workers load it: the WebGPU build (which also runs WASM), with
 * its .wasm emitted by Vite next to our code, never fetched from a CDN. The scoring
 * worker and the bench's GEMM worker import it from here, so the bench times the very
 * build and binary the scorer runs.
 */
import * as ort from 'onnxruntime-web/webgpu';
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';

ort.env.wasm.wasmPaths = { wasm: wasmUrl };

export { ort };
