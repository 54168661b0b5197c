/**
 * The Scorer's runner over an onnxruntime session, for either graph. onnxruntime-web (the
 * worker) and onnxruntime-node (the CLI, the bench) share the Tensor/session shape, so
 * both pass their own Tensor class and session here.
 */
import type { Manifest } from './manifest';
import type { Runner, ScoringMode } from './scorer';

export type TensorClass = new (type: 'int64', data: BigInt64Array, dims: readonly number[]) => unknown;

export interface OrtSession {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  run(feeds: Record<string, any>): Promise<Record<string, { getData(): Promise<unknown> }>>;
}

export function ortRunner(Tensor: TensorClass, session: OrtSession, manifest: Manifest, mode: ScoringMode): Runner {
  if (mode === 'dual') {
    const dual = manifest.onnx.dual;
    if (!dual) throw new Error(`${manifest.name}: manifest has no single-pass dual graph`);
    const [ids, lengths] = dual.inputs;
    return {
      mode,
      async run(inputIds, lengthsData, rows, cols) {
        const result = await session.run({
          [ids]: new Tensor('int64', inputIds, [rows, cols]),
          [lengths]: new Tensor('int64', lengthsData, [rows, 3]),
        });
        return (await result[dual.output].getData()) as Float32Array;
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
      });
      return (await result[manifest.onnx.output].getData()) as Float32Array;
    },
  };
}
