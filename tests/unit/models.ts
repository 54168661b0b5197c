/** Every model folder the TS tests check: the committed ones, and any the Python suite just exported. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOTS = [resolve(import.meta.dirname, '../../public/models'), resolve(import.meta.dirname, '../.artifacts/models')];

export function modelDirs(): string[] {
  return ROOTS.filter(existsSync).flatMap((root) =>
    readdirSync(root, { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(root, d.name, 'manifest.json')))
      .map((d) => join(root, d.name)),
  );
}

export interface Outcome {
  reward_correct: number;
  reward_wrong: number;
  p_correct: number;
}

export interface ParityCase {
  record: string;
  fitted: string;
  truncated: boolean;
  text_correct: string;
  text_wrong: string;
  ids_correct: number[];
  ids_wrong: number[];
  pytorch: Outcome;
  onnx_fp32: Outcome;
  onnx_int8: Outcome;
}

export interface Parity {
  max_length: number;
  pad_token_id: number;
  threshold: number;
  cases: ParityCase[];
}

export function readParity(dir: string): Parity {
  return JSON.parse(readFileSync(join(dir, 'parity.json'), 'utf8'));
}

/** One record's features as parity.json keeps them: per label word (正确, 错误), the first values and the L2 norm. */
export interface FeaturesSummary {
  head: [number[], number[]];
  norm: [number, number];
}

export interface DualParityCase extends ParityCase {
  dual: {
    ids: number[];
    lengths: [number, number, number];
    onnx_fp32: Outcome;
    onnx_int8: Outcome;
    /** Exports since the dual graph returns its features (issue 43). */
    features?: { pytorch: FeaturesSummary; onnx_fp32: FeaturesSummary; onnx_int8: FeaturesSummary };
  };
}

export interface DualParity extends Parity {
  features?: { size: number; head: number };
  cases: DualParityCase[];
}

export function readManifestJson(dir: string) {
  return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
}
