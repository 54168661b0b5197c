/**
 * npm run evaluate -- [--data data/twin-default/records/test.jsonl] [--model DIR] [--out eval.json] [--check]
 * npm run evaluate -- --realworld ../shared/realworld [--model DIR] [--out realworld.json]
 *
 * Scores a held-out split (records with label and error_class, as build-dataset writes
 * them under records/) with the model's quantized and fp32 ONNX files, through the same
 * scoring core as the app, and with the rule baseline (baseline.ts); prints accuracy,
 * precision/recall for "wrong", and accuracy per error class side by side, and per
 * writing style (false alarms and catches) when the records carry their styles. --check
 * exits non-zero unless the model reaches the targets: >= 99 % accuracy, at least the
 * baseline's accuracy on every class, and int8 decisions equal to fp32 on >= 99.9 %.
 * --realworld scores records people wrote instead (realworld.ts).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { baseline } from './baseline';
import { readJsonl } from './jsonl';
import { defaultModelDir, nodeScorer } from './node-scorer';
import { evaluateRealworld, realworldTable } from './realworld';

export interface LabelledRow {
  text: string;
  label: 'correct' | 'wrong';
  error_class?: string | null;
  /** The writing styles a generated record shows (training/twinscore/records/layout.py STYLES). */
  styles?: string[];
}

export interface Counts {
  n: number;
  accuracy: number;
  precision_wrong: number | null;
  recall_wrong: number | null;
}

export interface Evaluation {
  data: string;
  model: string;
  n: number;
  threshold: number;
  model_int8: Counts;
  model_fp32: Counts;
  baseline: Counts;
  int8_fp32_agreement: number;
  per_class: Record<string, { n: number; model: number; baseline: number }>;
  /** Per writing style: false alarms among its correct records, catches among its wrong ones (int8). */
  per_style: Record<string, { correct: number; false_alarms: number; baseline_false_alarms: number; wrong: number; caught: number }>;
  targets: { accuracy: boolean; every_class_vs_baseline: boolean; int8_agreement: boolean };
}

export function counts(truthCorrect: boolean[], saidCorrect: boolean[]): Counts {
  let tp = 0, fp = 0, fn = 0, ok = 0; // "positive" = wrong, the class an audit looks for
  truthCorrect.forEach((t, i) => {
    const s = saidCorrect[i];
    if (t === s) ok++;
    if (!s && !t) tp++;
    if (!s && t) fp++;
    if (s && !t) fn++;
  });
  const n = truthCorrect.length;
  return { n, accuracy: n ? ok / n : 0, precision_wrong: tp + fp ? tp / (tp + fp) : null, recall_wrong: tp + fn ? tp / (tp + fn) : null };
}

export function readLabelled(path: string): LabelledRow[] {
  return readJsonl(path, (row, where) => {
    if (typeof row.text !== 'string' || (row.label !== 'correct' && row.label !== 'wrong')) {
      throw new Error(`${where}: needs "text" and "label" (correct or wrong)`);
    }
    return row as unknown as LabelledRow;
  });
}

export async function evaluate(data: string, modelDir: string, limit = Infinity): Promise<Evaluation> {
  const rows = readLabelled(data).slice(0, limit);
  const texts = rows.map((r) => r.text);
  const truth = rows.map((r) => r.label === 'correct');
  const int8 = await (await nodeScorer(modelDir, 'quantized')).score(texts);
  const fp32 = await (await nodeScorer(modelDir, 'fp32')).score(texts);
  const saidInt8 = int8.map((s) => s.verdict === 'correct');
  const saidFp32 = fp32.map((s) => s.verdict === 'correct');
  const saidRules = texts.map((t) => baseline(t).correct);
  const perClass: Evaluation['per_class'] = {};
  rows.forEach((r, i) => {
    const c = (perClass[r.error_class ?? 'correct'] ??= { n: 0, model: 0, baseline: 0 });
    c.n++;
    c.model += Number(saidInt8[i] === truth[i]);
    c.baseline += Number(saidRules[i] === truth[i]);
  });
  for (const c of Object.values(perClass)) {
    c.model /= c.n;
    c.baseline /= c.n;
  }
  const perStyle: Evaluation['per_style'] = {};
  rows.forEach((r, i) => {
    for (const style of r.styles ?? []) {
      const s = (perStyle[style] ??= { correct: 0, false_alarms: 0, baseline_false_alarms: 0, wrong: 0, caught: 0 });
      if (truth[i]) {
        s.correct++;
        s.false_alarms += Number(!saidInt8[i]);
        s.baseline_false_alarms += Number(!saidRules[i]);
      } else {
        s.wrong++;
        s.caught += Number(!saidInt8[i]);
      }
    }
  });
  const modelInt8 = counts(truth, saidInt8);
  const agreement = saidInt8.filter((s, i) => s === saidFp32[i]).length / rows.length;
  const manifest = JSON.parse(await readFile(`${modelDir}/manifest.json`, 'utf8'));
  return {
    data,
    model: manifest.name,
    n: rows.length,
    threshold: manifest.threshold,
    model_int8: modelInt8,
    model_fp32: counts(truth, saidFp32),
    baseline: counts(truth, saidRules),
    int8_fp32_agreement: agreement,
    per_class: perClass,
    per_style: perStyle,
    targets: {
      accuracy: modelInt8.accuracy >= 0.99,
      every_class_vs_baseline: Object.values(perClass).every((c) => c.model >= c.baseline),
      int8_agreement: agreement >= 0.999,
    },
  };
}

const pct = (x: number | null) => (x === null ? '   –  ' : `${(100 * x).toFixed(2).padStart(6)}%`);

export function table(e: Evaluation): string {
  const lines = [
    `model ${e.model} on ${e.data} (${e.n} records, threshold ${e.threshold})`,
    '',
    '                     accuracy  precision(wrong)  recall(wrong)',
    `model (int8)          ${pct(e.model_int8.accuracy)}      ${pct(e.model_int8.precision_wrong)}        ${pct(e.model_int8.recall_wrong)}`,
    `model (fp32)          ${pct(e.model_fp32.accuracy)}      ${pct(e.model_fp32.precision_wrong)}        ${pct(e.model_fp32.recall_wrong)}`,
    `rule baseline         ${pct(e.baseline.accuracy)}      ${pct(e.baseline.precision_wrong)}        ${pct(e.baseline.recall_wrong)}`,
    `int8/fp32 decisions agree on ${pct(e.int8_fp32_agreement)}`,
    '',
    'class                        n    model   baseline',
    ...Object.entries(e.per_class)
      .sort(([a], [b]) => (a === 'correct' ? -1 : b === 'correct' ? 1 : a.localeCompare(b)))
      .map(([k, c]) => `${k.padEnd(26)} ${String(c.n).padStart(5)}  ${pct(c.model)}  ${pct(c.baseline)}${c.model < c.baseline ? '  < baseline' : ''}`),
    ...(Object.keys(e.per_style).length
      ? [
          '',
          'style                    correct  false alarms (baseline)   wrong  caught',
          ...Object.entries(e.per_style)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([k, s]) => `${k.padEnd(22)} ${String(s.correct).padStart(7)}  ${pct(s.correct ? s.false_alarms / s.correct : 0)} (${pct(s.correct ? s.baseline_false_alarms / s.correct : 0)})  ${String(s.wrong).padStart(6)}  ${pct(s.wrong ? s.caught / s.wrong : 0)}`),
        ]
      : []),
    '',
    `targets: accuracy >= 99% ${e.targets.accuracy ? 'met' : 'MISSED'}; every class >= baseline ${e.targets.every_class_vs_baseline ? 'met' : 'MISSED'}; int8 agreement >= 99.9% ${e.targets.int8_agreement ? 'met' : 'MISSED'}`,
  ];
  return lines.join('\n');
}

async function main() {
  const { values } = parseArgs({
    options: {
      data: { type: 'string', default: 'data/twin-default/records/test.jsonl' },
      realworld: { type: 'string' },
      model: { type: 'string' },
      out: { type: 'string' },
      limit: { type: 'string' },
      check: { type: 'boolean', default: false },
    },
  });
  const modelDir = values.model ?? (await defaultModelDir());
  if (values.realworld) {
    const real = await evaluateRealworld(values.realworld, await nodeScorer(modelDir, 'quantized'));
    console.log(realworldTable(real));
    if (values.out) await writeFile(values.out, JSON.stringify(real, null, 2) + '\n');
    return;
  }
  const result = await evaluate(values.data!, modelDir, values.limit ? Number(values.limit) : Infinity);
  console.log(table(result));
  if (values.out) await writeFile(values.out, JSON.stringify(result, null, 2) + '\n');
  if (values.check && !Object.values(result.targets).every(Boolean)) process.exitCode = 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e) => {
    console.error(`evaluate: ${(e as Error).message}`);
    process.exitCode = 1;
  });
}
