/**
 * The seed's scoring rule, batched: each record is scored with both label words, and
 * P(correct) = softmax(reward(正确), reward(错误))[0] = sigmoid(r_correct - r_wrong).
 * Runtime-neutral: the worker (onnxruntime-web) and the CLI (onnxruntime-node) pass in
 * how to run one padded batch.
 */
import type { PreTrainedTokenizer } from '@huggingface/transformers';
import type { Manifest } from './manifest';
import { LABEL_CORRECT, LABEL_WRONG, encode, fitRecord } from './prompt';

/** Runs the ONNX model on a right-padded [rows, cols] batch; returns one reward per row. */
export type RunBatch = (inputIds: BigInt64Array, attentionMask: BigInt64Array, rows: number, cols: number) => Promise<Float32Array>;

export type Verdict = 'correct' | 'wrong';

export interface ScoredRecord {
  rewardCorrect: number;
  rewardWrong: number;
  pCorrect: number;
  verdict: Verdict;
  /** The record was longer than the model's max_length and was cut to fit. */
  truncated: boolean;
}

export function pCorrect(rewardCorrect: number, rewardWrong: number): number {
  return 1 / (1 + Math.exp(rewardWrong - rewardCorrect));
}

export function verdictOf(p: number, threshold: number): Verdict {
  return p >= threshold ? 'correct' : 'wrong';
}

/**
 * Right padding with the pad token: the classifier pools the last non-pad token and
 * Qwen2 numbers positions from the left, so right padding leaves each row's reward as it
 * is unpadded (pad_right in training/twinscore/scoring.py does the same).
 */
export function padRight(sequences: number[][], padId: number) {
  const rows = sequences.length;
  const cols = Math.max(...sequences.map((s) => s.length));
  const inputIds = new BigInt64Array(rows * cols).fill(BigInt(padId));
  const attentionMask = new BigInt64Array(rows * cols);
  sequences.forEach((seq, r) => {
    seq.forEach((id, c) => {
      inputIds[r * cols + c] = BigInt(id);
      attentionMask[r * cols + c] = 1n;
    });
  });
  return { inputIds, attentionMask, rows, cols };
}

export class Scorer {
  constructor(
    readonly tokenizer: PreTrainedTokenizer,
    readonly manifest: Manifest,
    private readonly run: RunBatch,
    readonly batchSize = 16,
  ) {}

  /** Score records in batches of batchSize records (2 x batchSize sequences each). */
  async score(records: string[]): Promise<ScoredRecord[]> {
    const out: ScoredRecord[] = [];
    for (let start = 0; start < records.length; start += this.batchSize) {
      out.push(...(await this.scoreBatch(records.slice(start, start + this.batchSize))));
    }
    return out;
  }

  private async scoreBatch(records: string[]): Promise<ScoredRecord[]> {
    if (records.length === 0) return [];
    const fitted = records.map((r) => fitRecord(this.tokenizer, r, this.manifest.max_length));
    const sequences = [
      ...fitted.map((f) => encode(this.tokenizer, f.fitted, LABEL_CORRECT)),
      ...fitted.map((f) => encode(this.tokenizer, f.fitted, LABEL_WRONG)),
    ];
    const { inputIds, attentionMask, rows, cols } = padRight(sequences, this.manifest.pad_token_id);
    const rewards = await this.run(inputIds, attentionMask, rows, cols);
    const n = records.length;
    return fitted.map((f, i) => {
      const p = pCorrect(rewards[i], rewards[n + i]);
      return {
        rewardCorrect: rewards[i],
        rewardWrong: rewards[n + i],
        pCorrect: p,
        verdict: verdictOf(p, this.manifest.threshold),
        truncated: f.truncated,
      };
    });
  }
}
