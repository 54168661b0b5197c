/**
 * Numbers over a results store, computed from its typed arrays in one pass each:
 * the P(correct) histogram, and, when the file carries labels, the confusion matrix and
 * the precision-recall curve of flagging rows as wrong (the class an audit looks for).
 */
import type { ScoredResults } from './results.svelte';

export function histogram(results: ScoredResults, bins = 50): number[] {
  const counts = new Array<number>(bins).fill(0);
  const p = results.scores();
  for (let i = 0; i < p.length; i++) counts[Math.min(bins - 1, Math.floor(p[i] * bins))]++;
  return counts;
}

export interface Confusion {
  /** label wrong, judged wrong */
  tp: number;
  /** label correct, judged wrong */
  fp: number;
  /** label wrong, judged correct */
  fn: number;
  /** label correct, judged correct */
  tn: number;
  accuracy: number;
}

export function confusion(results: ScoredResults, threshold = results.threshold): Confusion {
  const c = { tp: 0, fp: 0, fn: 0, tn: 0, accuracy: NaN };
  const p = results.scores();
  for (let i = 0; i < p.length; i++) {
    const label = results.label(i);
    if (!label) continue;
    const judgedWrong = p[i] < threshold;
    if (label === 'wrong') judgedWrong ? c.tp++ : c.fn++;
    else judgedWrong ? c.fp++ : c.tn++;
  }
  const n = c.tp + c.fp + c.fn + c.tn;
  c.accuracy = n ? (c.tp + c.tn) / n : NaN;
  return c;
}

export interface PrPoint {
  threshold: number;
  precision: number;
  recall: number;
  f1: number;
}

/** Precision/recall of "p < threshold means wrong" at `steps` thresholds in (0, 1]. */
export function prCurve(results: ScoredResults, steps = 200): PrPoint[] {
  // Counts per bin of p for each label, then cumulative sums: O(n + steps).
  const wrong = new Array<number>(steps).fill(0);
  const correct = new Array<number>(steps).fill(0);
  const p = results.scores();
  let positives = 0;
  for (let i = 0; i < p.length; i++) {
    const label = results.label(i);
    if (!label) continue;
    const bin = Math.min(steps - 1, Math.floor(p[i] * steps));
    if (label === 'wrong') {
      wrong[bin]++;
      positives++;
    } else correct[bin]++;
  }
  const out: PrPoint[] = [];
  let tp = 0;
  let fp = 0;
  for (let b = 0; b < steps; b++) {
    tp += wrong[b];
    fp += correct[b];
    const precision = tp + fp ? tp / (tp + fp) : 1;
    const recall = positives ? tp / positives : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    out.push({ threshold: (b + 1) / steps, precision, recall, f1 });
  }
  return out;
}

export function bestF1(curve: PrPoint[]): PrPoint | null {
  return curve.reduce<PrPoint | null>((best, pt) => (!best || pt.f1 > best.f1 ? pt : best), null);
}

export interface PrRange {
  recall: [number, number];
  precision: [number, number];
}

/**
 * The PR chart's axes, fitted to the curve. On fixed [0, 1] axes a good model's curve is a
 * line along the top edge squashed into the corner at recall 1: most wrong rows sit in the
 * lowest bins, so the first point already has recall 0.9 and precision stays near 1 up to
 * there. Fitted axes (the points that flag something, with 5 % of their span as margin,
 * at least 0.02 wide) spread that corner over the whole chart and keep the quantities a
 * user reads (precision, recall) on plain linear axes, where a click still maps straight
 * to a threshold; a log-odds or "1 - precision" scale would spread it too, but needs its
 * axis explained. The tick labels show that the axes do not start at 0.
 */
export function prRange(curve: PrPoint[]): PrRange {
  const shown = curve.filter((p) => p.recall > 0);
  const fit = (values: number[]): [number, number] => {
    if (values.length === 0) return [0, 1];
    const lo = Math.min(...values);
    const hi = Math.max(...values);
    const margin = Math.max(0.05 * (hi - lo), 0.01);
    const from = Math.max(0, lo - margin);
    const to = Math.min(1, hi + margin);
    // At least 0.02 wide, kept inside [0, 1].
    return to - from >= 0.02 ? [from, to] : from === 0 ? [0, 0.02] : [Math.max(0, to - 0.02), to];
  };
  return { recall: fit(shown.map((p) => p.recall)), precision: fit(shown.map((p) => p.precision)) };
}
