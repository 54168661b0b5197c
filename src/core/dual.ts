/**
 * Single-pass dual scoring, TypeScript side: pack a record's two sequences into one.
 *
 * Twin of pack/pad_packed in training/twinscore/export/dual.py (parity.json holds both to the
 * same ids and lengths). The sequences `record + 正确` and `record + 错误` share every token
 * up to the label word, so one row holds [shared prefix | correct suffix | wrong suffix];
 * the exported graph (onnx.dual in the manifest) builds the tree attention mask and the
 * position ids from the three lengths and returns both rewards, equal to two passes.
 */

export interface Packed {
  ids: number[];
  /** Shared prefix, correct-label suffix, wrong-label suffix. */
  lengths: [number, number, number];
}

/** The prefix is the longest common one, kept a token short so each suffix has its last token. */
export function pack(idsCorrect: number[], idsWrong: number[]): Packed {
  const limit = Math.min(idsCorrect.length, idsWrong.length) - 1;
  let p = 0;
  while (p < limit && idsCorrect[p] === idsWrong[p]) p++;
  return {
    ids: [...idsCorrect, ...idsWrong.slice(p)],
    lengths: [p, idsCorrect.length - p, idsWrong.length - p],
  };
}

/** Right-pad packed rows into the graph's inputs: input_ids [rows, cols], lengths [rows, 3]. */
export function padPacked(packed: Packed[], padId: number) {
  const rows = packed.length;
  const cols = Math.max(...packed.map((p) => p.ids.length));
  const inputIds = new BigInt64Array(rows * cols).fill(BigInt(padId));
  const lengths = new BigInt64Array(rows * 3);
  packed.forEach((p, r) => {
    p.ids.forEach((id, c) => (inputIds[r * cols + c] = BigInt(id)));
    p.lengths.forEach((n, k) => (lengths[r * 3 + k] = BigInt(n)));
  });
  return { inputIds, lengths, rows, cols };
}
