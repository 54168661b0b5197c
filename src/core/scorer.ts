/**
 * The seed's scoring rule, batched: each record is scored with both label words, and
 * P(correct) = softmax(reward(正确), reward(错误))[0] = sigmoid(r_correct - r_wrong).
 * Runtime-neutral: the worker (onnxruntime-web) and the CLI (onnxruntime-node) pass in
 * how to run one padded batch, of the two-pass graph or of the single-pass dual graph
 * (dual.ts), which gives the same rewards from about half the tokens.
 *
 * Speed: each record is tokenized once for both label words where that is exact
 * (encodePair in prompt.ts), and not again when it repeats;
 * inside a window of records, batches are made of records of similar token length, so
 * little of a batch is padding; results come back in the order the records came in.
 *
 * Features (issue 43): where the model's dual graph returns them (manifest onnx.dual.features),
 * scoreWithFeatures also gives each record the two hidden states its rewards are read from.
 * score() never asks the runtime for them, so scoring costs what it did before.
 */
import type { PreTrainedTokenizer } from '@huggingface/transformers';
import { ModelError, type Manifest } from './manifest';
import { pack, padPacked } from './dual';
import { encodePair, fitRecord } from './prompt';
import { t } from '../i18n';

/** Runs the two-pass ONNX model on a right-padded [rows, cols] batch; returns one reward per row. */
export type RunBatch = (inputIds: BigInt64Array, attentionMask: BigInt64Array, rows: number, cols: number) => Promise<Float32Array>;
/** Runs the dual graph on packed ids [rows, cols] and lengths [rows, 3]; returns [rows, 2] rewards. */
export type RunDual = (inputIds: BigInt64Array, lengths: BigInt64Array, rows: number, cols: number) => Promise<Float32Array>;
/** RunDual that also returns the graph's features, [rows, 2, size] (row-major). */
export type RunDualFeatures = (
  inputIds: BigInt64Array,
  lengths: BigInt64Array,
  rows: number,
  cols: number,
) => Promise<{ rewards: Float32Array; features: Float32Array }>;
export type ScoringMode = 'dual' | 'two-pass';
/** A dual runner has `features` only when its graph returns them (see ortRunner). */
export type Runner = { mode: 'two-pass'; run: RunBatch } | { mode: 'dual'; run: RunDual; features?: { size: number; run: RunDualFeatures } };

export interface ScorerOptions {
  /** Records per model run (2 x batchSize sequences in two-pass mode). */
  batchSize?: number;
  /** Records sorted by length together, in batches: batchSize x windowBatches. */
  windowBatches?: number;
  /** Distinct records whose token ids are kept for when they come again. */
  cacheSize?: number;
}

interface Tokenized {
  idsCorrect: number[];
  idsWrong: number[];
  truncated: boolean;
}

export type Verdict = 'correct' | 'wrong';

export interface ScoredRecord {
  rewardCorrect: number;
  rewardWrong: number;
  pCorrect: number;
  verdict: Verdict;
  /** The record was longer than the model's max_length and was cut to fit. */
  truncated: boolean;
}

export interface ScoredWithFeatures extends ScoredRecord {
  /**
   * The score head's input for this record, 2 x featureSize values: the hidden state at the
   * 正确 label position, then the one at the 错误 position (rewardCorrect and rewardWrong are
   * read from them). The record's own copy, not a view of the batch.
   */
  features: Float32Array;
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
 * is unpadded (pad_right in training/twinscore/model/scoring.py does the same).
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
  readonly mode: ScoringMode;
  readonly batchSize: number;
  private readonly runner: Runner;
  private readonly windowBatches: number;
  private readonly cacheSize: number;
  private readonly cache = new Map<string, Tokenized>();
  /** Values per feature vector (the model's hidden size), or null where features are unavailable. */
  readonly featureSize: number | null;
  /** Why scoreWithFeatures cannot be used with this model; undefined where it can. */
  readonly featuresUnavailable?: string;

  constructor(
    readonly tokenizer: PreTrainedTokenizer,
    readonly manifest: Manifest,
    runner: Runner | RunBatch,
    options: ScorerOptions = {},
  ) {
    this.runner = typeof runner === 'function' ? { mode: 'two-pass', run: runner } : runner;
    this.mode = this.runner.mode;
    this.batchSize = options.batchSize ?? 16;
    this.windowBatches = options.windowBatches ?? 16;
    this.cacheSize = options.cacheSize ?? 4096;
    const features = this.runner.mode === 'dual' ? this.runner.features : undefined;
    this.featureSize = features?.size ?? null;
    if (!features) this.featuresUnavailable = featuresUnavailable(manifest, this.mode);
  }

  /** Score records, returned in the order given. */
  async score(records: string[]): Promise<ScoredRecord[]> {
    return this.scoreAll(records, (batch) => this.scoreBatch(batch));
  }

  /**
   * Score records as score() does, each with its features. Throws a ModelError saying why
   * (featuresUnavailable) when the model has none.
   */
  async scoreWithFeatures(records: string[]): Promise<ScoredWithFeatures[]> {
    const features = this.runner.mode === 'dual' ? this.runner.features : undefined;
    if (!features) throw new ModelError(`${this.manifest.name}: ${this.featuresUnavailable}`);
    return this.scoreAll(records, async (batch) => {
      const { inputIds, lengths, rows, cols } = padPacked(batch.map((t) => pack(t.idsCorrect, t.idsWrong)), this.manifest.pad_token_id);
      const out = await features.run(inputIds, lengths, rows, cols);
      const width = 2 * features.size;
      if (out.features.length !== rows * width) {
        throw new ModelError(`${this.manifest.name}: features output holds ${out.features.length} values, not ${rows} x 2 x ${features.size}`);
      }
      return this.verdicts(batch, (i) => [out.rewards[2 * i], out.rewards[2 * i + 1]]).map((s, i) => ({
        ...s,
        features: out.features.slice(i * width, (i + 1) * width),
      }));
    });
  }

  /** Records in windows, each sorted by token length into batches; results in the order given. */
  private async scoreAll<T>(records: string[], scoreBatch: (batch: Tokenized[]) => Promise<T[]>): Promise<T[]> {
    const out = new Array<T>(records.length);
    const window = this.batchSize * this.windowBatches;
    for (let start = 0; start < records.length; start += window) {
      const tokenized = records.slice(start, start + window).map((r) => this.tokenize(r));
      const order = tokenized.map((_, i) => i).sort((a, b) => tokenCount(tokenized[a]) - tokenCount(tokenized[b]));
      for (let b = 0; b < order.length; b += this.batchSize) {
        const rows = order.slice(b, b + this.batchSize);
        const scored = await scoreBatch(rows.map((i) => tokenized[i]));
        rows.forEach((i, k) => (out[start + i] = scored[k]));
      }
    }
    return out;
  }

  /** Both sequences' token ids, cut to max_length: from the cache when the record came before. */
  private tokenize(record: string): Tokenized {
    const hit = this.cache.get(record);
    if (hit) {
      this.cache.delete(record); // re-insert: Map order is the least-recently-used order
      this.cache.set(record, hit);
      return hit;
    }
    let [idsCorrect, idsWrong] = encodePair(this.tokenizer, record);
    const max = this.manifest.max_length;
    const truncated = idsCorrect.length > max || idsWrong.length > max;
    if (truncated) {
      const { fitted } = fitRecord(this.tokenizer, record, max);
      [idsCorrect, idsWrong] = encodePair(this.tokenizer, fitted);
    }
    const tokenized = { idsCorrect, idsWrong, truncated };
    this.cache.set(record, tokenized);
    if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
    return tokenized;
  }

  private async scoreBatch(batch: Tokenized[]): Promise<ScoredRecord[]> {
    const n = batch.length;
    let rewardAt: (i: number) => [number, number];
    if (this.runner.mode === 'dual') {
      const { inputIds, lengths, rows, cols } = padPacked(batch.map((t) => pack(t.idsCorrect, t.idsWrong)), this.manifest.pad_token_id);
      const rewards = await this.runner.run(inputIds, lengths, rows, cols);
      rewardAt = (i) => [rewards[2 * i], rewards[2 * i + 1]];
    } else {
      const sequences = [...batch.map((t) => t.idsCorrect), ...batch.map((t) => t.idsWrong)];
      const { inputIds, attentionMask, rows, cols } = padRight(sequences, this.manifest.pad_token_id);
      const rewards = await this.runner.run(inputIds, attentionMask, rows, cols);
      rewardAt = (i) => [rewards[i], rewards[n + i]];
    }
    return this.verdicts(batch, rewardAt);
  }

  private verdicts(batch: Tokenized[], rewardAt: (i: number) => [number, number]): ScoredRecord[] {
    return batch.map((t, i) => {
      const [rewardCorrect, rewardWrong] = rewardAt(i);
      const p = pCorrect(rewardCorrect, rewardWrong);
      return { rewardCorrect, rewardWrong, pCorrect: p, verdict: verdictOf(p, this.manifest.threshold), truncated: t.truncated };
    });
  }
}

/** Why a scorer of this model in this mode has no features (its runner does not read them). */
function featuresUnavailable(manifest: Manifest, mode: ScoringMode): string {
  if (!manifest.onnx.dual?.features) return t('features.not_exported');
  if (mode === 'two-pass') return t('features.two_pass');
  return t('features.not_read');
}

/** What a record costs to score: its longer sequence (bucketing key). */
function tokenCount(t: Tokenized): number {
  return Math.max(t.idsCorrect.length, t.idsWrong.length);
}
