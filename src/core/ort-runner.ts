/**
 * The Scorer's runner over an onnxruntime session, for either graph. onnxruntime-web (the
 * worker) and onnxruntime-node (the CLI, the bench) share the Tensor/session shape, so
 * both pass their own Tensor class and session here.
 */
import type { Manifest } from './manifest';
import type { Runner, ScoringMode } from './scorer';

export type TensorClass = new (type: 'int64', data: BigInt64Array, dims: readonly number[]) => unknown;

export interface OrtSession {
  readonly outputNames?: readonly string[];
  /** `fetches`: the outputs wanted; the others are computed but never copied out (off the GPU, say). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  run(feeds: Record<string, any>, fetches: readonly string[]): Promise<Record<string, { getData(): Promise<unknown> }>>;
}

/**
 * In dual mode, `run` fetches the rewards alone; `features`, there only when the manifest
 * declares the graph's features output (onnx.dual.features), fetches both.
 */
export function ortRunner(Tensor: TensorClass, session: OrtSession, manifest: Manifest, mode: ScoringMode): Runner {
  if (mode === 'dual') {
    const dual = manifest.onnx.dual;
    if (!dual) throw new Error(`${manifest.name}: manifest has no single-pass dual graph`);
    const [ids, lengths] = dual.inputs;
    const feeds = (inputIds: BigInt64Array, lengthsData: BigInt64Array, rows: number, cols: number) => ({
      [ids]: new Tensor('int64', inputIds, [rows, cols]),
      [lengths]: new Tensor('int64', lengthsData, [rows, 3]),
    });
    const features = dual.features;
    if (features && session.outputNames && !session.outputNames.includes(features.output)) {
      throw new Error(`${manifest.name}: manifest.json declares the features output '${features.output}', which the graph lacks (it has ${session.outputNames.join(', ')})`);
    }
    return {
      mode,
      async run(inputIds, lengthsData, rows, cols) {
        const result = await session.run(feeds(inputIds, lengthsData, rows, cols), [dual.output]);
        return (await result[dual.output].getData()) as Float32Array;
      },
      features: features && {
        size: features.size,
        async run(inputIds, lengthsData, rows, cols) {
          const result = await session.run(feeds(inputIds, lengthsData, rows, cols), [dual.output, features.output]);
          const [rewards, values] = await Promise.all([result[dual.output].getData(), result[features.output].getData()]);
          return { rewards: rewards as Float32Array, features: values as Float32Array };
        },
      },
    };
  }
  const [ids, mask] = manifest.onnx.inputs;
  return {
    mode,
    async run(inputIds, attentionMask, rows, cols) {
      const result = await session.run({
        [ids]: new Tensor('int64', inputIds, [rows, cols]),
        [mask]: new Tensor('int64', attentionMask, [rows, cols]),
      }, [manifest.onnx.output]);
      return (await result[manifest.onnx.output].getData()) as Float32Array;
    },
  };
}
