/**
 * The CSV audit workflow in a real Chromium: drop or pick a UTF-8 and a GBK file, map
 * columns, score, move the threshold, export and check the downloaded bytes; every
 * bad-input path of issue 4 gets its message naming file/row/column, and nothing already
 * scored is lost. Element ids used here are listed in src/app/AUDIT_IDS.md.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import iconv from '@vscode/iconv-lite-umd';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {foreign, recordRequests, useApp } from './browser';
import { nodeScorer } from '../../src/cli/node-scorer';
import { composeRecord } from '../../src/core/record-template';
import { prRange } from '../../src/app/metrics';

const MODELS = resolve(import.meta.dirname, '../../public/models');
const defaultName: string = JSON.parse(readFileSync(join(MODELS, 'index.json'), 'utf8')).default;
const FAST = 'twin-tiny-toy';

const app = useApp();

const CITIES = ['北京市朝阳区望京街道', '上海市浦东新区张江路', '广州市天河区体育西路', '深圳市南山区科技园', '杭州市西湖区文三路'];
/** Rows in the layout of a Chinese Excel export; a few cells that a spreadsheet would run as formulas. */
function makeRows(n: number, seed = 0): string[][] {
  return Array.from({ length: n }, (_, i) => {
    const k = i + seed;
    const name = ['张三', '李四', '王五', '赵六', '+钱七', '-孙八', '@周九', '=吴十'][k % 8] + (k % 97);
    const address = `${CITIES[k % 5]}${(k % 300) + 1}号院${(k % 9) + 1}号楼`;
    const postcode = k % 11 === 0 ? '1001' : String(100000 + ((k * 37) % 899999));
    const phone = k % 13 === 0 ? '=HYPERLINK("http://x")' : `1${38 + (k % 10)}${String(10000000 + k).slice(-8)}`;
    return [name, address, postcode, phone, k % 3 === 0 ? '错误' : '正确'];
  });
}
const HEADER = ['姓名', '地址', '邮编', '电话', '标签'];
const csv = (rows: string[][]) => Papa.unparse({ fields: HEADER, data: rows }, { newline: '\r\n' }) + '\r\n';

async function openApp(model = FAST, query = ''): Promise<{ page: Page; requests: string[] }> {
  const page = await app.browser.newPage({ acceptDownloads: true });
  const requests = recordRequests(page);
  await page.goto(`${app.url}?backend=wasm&model=${model}${query}`);
  await page.locator('#backend').waitFor({ timeout: 120_000 });
  return { page, requests };
}

/** Drop a file on the drop zone the way a browser does: a DataTransfer holding a File. */
async function drop(page: Page, name: string, bytes: Uint8Array) {
  const dataTransfer = await page.evaluateHandle(
    ({ name, data }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([Uint8Array.from(data)], name));
      return dt;
    },
    { name, data: [...bytes] },
  );
  // Dragging over marks the zone; the drop clears the mark and opens the file.
  await page.dispatchEvent('#drop-zone', 'dragover', { dataTransfer });
  await expect.poll(() => page.locator('#drop-zone').getAttribute('class')).toContain('over');
  await page.dispatchEvent('#drop-zone', 'drop', { dataTransfer });
  await expect.poll(() => page.locator('#drop-zone').getAttribute('class')).not.toContain('over');
}

async function pick(page: Page, name: string, bytes: Uint8Array) {
  await page.locator('#file-input').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(bytes) });
}

async function scoreAll(page: Page, timeout = 170_000) {
  await page.locator('#start').click();
  await expect.poll(() => page.locator('#phase').getAttribute('data-phase'), { timeout }).toBe('done');
}

async function download(page: Page, button: string): Promise<Buffer> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.locator(button).click()]);
  return readFileSync((await file.path())!);
}

const count = async (page: Page, id: string) => Number(await page.locator(id).getAttribute('data-n'));
const parse = (text: string) => Papa.parse<string[]>(text, { skipEmptyLines: true }).data;

const RESTARTED = /The scoring worker crashed at record (\d+); restarted, going on from record \1 \(the last finished batch\)/

/**
 * Drop the rows, start scoring, and return the scoring worker once the first batch is in.
 * 8,000 rows: large enough that the run is still going when a test breaks the worker.
 */
async function scoringWorkerMidRun(page: Page, name: string, rows: string[][]) {
  await drop(page, name, new TextEncoder().encode(csv(rows)));
  await page.locator('#start').click();
  await expect.poll(() => page.locator('#progress').getAttribute('value').then(Number), { timeout: 60_000 }).toBeGreaterThan(0);
  const worker = page.workers().find((w) => w.url().includes('scorer.worker'));
  if (!worker) throw new Error('no scoring worker is running');
  return worker;
}

/** After a restart: the run finishes with every row scored once, the last ones as the CLI scores them. */
async function expectEveryRowScoredOnce(page: Page, rows: string[][]) {
  await expect.poll(() => page.locator('#phase').getAttribute('data-phase'), { timeout: 170_000 }).toBe('done');
  expect(await count(page, '#count-correct') + (await count(page, '#count-wrong'))).toBe(rows.length);
  const full = parse((await download(page, '#export-full')).subarray(3).toString('utf8'));
  expect(full.slice(1).filter((r) => r[5] !== '')).toHaveLength(rows.length);
  const scorer = await nodeScorer(join(MODELS, FAST));
  const last = rows.slice(-5).map((r) => composeRecord({ name: r[0], address: r[1], postcode: r[2], phone: r[3] }));
  const reference = await scorer.score(last);
  full.slice(-5).forEach((r, i) => expect(Math.abs(Number(r[5]) - reference[i].pCorrect)).toBeLessThan(1e-3));
}

describe('audit a table', () => {
  it('UTF-8 dropped: maps columns, shows the exact record, scores, re-labels live, exports guarded bytes', async () => {
    const { page, requests } = await openApp();
    const rows = makeRows(300);
    await drop(page, '客户.csv', new TextEncoder().encode(csv(rows)));
    await page.locator('#mapping').waitFor();
    expect(await page.locator('#mapping h2').textContent()).toContain('300 rows');
    // Guessed from the Chinese headers: template fields and the label column.
    expect(await page.locator('#map-name').inputValue()).toBe('0');
    expect(await page.locator('#map-phone').inputValue()).toBe('3');
    expect(await page.locator('#map-label').inputValue()).toBe('4');
    const expected = (r: string[]) => composeRecord({ name: r[0], address: r[1], postcode: r[2], phone: r[3] });
    expect(await page.locator('#record-preview li').allTextContents()).toEqual(rows.slice(0, 5).map(expected));

    await scoreAll(page);
    expect(await page.locator('#progress-text').textContent()).toBe('300 / 300 rows');
    // The shown scores are the model's: onnxruntime-node on the same record texts.
    const scorer = await nodeScorer(join(MODELS, FAST));
    const reference = await scorer.score(rows.slice(0, 10).map(expected));
    const shown = await page.locator('#results td.p').evaluateAll((cells) => cells.slice(0, 10).map((c) => Number(c.getAttribute('data-p'))));
    shown.forEach((p, i) => expect(Math.abs(p - reference[i].pCorrect)).toBeLessThan(1e-3));
    expect(await page.locator('#results tbody tr').first().locator('td.cell').nth(0).textContent()).toBe(rows[0][0]);
    await page.locator('#metrics').waitFor();
    expect(Number(await page.locator('#accuracy').getAttribute('data-value'))).toBeGreaterThanOrEqual(0);

    // The threshold slider re-labels live; at 1 every row is wrong, at 0 every row correct.
    await page.locator('#threshold').fill('1');
    await expect.poll(() => count(page, '#count-wrong')).toBe(300);
    await page.locator('#threshold').fill('0');
    await expect.poll(() => count(page, '#count-correct')).toBe(300);
    await page.locator('#threshold').fill('0.5');
    await expect.poll(() => page.locator('#threshold-value').textContent()).toBe('0.500');
    const correct = await count(page, '#count-correct');
    const wrong = await count(page, '#count-wrong');
    expect(correct + wrong).toBe(300);

    const full = await download(page, '#export-full');
    expect([...full.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const fullRows = parse(full.subarray(3).toString('utf8'));
    expect(fullRows[0]).toEqual([...HEADER, 'p_correct', 'verdict']);
    expect(fullRows).toHaveLength(301);
    fullRows.slice(1).forEach((r, i) => {
      expect(r[1]).toBe(rows[i][1]);
      expect(r[6]).toBe(Number(r[5]) >= 0.5 ? 'correct' : 'wrong');
      for (const cell of r) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    });
    expect(fullRows[1 + 4][0]).toBe(`'${rows[4][0]}`); // +钱七4 neutralised
    expect(fullRows[1][3]).toBe(`'=HYPERLINK("http://x")`);
    expect(fullRows.slice(1).filter((r) => r[6] === 'wrong')).toHaveLength(wrong);

    const cleaned = parse((await download(page, '#export-cleaned')).subarray(3).toString('utf8'));
    expect(cleaned[0]).toEqual(HEADER);
    expect(cleaned).toHaveLength(correct + 1);
    const flagged = parse((await download(page, '#export-flagged')).subarray(3).toString('utf8'));
    expect(flagged).toHaveLength(wrong + 1);
    flagged.slice(1).forEach((r) => expect(Number(r[5])).toBeLessThan(0.5));

    // Filter, sort and search work on the whole table.
    await page.locator('#filter').selectOption('wrong');
    await expect.poll(() => count(page, '#shown')).toBe(wrong);
    await page.locator('#filter').selectOption('all');
    await page.locator('#sort').selectOption('p-asc');
    await expect.poll(async () => {
      const ps = await page.locator('#results td.p').evaluateAll((c) => c.slice(0, 20).map((x) => Number(x.getAttribute('data-p'))));
      return ps.every((p, i) => i === 0 || p >= ps[i - 1]);
    }).toBe(true);
    await page.locator('#search').fill('广州市');
    await page.locator('#search-go').click();
    await expect.poll(() => page.locator('#search-count').textContent()).toBe(`${rows.filter((r) => r[1].includes('广州市')).length} rows match`);
    expect(foreign(requests, app.url)).toEqual([]);
    await page.close();
  });

  it('GBK picked: Chinese shows right, the mapping is remembered, exports in GBK', async () => {
    const { page } = await openApp();
    const rows = makeRows(40, 1000);
    const gbk = new Uint8Array(iconv.encode(csv(rows), 'gbk'));
    await pick(page, 'gbk.csv', gbk);
    await page.locator('#mapping').waitFor();
    expect(await page.locator('#encoding').inputValue()).toBe('gb18030');
    // Map by hand: address only, the name as an extra column.
    await page.locator('#map-name').selectOption('');
    await page.locator('#map-postcode').selectOption('');
    await page.locator('#map-phone').selectOption('');
    await page.locator('.map-extra input[data-column="0"]').check();
    expect(await page.locator('#record-preview li').first().textContent()).toBe(`${rows[0][1]}，姓名：${rows[0][0]}`);
    await scoreAll(page);
    expect(await page.locator('#results tbody tr').first().locator('td.cell').nth(1).textContent()).toBe(rows[0][1]);

    await page.locator('#export-encoding').selectOption('gb18030');
    const bytes = await download(page, '#export-full');
    const back = parse(iconv.decode(bytes, 'gb18030'));
    expect(back).toHaveLength(41);
    expect(back[1][1]).toBe(rows[0][1]);

    // Same headers again: the hand-made mapping comes back.
    await pick(page, 'gbk-again.csv', gbk);
    await expect.poll(() => page.locator('#mapping h2').textContent()).toContain('gbk-again.csv');
    expect(await page.locator('#map-name').inputValue()).toBe('');
    expect(await page.locator('.map-extra input[data-column="0"]').isChecked()).toBe(true);
    await page.close();
  });

  it("Excel's Unicode text picked (.txt, UTF-16 LE, tabs): read as the table it is", async () => {
    const { page } = await openApp();
    const rows = makeRows(12, 2000);
    const text = [HEADER, ...rows].map((r) => r.join('\t')).join('\r\n') + '\r\n';
    await pick(page, 'excel-unicode.txt', new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])));
    await page.locator('#mapping').waitFor();
    await scoreAll(page);
    expect(await page.locator('#results tbody tr').count()).toBe(12);
    expect(await page.locator('#results tbody tr').first().locator('td.cell').nth(1).textContent()).toBe(rows[0][1]);
    await page.close();
  });

  it('the paste box is a one-column table on the same path', async () => {
    const { page } = await openApp();
    await page.locator('#records').fill('张三，北京市海淀区学院路29号，邮编：100083\n\n李四，上海市浦东新区张江路88号');
    await page.locator('#score').click();
    await expect.poll(() => page.locator('#results tbody tr').count(), { timeout: 60_000 }).toBe(2);
    expect(await page.locator('#mapping').count()).toBe(0);
    await page.close();
  });

  it('?model= names the model folder; an unknown one is an error naming it', async () => {
    const page = await app.browser.newPage();
    await page.goto(`${app.url}?backend=wasm&model=no-such-model`);
    await expect.poll(() => page.locator('.error').first().textContent(), { timeout: 60_000 }).toMatch(/Could not load the model: .*no-such-model/);
    await page.close();
    const { page: ok } = await openApp(defaultName);
    expect(await ok.locator('#model-name').textContent()).toBe(defaultName);
    await ok.close();
  });
});

describe('bad input', () => {
  it.each([
    ['empty.csv', new Uint8Array(0), /empty\.csv: empty file, nothing to score/],
    ['header.csv', new TextEncoder().encode('姓名,地址\r\n'), /header\.csv: header only, no records/],
    ['photo.csv', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48]), /photo\.csv: a binary file, not a text table \(a NUL byte at offset 8\)/],
    ['latin1.csv', new Uint8Array([...new TextEncoder().encode('name,city\r\nJos'), 0xe9, 0xff, 0x0d, 0x0a]), /latin1\.csv: unknown encoding/],
  ])('%s is refused with its name, and the table on screen stays', async (name, bytes, message) => {
    const { page } = await openApp();
    await drop(page, 'ok.csv', new TextEncoder().encode(csv(makeRows(3))));
    await page.locator('#mapping').waitFor();
    await drop(page, name, bytes);
    await expect.poll(() => page.locator('#audit-error').textContent()).toMatch(message);
    expect(await page.locator('#audit-error').textContent()).toMatch(/\. Still loaded: ok\.csv \(the mapping and results below are its own\)$/);
    expect(await page.locator('#mapping h2').textContent()).toContain('ok.csv');
    await page.close();
  });

  it('a bad file dropped after a run keeps the scored file, and says which file is still loaded', async () => {
    const { page } = await openApp();
    await drop(page, 'a.csv', new TextEncoder().encode(csv(makeRows(30))));
    await page.locator('#mapping').waitFor();
    await scoreAll(page);
    const scored = { correct: await count(page, '#count-correct'), wrong: await count(page, '#count-wrong') };
    await drop(page, 'bad.csv', new TextEncoder().encode('姓名,地址\r\n'));
    await expect.poll(() => page.locator('#audit-error').textContent()).toBe(
      'bad.csv: header only, no records. Still loaded: a.csv (the mapping and results below are its own)',
    );
    // Everything below the error is a.csv's, and says so: its name, its 30 rows, its scores.
    expect(await page.locator('#mapping h2').textContent()).toBe('a.csv: 30 rows');
    expect(await page.locator('#start').textContent()).toBe('Score 30 rows');
    expect(await page.locator('#progress-text').textContent()).toBe('30 / 30 rows');
    expect(await page.locator('#phase').getAttribute('data-phase')).toBe('done');
    expect({ correct: await count(page, '#count-correct'), wrong: await count(page, '#count-wrong') }).toEqual(scored);
    expect(await page.locator('#results tbody tr').count()).toBe(30);
    // A good file then replaces it, and the error goes.
    await drop(page, 'b.csv', new TextEncoder().encode(csv(makeRows(4, 50))));
    await expect.poll(() => page.locator('#mapping h2').textContent()).toBe('b.csv: 4 rows');
    expect(await page.locator('#audit-error').count()).toBe(0);
    expect(await page.locator('#audit-results').count()).toBe(0);
    await page.close();
  });

  it('ragged rows and a 20 MB cell are reported by line, record and column, and scored', async () => {
    const { page } = await openApp();
    const giant = '北'.repeat(7 * 1024 * 1024); // 21 MB of UTF-8 in one cell
    const text = `姓名,地址,电话\r\n张三,北京市海淀区学院路29号,13812345678\r\n李四\r\n王五,上海,13900000000,多余\r\n赵六,"${giant}",13700000000\r\n`;
    await pick(page, 'odd.csv', new TextEncoder().encode(text));
    await page.locator('#table-warnings').waitFor({ timeout: 60_000 });
    const items = await page.locator('#table-warnings li').allTextContents();
    expect(items).toEqual([
      'odd.csv line 3 (record 2): 1 fields, the header has 3',
      'odd.csv line 4 (record 3): 4 fields, the header has 3',
      `odd.csv line 5 (record 4), column '地址': a cell of ${giant.length.toLocaleString('en')} characters; only its first 8192 are scored`,
    ]);
    await scoreAll(page);
    expect(await count(page, '#count-correct') + (await count(page, '#count-wrong'))).toBe(4);
    await page.close();
  });

  it('no column selected: Score says so', async () => {
    const { page } = await openApp();
    await drop(page, 'cols.csv', new TextEncoder().encode('a,b\r\n1,2\r\n'));
    await page.locator('#mapping').waitFor();
    await page.locator('#start').click();
    await expect.poll(() => page.locator('#audit-error').textContent()).toMatch(/cols\.csv: no column selected/);
    await page.close();
  });

  it('a file dropped while another is scoring is refused; pause, resume and cancel keep what was scored', async () => {
    const { page } = await openApp();
    await drop(page, 'long.csv', new TextEncoder().encode(csv(makeRows(4000))));
    await page.locator('#start').click();
    await expect.poll(() => count(page, '#count-correct').then(async (c) => c + (await count(page, '#count-wrong'))), { timeout: 60_000 }).toBeGreaterThan(0);
    await drop(page, 'other.csv', new TextEncoder().encode(csv(makeRows(3))));
    await expect.poll(() => page.locator('#audit-error').textContent()).toMatch(/other\.csv: not opened, long\.csv is being scored; cancel that run first/);

    await page.locator('#pause').click();
    // Pause waits for the batch in flight.
    await expect.poll(() => page.locator('#phase').getAttribute('data-phase'), { timeout: 60_000 }).toBe('paused');
    const paused = await page.locator('#progress').getAttribute('value');
    await page.waitForTimeout(1500);
    expect(await page.locator('#progress').getAttribute('value')).toBe(paused);
    await page.locator('#resume').click();
    await expect.poll(() => page.locator('#phase').getAttribute('data-phase')).toBe('scoring');
    await page.locator('#cancel').click();
    await expect.poll(() => page.locator('#phase').getAttribute('data-phase'), { timeout: 30_000 }).toBe('cancelled');
    const kept = Number(await page.locator('#progress').getAttribute('value'));
    expect(kept).toBeGreaterThanOrEqual(Number(paused));
    expect(kept).toBeLessThan(4000);
    expect(await page.locator('#audit-notice').textContent()).toBe(`Cancelled: ${kept.toLocaleString('en')} of 4,000 rows were scored and are kept.`);
    expect(await count(page, '#count-correct') + (await count(page, '#count-wrong'))).toBe(kept);
    const full = parse((await download(page, '#export-full')).subarray(3).toString('utf8'));
    expect(full.slice(1).filter((r) => r[5] !== '')).toHaveLength(kept);
    await page.close();
  });

  it('the scoring worker crashing mid-run: the run resumes from the last finished batch', async () => {
    const { page } = await openApp();
    const rows = makeRows(8000, 7);
    const worker = await scoringWorkerMidRun(page, 'crash.csv', rows);
    await worker.evaluate(() => {
      setTimeout(() => {
        throw new Error('simulated crash');
      });
    });
    await expect.poll(() => page.locator('#audit-notice').textContent(), { timeout: 60_000 }).toMatch(RESTARTED);
    await expectEveryRowScoredOnce(page, rows);
    await page.close();
  });

  it('the scoring worker hanging mid-run without an error event: the heartbeat notices, and the run resumes from the last finished batch', async () => {
    // A worker that stops answering fires no error event (out of memory, a killed process,
    // a loop): only the bridge's heartbeat notices. 5 s of silence here instead of 60.
    const { page } = await openApp(FAST, '&worker_silence_s=5');
    const rows = makeRows(8000, 13);
    const worker = await scoringWorkerMidRun(page, 'hang.csv', rows);
    const closed = new Promise<void>((resolve) => worker.once('close', () => resolve()));
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await worker.evaluate(() => {
      setTimeout(() => {
        for (;;);
      });
    });
    await expect.poll(() => page.locator('#audit-notice').textContent(), { timeout: 60_000 }).toMatch(RESTARTED);
    await closed; // the bridge terminated the hung worker: it no longer burns a core
    await expectEveryRowScoredOnce(page, rows);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a table longer than a page is paged, so every row can be scrolled to', async () => {
    // Pages of 1,000 here; 500,000 by default, past which one scrolling element outgrows
    // the browsers' height caps (src/app/table-pages.ts).
    const { page } = await openApp(FAST, '&rows_per_page=1000');
    const rows = makeRows(2_500, 11);
    await drop(page, 'long.csv', new TextEncoder().encode(csv(rows)));
    await page.locator('#mapping').waitFor();
    await scoreAll(page);
    const range = page.locator('#page-range');
    const at = async () => Object.fromEntries(
      await Promise.all(['first', 'count', 'page', 'pages'].map(async (k) => [k, Number(await range.getAttribute(`data-${k}`))])),
    );
    const rendered = () => page.locator('#results tbody tr').evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-row'))));
    const toBottom = () => page.locator('#results-scroll').evaluate((el) => el.scrollTo(0, el.scrollHeight));

    expect(await at()).toEqual({ first: 0, count: 1000, page: 0, pages: 3 });
    expect(await range.textContent()).toMatch(/rows 1–1,000 of 2,500 \(page 1 of 3\)/);
    expect(await page.locator('#page-prev').isDisabled()).toBe(true);
    await toBottom();
    await expect.poll(async () => Math.max(...(await rendered()))).toBe(999);

    await page.locator('#page-next').click();
    await expect.poll(at).toEqual({ first: 1000, count: 1000, page: 1, pages: 3 });
    await expect.poll(async () => (await rendered())[0]).toBe(1000); // the new page starts at its top
    await page.locator('#page-next').click();
    await expect.poll(at).toEqual({ first: 2000, count: 500, page: 2, pages: 3 });
    expect(await page.locator('#page-next').isDisabled()).toBe(true);
    await toBottom();
    await expect.poll(async () => Math.max(...(await rendered()))).toBe(2499);
    // The last row's cells are the file's last row.
    await expect.poll(() => page.locator('#results tbody tr[data-row="2499"] td.cell').nth(1).textContent()).toBe(rows[2499][1]);

    // A new order starts again at the first page, and pages follow the rows in view.
    await page.locator('#sort').selectOption('p-asc');
    await expect.poll(at).toEqual({ first: 0, count: 1000, page: 0, pages: 3 });
    await page.locator('#filter').selectOption('wrong');
    const wrong = await count(page, '#count-wrong');
    if (wrong > 1000) await expect.poll(async () => (await at()).pages).toBe(Math.ceil(wrong / 1000));
    else await expect.poll(() => range.count()).toBe(0); // one page: no pager
    await page.close();
  });
});

describe('rough edges (issue 42)', () => {
  it("a second file never shows the first run's progress", async () => {
    const { page } = await openApp();
    await drop(page, 'first.csv', new TextEncoder().encode(csv(makeRows(300))));
    await page.locator('#mapping').waitFor();
    await scoreAll(page);
    expect(await page.locator('#progress-text').textContent()).toBe('300 / 300 rows');
    // Every progress text the page shows from here on, as it is shown.
    await page.evaluate(() => {
      const seen: string[] = ((window as unknown as { seen: string[] }).seen = []);
      new MutationObserver(() => {
        const text = document.querySelector('#progress-text')?.textContent;
        if (text && seen[seen.length - 1] !== text) seen.push(text);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await drop(page, 'second.csv', new TextEncoder().encode(csv(makeRows(200, 500))));
    expect(await page.locator('#progress-text').allTextContents()).not.toContain('300 / 300 rows');
    await expect.poll(() => page.locator('#mapping h2').textContent()).toBe('second.csv: 200 rows');
    await scoreAll(page);
    expect(await page.locator('#progress-text').textContent()).toBe('200 / 200 rows');
    const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
    expect(seen.length).toBeGreaterThan(0);
    for (const text of seen) expect(text).toMatch(/^[\d,]+ \/ 200 rows$/);
    await page.close();
  });

  it('an error-class column named 错误类型 is chosen in the mapping and fills the per-class table', async () => {
    const { page } = await openApp();
    const rows = makeRows(60, 300).map((r, i) => [
      composeRecord({ name: r[0], address: r[1], postcode: r[2], phone: r[3] }),
      i % 3 === 0 ? '错误' : '正确',
      i % 3 === 0 ? (i % 2 === 0 ? 'postcode_length' : 'junk_symbols') : '',
    ]);
    const text = Papa.unparse({ fields: ['记录', '标签', '错误类型'], data: rows }, { newline: '\r\n' }) + '\r\n';
    await drop(page, 'reviewed.csv', new TextEncoder().encode(text));
    await page.locator('#mapping').waitFor();
    expect(await page.locator('#map-whole').inputValue()).toBe('0');
    expect(await page.locator('#map-label').inputValue()).toBe('1');
    expect(await page.locator('#map-error-class').inputValue()).toBe('2');
    await scoreAll(page);
    await page.locator('#labelled-summary').waitFor();
    const byClass = await page.locator('#labelled-summary tbody tr[data-class]').evaluateAll((trs) =>
      Object.fromEntries(trs.map((tr) => [tr.getAttribute('data-class'), Number(tr.getAttribute('data-records'))])),
    );
    expect(byClass).toEqual({ postcode_length: 10, junk_symbols: 10 });
    expect(await page.locator('#labelled-summary .false-alarms').getAttribute('data-records')).toBe('40');

    // Chosen as none, the next run knows the wrong rows from the labels only: one unclassified row.
    await page.locator('#map-error-class').selectOption('');
    await scoreAll(page);
    await expect.poll(() => page.locator('#labelled-summary tbody tr[data-class]').evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-class'), tr.getAttribute('data-records')]))).toEqual([['(no class given)', '20']]);
    await page.close();
  });

  it("the PR chart's scales follow the curve, not the unit square", async () => {
    const { page } = await openApp();
    await drop(page, 'labelled.csv', new TextEncoder().encode(csv(makeRows(300, 900))));
    await page.locator('#mapping').waitFor();
    await scoreAll(page);
    const chart = page.locator('#pr-curve .uplot');
    await chart.waitFor();
    const points: [number, number][] = JSON.parse((await page.locator('#pr-curve').getAttribute('data-points'))!);
    expect(points.length).toBeGreaterThan(0);
    const expected = prRange(points.map(([recall, precision]) => ({ recall, precision, threshold: 0, f1: 0 })));
    const scale = async (key: string) => [Number(await chart.getAttribute(`data-${key}-min`)), Number(await chart.getAttribute(`data-${key}-max`))];
    // The scales uPlot drew with are the fitted ones: every point inside, and no wider than 5 % of the points' span past them.
    const [x, y] = [await scale('x'), await scale('y')];
    expect(x[0]).toBeCloseTo(expected.recall[0], 9);
    expect(x[1]).toBeCloseTo(expected.recall[1], 9);
    expect(y[0]).toBeCloseTo(expected.precision[0], 9);
    expect(y[1]).toBeCloseTo(expected.precision[1], 9);
    const recalls = points.map((p) => p[0]);
    const precisions = points.map((p) => p[1]);
    expect(x[0]).toBeLessThanOrEqual(Math.min(...recalls));
    expect(x[1]).toBeGreaterThanOrEqual(Math.max(...recalls));
    expect(y[0]).toBeLessThanOrEqual(Math.min(...precisions));
    expect(x[0]).toBeGreaterThan(Math.min(...recalls) - 0.05 * (Math.max(...recalls) - Math.min(...recalls)) - 0.011);
    expect(y[0]).toBeGreaterThan(Math.min(...precisions) - 0.05 * (Math.max(...precisions) - Math.min(...precisions)) - 0.011);
    // Points flagging nothing (recall 0) are not plotted.
    expect(Math.min(...recalls)).toBeGreaterThan(0);
    await page.close();
  });

  it('a 5 MB cell is clipped in the preview and the table, with its length, and whole in the detail view', async () => {
    const { page } = await openApp();
    const giant = '北京市海淀区学院路'.repeat(200_000); // 1,800,000 characters, 5.4 MB of UTF-8
    const text = `record,note\r\n张三，北京市海淀区学院路29号,short\r\n"${giant}",long\r\n`;
    await pick(page, 'giant.csv', new TextEncoder().encode(text));
    await page.locator('#mapping').waitFor({ timeout: 60_000 });
    // The warning names its place as line and record.
    expect(await page.locator('#table-warnings li').allTextContents()).toEqual([
      `giant.csv line 3 (record 2), column 'record': a cell of ${giant.length.toLocaleString('en')} characters; only its first 8192 are scored`,
    ]);
    const preview = await page.locator('#record-preview li').allTextContents();
    expect(preview[0]).toBe('张三，北京市海淀区学院路29号');
    expect(preview[1]).toBe(`${giant.slice(0, 300)}… (8,192 characters in all)`);
    await scoreAll(page);
    const cell = page.locator('#results tbody tr[data-row="1"] td.cell').first();
    await expect.poll(() => cell.locator('.clipped').getAttribute('data-length')).toBe(String(giant.length));
    expect(await cell.textContent()).toBe(`${giant.slice(0, 300)}…${giant.length.toLocaleString('en')} characters; click the row for all`);
    expect(await page.locator('#results tbody tr[data-row="0"] td.cell').first().textContent()).toBe('张三，北京市海淀区学院路29号');
    await page.locator('#results tbody tr[data-row="1"]').click();
    await expect.poll(() => page.locator('#record-detail dd').first().evaluate((dd) => dd.textContent!.length), { timeout: 30_000 }).toBe(giant.length);
    await page.close();
  });
});
