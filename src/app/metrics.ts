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
