/**
 * npm run bench:memory -- [--rows 1000000] [--distinct 5000] [--model <name>] [--backend wasm|webgpu]
 *
 * Scores one large CSV through the real app in headless Chromium (drop the file, map the
 * columns, score, reach the last row, export) and samples, while it runs, the page's JS
 * heap (performance.memory) and the RSS of all Chromium processes. The question is whether
 * the page's memory stays flat as rows go by: it prints the heap at each tenth of the run
 * and the growth per row, and writes bench/results/memory-latest.json plus a dated copy.
 *
 * CPU time: the file repeats --distinct generated records (an id column keeps every row its
 * own), so the model runs --distinct times and everything else (parsing, mapping, composing,
 * the results store, the table, the export) runs once per row. At the ~100-300 records/s a
 * CPU gives, a million distinct records would take hours; memory per row does not depend on
 * whether the model ran for it.
 */
import { createWriteStream, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import Papa from 'papaparse';
import { descendantsRssMb } from './browser';
import { heapAfterGc, launch, sampledHeap, serveApp, warmUp } from '../tests/e2e/browser';
import { defaultModelDir } from '../src/cli/node-scorer';

const ROOT = resolve(import.meta.dirname, '..');
const WORK = resolve(ROOT, 'bench/.work');
const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    distinct: { type: 'string', default: '5000' },
    model: { type: 'string' },
    backend: { type: 'string', default: 'wasm' },
  },
});
const rows = Number(values.rows);
const distinct = Number(values.distinct);
if (!Number.isInteger(rows) || rows < 1) throw new Error(`--rows must be a positive integer, not '${values.rows}'`);
if (!Number.isInteger(distinct) || distinct < 1) throw new Error(`--distinct must be a positive integer, not '${values.distinct}'`);
if (values.backend !== 'wasm' && values.backend !== 'webgpu') throw new Error(`--backend must be wasm or webgpu, not '${values.backend}'`);
const model = values.model ?? (await defaultModelDir()).split('/').pop()!;

mkdirSync(WORK, { recursive: true });
const recordsFile = resolve(WORK, `records-${distinct}.txt`);
execFileSync(resolve(ROOT, '.venv/bin/python'), ['bench/torch_bench.py', 'records', '--n', String(distinct), '--out', recordsFile], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
const records = readFileSync(recordsFile, 'utf8').split('\n').filter((l) => l !== '');

// Written in chunks: the file is about 100 bytes a row, and the bench's own memory is not the point.
const csv = resolve(WORK, `memory-${rows}.csv`);
const out = createWriteStream(csv);
out.write('\uFEFFid,record\r\n');
for (let start = 0; start < rows; start += 10_000) {
  const chunk = Array.from({ length: Math.min(10_000, rows - start) }, (_, k) => [String(start + k + 1), records[(start + k) % records.length]]);
  if (!out.write(Papa.unparse(chunk, { newline: '\r\n' }) + '\r\n')) await once(out, 'drain');
}
out.end();
await once(out, 'finish');
const fileMb = statSync(csv).size / 1e6;

const { server, url } = await serveApp();
const browser = await launch(values.backend === 'webgpu');
try {
  const page = await browser.newPage({ acceptDownloads: true });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${url}?backend=${values.backend}&model=${encodeURIComponent(model)}`);
  await page.locator('#backend').waitFor({ timeout: 120_000 });
  const gcHeapMb = async () => (await heapAfterGc(page)) / 1e6;
  await warmUp(page, `id,record\r\n1,${records[0]}\r\n2,${records[1]}\r\n`);
  const before = { heap_mb: await gcHeapMb(), rss_mb: descendantsRssMb() };

  const started = performance.now();
  await page.locator('#file-input').setInputFiles(csv);
  await page.locator('#mapping h2').filter({ hasText: `${rows.toLocaleString('en')} rows` }).waitFor({ timeout: 600_000 });
  const parsedS = (performance.now() - started) / 1000;
  await page.locator('#start').click();
  const samples: { s: number; done: number; heap_mb: number; rss_mb: number }[] = [];
  for (;;) {
    const phase = await page.locator('#phase').getAttribute('data-phase');
    const done = await page.locator('#progress').evaluate((el) => (el as HTMLProgressElement).value);
    const heap = await sampledHeap(page);
    samples.push({ s: (performance.now() - started) / 1000, done, heap_mb: heap / 1e6, rss_mb: descendantsRssMb() });
    if (phase === 'done') break;
    if (errors.length) throw new Error(`page: ${errors.join('; ')}`);
    await page.waitForTimeout(2000);
  }
  const scoredS = (performance.now() - started) / 1000;
  const counted = Number(await page.locator('#count-correct').getAttribute('data-n')) + Number(await page.locator('#count-wrong').getAttribute('data-n'));
  if (counted !== rows) throw new Error(`the summary counts ${counted} rows, the file has ${rows}`);
  // The last row must be reachable and readable in the table: on its last page past
  // 500,000 rows (src/app/table-pages.ts).
  const next = page.locator('#page-next');
  while ((await next.count()) > 0 && (await next.isEnabled())) await next.click();
  await page.locator('#results-scroll').evaluate((el) => el.scrollTo(0, el.scrollHeight));
  await page.locator(`#results tbody tr[data-row="${rows - 1}"] td`).nth(1).filter({ hasText: String(rows) }).waitFor({ timeout: 60_000 });
  const after = { heap_mb: await gcHeapMb(), rss_mb: descendantsRssMb() };
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export-full').click()]);
  const exported = readFileSync((await download.path())!, 'utf8').split('\r\n').filter((l) => l !== '').length - 1;
  if (exported !== rows) throw new Error(`the export has ${exported} rows, the file ${rows}`);

  const peak = { heap_mb: Math.max(...samples.map((x) => x.heap_mb)), rss_mb: Math.max(...samples.map((x) => x.rss_mb)) };
  const tenths = [...new Set(Array.from({ length: 10 }, (_, k) => samples.find((x) => x.done >= ((k + 1) * rows) / 10)).filter((x) => x !== undefined))];
  const result = {
    date: new Date().toISOString(),
    machine: `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} logical cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM; ${execFileSync('/usr/bin/chromium', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()}`,
    model,
    backend: values.backend,
    rows,
    distinct_records: records.length,
    file_mb: fileMb,
    parse_s: parsedS,
    total_s: scoredS,
    rows_per_s: rows / scoredS,
    before,
    after,
    peak,
    heap_bytes_per_row: ((after.heap_mb - before.heap_mb) * 1e6) / rows,
    tenths,
  };
  const dir = resolve(ROOT, 'bench/results');
  const text = JSON.stringify(result, null, 2) + '\n';
  writeFileSync(resolve(dir, 'memory-latest.json'), text);
  writeFileSync(resolve(dir, `memory-${result.date.replace(/[:.]/g, '-')}.json`), text);

  console.log(`\n${rows.toLocaleString('en')} rows (${fileMb.toFixed(0)} MB, ${records.length} distinct records), model ${model} on ${values.backend}: ` +
    `${scoredS.toFixed(0)} s, ${(rows / scoredS).toFixed(0)} rows/s`);
  console.log('\n| rows scored | page JS heap MB | Chromium RSS MB |\n| --- | --- | --- |');
  console.log(`| 0 (after a GC) | ${before.heap_mb.toFixed(1)} | ${before.rss_mb.toFixed(0)} |`);
  for (const t of tenths) console.log(`| ${t.done.toLocaleString('en')} | ${t.heap_mb.toFixed(1)} | ${t.rss_mb.toFixed(0)} |`);
  console.log(`| ${rows.toLocaleString('en')} (after a GC) | ${after.heap_mb.toFixed(1)} | ${after.rss_mb.toFixed(0)} |`);
  console.log(`\npeak: page heap ${peak.heap_mb.toFixed(1)} MB, Chromium RSS ${peak.rss_mb.toFixed(0)} MB; heap growth ${result.heap_bytes_per_row.toFixed(1)} bytes/row`);
  console.log('wrote bench/results/memory-latest.json');
} finally {
  await browser.close();
  await server.close();
}
