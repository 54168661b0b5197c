/**
 * An adapter trained on a user's own corrections (issue 43): a small regularised head on
 * the frozen model's features, trained in the page in seconds.
 *
 * The base model reads the hidden state at the label position twice, once after 正确 and
 * once after 错误, and its linear score head turns each into a reward; P(correct) is the
 * softmax of the two rewards, sigmoid(margin). The adapter adds a local correction to that
 * margin, a kernel logistic regression on the corrected records:
 *
 *   P = sigmoid( margin + Σ_k α_k · exp(−γ · ‖z − z_k‖²) )     z = standardised (h_正确 − h_错误)
 *
 * with one term per corrected record k. Why local, and not a linear head over every
 * feature (the first design): corrections come from the records a user happened to
 * review, often one writing style. A linear head fitted to them moves every record, and
 * on the test model, thirty corrections of one new layout taught it that layout and
 * made it flag three in four correct records of the others (demo sample: 64 % accepted
 * before, 15 % after). Here a record unlike every correction keeps its base margin, so its
 * verdict is the base model's (64 % → 63 %); near the corrections the terms decide.
 * For the same reason there is no global bias or threshold shift: the threshold is the
 * base model's, and what the corrections recalibrate, they recalibrate locally.
 *
 * γ (as a multiple of 1/median squared distance) and the L2 penalty on α are chosen by
 * k-fold cross-validation, and the same folds report before/after on the user's own
 * labelled rows: the base model's verdicts against the adapter's out-of-fold verdicts.
 *
 * Deterministic: folds come from a seeded generator, training is accelerated gradient
 * descent from zero for a fixed number of steps.
 */

import { t } from '../i18n';

export interface Example {
  /** The graph's features for one record: h_正确 then h_错误, each of `size` values. */
  features: Float32Array;
  /** reward(正确) − reward(错误) from the base model (P(correct) = sigmoid(margin)). */
  margin: number;
  /** The user's decision (or the table's label): is the record correct? */
  correct: boolean;
  /** The kind of error, where the table says (reported per class). */
  errorClass?: string | null;
}

export interface Adapter {
  format: 2;
  /** The hidden size the adapter reads (features are 2 × size). */
  size: number;
  /** Standardisation of h_正确 − h_错误, per dimension. */
  mean: number[];
  scale: number[];
  /** The corrected records' standardised h_正确 − h_错误, one row each, and their weights. */
  centers: number[][];
  alphas: number[];
  /** exp(−gamma · squared distance): how far a correction reaches. */
  gamma: number;
  /** The base model's threshold on P(correct): the adapter moves margins, not the cut. */
  threshold: number;
  /** The L2 penalty on the alphas cross-validation chose. */
  lambda: number;
  trainedOn: { correct: number; wrong: number };
}

export interface Verdicts {
  n: number;
  accuracy: number;
  /** Correct records called wrong, as a share of the correct records. */
  falseAlarms: number;
  /** Wrong records called wrong, as a share of the wrong records. */
  recall: number;
}

export interface AdapterReport {
  adapter: Adapter;
  /** Out-of-fold, on the examples themselves: the base model at its threshold, and the adapter. */
  before: Verdicts;
  after: Verdicts;
  /** Share of each error class's records called wrong, before and after (classes the examples name). */
  perClass: { errorClass: string; n: number; before: number; after: number }[];
  folds: number;
}

export class AdapterError extends Error {
  override name = 'AdapterError';
}

export interface TrainOptions {
  /** The base model's threshold on P(correct). */
  baseThreshold: number;
  /** Fewest corrections of each kind to train at all. */
  minPerKind?: number;
  folds?: number;
  seed?: number;
  /** Candidate L2 penalties on the alphas, most conservative first (ties keep the earlier). */
  lambdas?: number[];
  /** Candidate reaches: γ as a multiple of 1 / (median squared distance between examples), most local first. */
  reaches?: number[];
  steps?: number;
}

export const MIN_PER_KIND = 5;
/** Most examples an adapter learns from: the cost of training grows with their square. */
export const MAX_EXAMPLES = 400;
const LAMBDAS = [1, 0.1, 0.01];
const REACHES = [4, 1];
const STEPS = 300;
/** Training stops early once no alpha moves by more than this in a step. */
const CONVERGED = 1e-4;

const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));
const logit = (p: number) => Math.log(p / (1 - p));

/** mulberry32: a small seeded generator, so folds (and so the whole report) repeat exactly. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function difference(features: Float32Array, size: number): Float64Array {
  if (features.length !== 2 * size) throw new AdapterError(t('adapter.size', { n: features.length, size }));
  const d = new Float64Array(size);
  for (let j = 0; j < size; j++) d[j] = features[j] - features[size + j];
  return d;
}

function squaredDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += (a[j] - b[j]) ** 2;
  return s;
}

/**
 * Fit the alphas of the examples `train` (indices into the kernel matrix k) by weighted,
 * L2-penalised logistic loss with the base margins as offsets. Nesterov-accelerated
 * gradient descent from zero, its step from a bound on the loss's curvature.
 */
function fit(k: number[][], train: number[], margins: number[], ys: boolean[], lambda: number, steps: number): Float64Array {
  const n = train.length;
  // The training rows' kernel, contiguous: the loops below run `steps` times over it.
  const kt = new Float64Array(n * n);
  train.forEach((i, r) => train.forEach((j, c) => (kt[r * n + c] = k[i][j])));
  const m = Float64Array.from(train, (i) => margins[i]);
  const y = train.map((i) => ys[i]);
  const positives = y.filter(Boolean).length;
  // Classes weighted to balance: a user's corrections are mostly of one kind.
  const weight = y.map((v) => n / (2 * (v ? positives : n - positives)));
  const maxWeight = Math.max(...weight);
  // ‖K‖₂ ≤ its largest row sum (K ≥ 0, symmetric); the logistic loss's curvature is ≤ 1/4.
  let rowSum = 0;
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (let c = 0; c < n; c++) s += kt[r * n + c];
    rowSum = Math.max(rowSum, s);
  }
  const rate = 1 / ((0.25 * maxWeight * rowSum * rowSum) / n + lambda);
  let alpha = new Float64Array(n);
  let previous = new Float64Array(n);
  const look = new Float64Array(n);
  const e = new Float64Array(n);
  for (let step = 1; step <= steps; step++) {
    const momentum = (step - 1) / (step + 2);
    for (let c = 0; c < n; c++) look[c] = alpha[c] + momentum * (alpha[c] - previous[c]);
    for (let r = 0; r < n; r++) {
      let s = m[r];
      for (let c = 0, o = r * n; c < n; c++) s += look[c] * kt[o + c];
      e[r] = weight[r] * (sigmoid(s) - (y[r] ? 1 : 0));
    }
    const next = previous; // reuse: previous is not needed past this step
    let moved = 0;
    for (let c = 0; c < n; c++) {
      let g = 0; // K is symmetric: column c of K·e is row c
      for (let r = 0, o = c * n; r < n; r++) g += kt[o + r] * e[r];
      next[c] = look[c] - rate * (g / n + lambda * look[c]);
      moved = Math.max(moved, Math.abs(next[c] - alpha[c]));
    }
    previous = alpha;
    alpha = next;
    if (moved < CONVERGED) break; // the same inputs stop at the same step: still deterministic
  }
  return alpha;
}

/** The adapted P(correct) of a standardised difference z, from centers and their alphas. */
function predict(z: ArrayLike<number>, margin: number, centers: ArrayLike<number>[], alphas: ArrayLike<number>, gamma: number): number {
  let s = margin;
  for (let c = 0; c < centers.length; c++) s += alphas[c] * Math.exp(-gamma * squaredDistance(z, centers[c]));
  return sigmoid(s);
}

function verdicts(calledCorrect: boolean[], ys: boolean[]): Verdicts {
  const n = ys.length;
  const correct = ys.filter(Boolean).length;
  let agree = 0;
  let falseAlarms = 0;
  let caught = 0;
  ys.forEach((y, i) => {
    if (calledCorrect[i] === y) agree++;
    if (y && !calledCorrect[i]) falseAlarms++;
    if (!y && !calledCorrect[i]) caught++;
  });
  return { n, accuracy: agree / n, falseAlarms: correct ? falseAlarms / correct : 0, recall: n - correct ? caught / (n - correct) : 0 };
}

/** Stratified folds: each holds its share of both kinds. */
function foldsOf(ys: boolean[], k: number, next: () => number): number[] {
  const fold = new Array<number>(ys.length);
  for (const kind of [true, false]) {
    const members = ys.map((y, i) => [y, i] as const).filter(([y]) => y === kind).map(([, i]) => i);
    for (let i = members.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [members[i], members[j]] = [members[j], members[i]];
    }
    members.forEach((m, r) => (fold[m] = r % k));
  }
  return fold;
}

/**
 * Train an adapter on the examples and report, by cross-validation on them, what it
 * changes. Refuses (AdapterError) with too few corrections of either kind, or more than
 * MAX_EXAMPLES.
 */
export function trainAdapter(examples: Example[], size: number, options: TrainOptions): AdapterReport {
  const minPerKind = options.minPerKind ?? MIN_PER_KIND;
  const correct = examples.filter((e) => e.correct).length;
  const wrong = examples.length - correct;
  if (correct < minPerKind || wrong < minPerKind) {
    throw new AdapterError(t('adapter.too_few', { correct, wrong, min: minPerKind }));
  }
  if (examples.length > MAX_EXAMPLES) throw new AdapterError(t('adapter.too_many', { n: examples.length, max: MAX_EXAMPLES }));
  const k = Math.min(options.folds ?? 5, correct, wrong);
  const steps = options.steps ?? STEPS;
  const ds = examples.map((e) => difference(e.features, size));
  const margins = examples.map((e) => e.margin);
  const ys = examples.map((e) => e.correct);
  const fold = foldsOf(ys, k, random(options.seed ?? 1));

  // Standardised once on all examples: unsupervised, so no label leaks across folds.
  const n = examples.length;
  const mean = new Float64Array(size);
  const scale = new Float64Array(size);
  for (const d of ds) for (let j = 0; j < size; j++) mean[j] += d[j] / n;
  for (const d of ds) for (let j = 0; j < size; j++) scale[j] += (d[j] - mean[j]) ** 2 / n;
  for (let j = 0; j < size; j++) scale[j] = Math.sqrt(scale[j]) || 1;
  const zs = ds.map((d) => d.map((v, j) => (v - mean[j]) / scale[j]));
  const distances = zs.map((a) => zs.map((b) => squaredDistance(a, b)));
  const between = distances.flatMap((row, i) => row.slice(i + 1)).sort((x, y) => x - y);
  const median = between[between.length >> 1] || 1;

  // Out-of-fold verdicts for each reach and penalty; the best balanced accuracy wins, ties the more conservative.
  const cut = logit(options.baseThreshold);
  const base = margins.map((m) => m >= cut);
  let chosen = { gamma: NaN, lambda: NaN, kernel: [] as number[][], called: [] as boolean[], score: -1 };
  for (const reach of options.reaches ?? REACHES) {
    const gamma = reach / median;
    const kernel = distances.map((row) => row.map((d2) => Math.exp(-gamma * d2)));
    for (const lambda of options.lambdas ?? LAMBDAS) {
      const called = new Array<boolean>(n);
      for (let f = 0; f < k; f++) {
        const train = ys.map((_, i) => i).filter((i) => fold[i] !== f);
        const alphas = fit(kernel, train, margins, ys, lambda, steps);
        ys.forEach((_, i) => {
          if (fold[i] !== f) return;
          let s = margins[i];
          train.forEach((j, c) => (s += alphas[c] * kernel[i][j]));
          called[i] = s >= cut;
        });
      }
      const v = verdicts(called, ys);
      const score = 1 - v.falseAlarms + v.recall;
      if (score > chosen.score + 1e-12) chosen = { gamma, lambda, kernel, called, score };
    }
  }

  const alphas = fit(chosen.kernel, ys.map((_, i) => i), margins, ys, chosen.lambda, steps);
  const classes = [...new Set(examples.map((e) => e.errorClass).filter((c): c is string => !!c))].sort();
  return {
    adapter: {
      format: 2,
      size,
      mean: [...mean],
      scale: [...scale],
      // Seven significant digits (float32's): the file is half the size, P moves by ~1e-7.
      centers: zs.map((z) => Array.from(z, (v) => Number(v.toPrecision(7)))),
      alphas: [...alphas],
      gamma: chosen.gamma,
      threshold: options.baseThreshold,
      lambda: chosen.lambda,
      trainedOn: { correct, wrong },
    },
    before: verdicts(base, ys),
    after: verdicts(chosen.called, ys),
    perClass: classes.map((errorClass) => {
      const members = examples.map((e, i) => [e, i] as const).filter(([e]) => e.errorClass === errorClass).map(([, i]) => i);
      const share = (called: boolean[]) => members.filter((i) => !called[i]).length / members.length;
      return { errorClass, n: members.length, before: share(base), after: share(chosen.called) };
    }),
    folds: k,
  };
}

/**
 * Refuse weights whose features an adapter cannot trust: q4's differ from the model's by
 * 39 % of a vector's length on the test model (fp16's by 0.8 %, int8's by 0.5 %), so an
 * adapter trained on one session's features would read other numbers in another's.
 */
export function checkAdapterWeights(weights: { file: string; precision: string }): void {
  if (weights.precision === 'q4') throw new AdapterError(t('adapter.q4', { file: weights.file }));
}

/** The adapted P(correct) of one record. */
export function adaptedP(adapter: Adapter, features: Float32Array, margin: number): number {
  const d = difference(features, adapter.size);
  const z = d.map((v, j) => (v - adapter.mean[j]) / adapter.scale[j]);
  return predict(z, margin, adapter.centers, adapter.alphas, adapter.gamma);
}
