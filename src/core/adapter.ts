/**
 * An adapter trained on a user's own corrections (issue 43): a small regularised head on
 * the frozen model's features, trained in the page in well under a second.
 *
 * The base model reads the hidden state at the label position twice, once after 正确 and
 * once after 错误, and its linear score head turns each into a reward; P(correct) is the
 * softmax of the two rewards. The adapter keeps that reading and corrects it: a logistic
 * regression on
 *
 *   x = [ margin, standardised (h_正确 − h_错误) ]      margin = reward(正确) − reward(错误)
 *
 * with the margin's weight left unpenalised and every feature weight under an L2 penalty,
 * so with few corrections it stays close to the base model (a pure recalibration of the
 * margin) and only a pattern the corrections show consistently moves it. The penalty is
 * chosen by k-fold cross-validation, and the same folds report before/after on the user's
 * own labelled rows: the base model's verdicts against the adapter's out-of-fold verdicts.
 *
 * Deterministic: folds come from a seeded generator, training is full-batch gradient
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
  format: 1;
  /** The hidden size the adapter reads (features are 2 × size). */
  size: number;
  /** Standardisation of h_正确 − h_错误, per dimension. */
  mean: number[];
  scale: number[];
  weights: number[];
  marginWeight: number;
  bias: number;
  /** The adapted P(correct) below which a record is called wrong. */
  threshold: number;
  /** The L2 penalty cross-validation chose. */
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
  lambdas?: number[];
  steps?: number;
}

export const MIN_PER_KIND = 5;
const LAMBDAS = [0.01, 0.1, 1, 10];
const STEPS = 300;

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

interface Fit {
  mean: Float64Array;
  scale: Float64Array;
  w: Float64Array;
  a: number;
  b: number;
}

/** Logistic regression on [margin, standardised d]; L2 on w only. */
function fit(xs: Float64Array[], margins: number[], ys: boolean[], lambda: number, steps: number): Fit {
  const n = xs.length;
  const size = xs[0].length;
  const mean = new Float64Array(size);
  const scale = new Float64Array(size);
  for (const x of xs) for (let j = 0; j < size; j++) mean[j] += x[j] / n;
  for (const x of xs) for (let j = 0; j < size; j++) scale[j] += (x[j] - mean[j]) ** 2 / n;
  for (let j = 0; j < size; j++) scale[j] = Math.sqrt(scale[j]) || 1;
  const zs = xs.map((x) => x.map((v, j) => (v - mean[j]) / scale[j]));
  // Classes weighted to balance: a user's corrections are mostly of one kind.
  const positives = ys.filter(Boolean).length;
  const weightOf = (y: boolean) => n / (2 * (y ? positives : n - positives));
  const w = new Float64Array(size);
  let a = 1; // start at the base model: P = sigmoid(margin)
  let b = 0;
  // Gradient descent with a step fitted to the problem's curvature bound (logistic loss: 1/4).
  const rate = 1 / (0.25 * (size + 1) + lambda);
  const marginScale = Math.max(1, Math.sqrt(margins.reduce((s, m) => s + m * m, 0) / n));
  for (let step = 0; step < steps; step++) {
    const gw = new Float64Array(size);
    let ga = 0;
    let gb = 0;
    for (let i = 0; i < n; i++) {
      const z = zs[i];
      let s = a * margins[i] + b;
      for (let j = 0; j < size; j++) s += w[j] * z[j];
      const g = weightOf(ys[i]) * (sigmoid(s) - (ys[i] ? 1 : 0));
      for (let j = 0; j < size; j++) gw[j] += g * z[j];
      ga += g * margins[i];
      gb += g;
    }
    for (let j = 0; j < size; j++) w[j] -= rate * (gw[j] / n + lambda * w[j] / n);
    a -= (rate / (marginScale * marginScale)) * (ga / n);
    b -= rate * (gb / n);
  }
  return { mean, scale, w, a, b };
}

/** The head's P(correct): a fit while training, a kept adapter's fields when scoring (adaptedP). */
function predict(f: { mean: ArrayLike<number>; scale: ArrayLike<number>; w: ArrayLike<number>; a: number; b: number }, x: Float64Array, margin: number): number {
  let s = f.a * margin + f.b;
  for (let j = 0; j < x.length; j++) s += f.w[j] * ((x[j] - f.mean[j]) / f.scale[j]);
  return sigmoid(s);
}

/** The threshold that best balances the two kinds of mistake on these scores. */
function balancedThreshold(ps: number[], ys: boolean[]): number {
  const candidates = [...new Set(ps)].sort((x, y) => x - y);
  const pos = ys.filter(Boolean).length;
  const neg = ys.length - pos;
  let best = 0.5;
  let bestScore = -1;
  for (let k = 0; k <= candidates.length; k++) {
    // Between neighbours, so a tie at a score falls the same way in and out of sample.
    const t = k === 0 ? candidates[0] / 2 : k === candidates.length ? (candidates[k - 1] + 1) / 2 : (candidates[k - 1] + candidates[k]) / 2;
    let tp = 0;
    let tn = 0;
    ps.forEach((p, i) => {
      if (ys[i] && p >= t) tp++;
      if (!ys[i] && p < t) tn++;
    });
    const score = tp / pos + tn / neg;
    if (score > bestScore + 1e-12) [best, bestScore] = [t, score];
  }
  return best;
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
 * changes. Refuses (AdapterError) with too few corrections of either kind.
 */
export function trainAdapter(examples: Example[], size: number, options: TrainOptions): AdapterReport {
  const minPerKind = options.minPerKind ?? MIN_PER_KIND;
  const correct = examples.filter((e) => e.correct).length;
  const wrong = examples.length - correct;
  if (correct < minPerKind || wrong < minPerKind) {
    throw new AdapterError(t('adapter.too_few', { correct, wrong, min: minPerKind }));
  }
  const k = Math.min(options.folds ?? 5, correct, wrong);
  const steps = options.steps ?? STEPS;
  const xs = examples.map((e) => difference(e.features, size));
  const margins = examples.map((e) => e.margin);
  const ys = examples.map((e) => e.correct);
  const fold = foldsOf(ys, k, random(options.seed ?? 1));

  // Out-of-fold adapted P(correct) for each penalty; the penalty with the best balanced accuracy wins.
  const baseCut = logit(options.baseThreshold);
  const base = margins.map((m) => m >= baseCut);
  let chosen = { lambda: NaN, called: [] as boolean[], score: -1 };
  for (const lambda of options.lambdas ?? LAMBDAS) {
    const called = new Array<boolean>(examples.length);
    for (let f = 0; f < k; f++) {
      const train = examples.map((_, i) => i).filter((i) => fold[i] !== f);
      const model = fit(train.map((i) => xs[i]), train.map((i) => margins[i]), train.map((i) => ys[i]), lambda, steps);
      const cut = balancedThreshold(train.map((i) => predict(model, xs[i], margins[i])), train.map((i) => ys[i]));
      examples.forEach((_, i) => {
        if (fold[i] === f) called[i] = predict(model, xs[i], margins[i]) >= cut;
      });
    }
    const v = verdicts(called, ys);
    const score = (1 - v.falseAlarms) + v.recall;
    if (score > chosen.score + 1e-12) chosen = { lambda, called, score };
  }

  const model = fit(xs, margins, ys, chosen.lambda, steps);
  const threshold = balancedThreshold(xs.map((x, i) => predict(model, x, margins[i])), ys);
  const classes = [...new Set(examples.map((e) => e.errorClass).filter((c): c is string => !!c))].sort();
  return {
    adapter: {
      format: 1,
      size,
      mean: [...model.mean],
      scale: [...model.scale],
      weights: [...model.w],
      marginWeight: model.a,
      bias: model.b,
      threshold,
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

/** The adapted P(correct) of one record. */
export function adaptedP(adapter: Adapter, features: Float32Array, margin: number): number {
  const head = { mean: adapter.mean, scale: adapter.scale, w: adapter.weights, a: adapter.marginWeight, b: adapter.bias };
  return predict(head, difference(features, adapter.size), margin);
}
