/**
 * Models in the browser, in a real Chromium with a real IndexedDB: the default model is
 * cached on first load and read back without a request; a cached file with one byte
 * changed is caught by its SHA-256 and fetched again; a full storage quota is reported
 * while scoring goes on; a model folder or zip dropped in is checked, kept and used, and
 * a broken one is refused with the file and the fault named.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { useApp, zipFolder } from './browser';
import { readParity } from '../unit/models';

const MODELS = resolve(import.meta.dirname, '../../public/models');
const defaultName: string = JSON.parse(readFileSync(join(MODELS, 'index.json'), 'utf8')).default;
const defaultDir = join(MODELS, defaultName);
const manifest = JSON.parse(readFileSync(join(defaultDir, 'manifest.json'), 'utf8'));
// The graph the app scores with (single-pass when the model has one): src/core/model-files.ts.
const ONNX: string = manifest.onnx.dual?.quantized ?? manifest.onnx.quantized;
const parity = readParity(defaultDir);
const cases = parity.cases.filter((c) => !/[\r\n]/.test(c.record)).slice(0, 5);

const app = useApp();
const tmp: string[] = [];
afterAll(() => {
  for (const dir of tmp) rmSync(dir, { recursive: true, force: true });
});

/** A context of its own (fresh IndexedDB); the service worker is off so every fetch is seen. */
const freshContext = () => app.browser.newContext({ serviceWorkers: 'block' });

function modelRequests(context: BrowserContext): string[] {
  const seen: string[] = [];
  context.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (path.includes('/models/')) seen.push(path.slice(path.indexOf('/models/') + '/models/'.length));
  });
  return seen;
}

async function open(page: Page): Promise<void> {
  await page.goto(`${app.url}?backend=wasm`);
  await page.locator('#backend').waitFor({ timeout: 120_000 });
}

/** Score the cases and check P(correct) against the Python reference. */
async function scoresLikePython(page: Page): Promise<void> {
  await page.locator('#records').fill(cases.map((c) => c.record).join('\n'));
  await page.locator('#score').click();
  await page.locator('#results tbody tr').nth(cases.length - 1).waitFor({ timeout: 120_000 });
  const shown = await page.locator('#results td.p').evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-p'))));
  shown.forEach((p, i) => expect(Math.abs(p - cases[i].onnx_int8.p_correct)).toBeLessThan(1e-3));
}

async function cachedRows(page: Page): Promise<{ name: string; from: string; bytes: number }[]> {
  if (!(await page.locator('#model-settings').getAttribute('open'))) await page.locator('#model-settings summary').click();
  return page.locator('#cached-models tbody tr').evaluateAll((trs) =>
    trs.map((tr) => ({
      name: tr.getAttribute('data-name')!,
      from: tr.children[1].textContent!,
      bytes: Number(tr.querySelector('.size')!.getAttribute('data-bytes')),
    })),
  );
}

/** Change one byte of a file in the browser's model cache, as disk corruption would. */
function corruptCachedFile(page: Page, model: string, sha256: string): Promise<number> {
  return page.evaluate(
    async ([model, sha256]) => {
      const db = await new Promise<IDBDatabase>((ok, fail) => {
        const r = indexedDB.open('twinscore');
        r.onsuccess = () => ok(r.result);
        r.onerror = () => fail(r.error);
      });
      const tx = db.transaction('modelFiles', 'readwrite');
      const store = tx.objectStore('modelFiles');
      const entry = await new Promise<{ bytes: Uint8Array }>((ok) => {
        const r = store.get([model, sha256]);
        r.onsuccess = () => ok(r.result);
      });
      entry.bytes[100] ^= 1;
      store.put(entry);
      await new Promise((ok) => (tx.oncomplete = ok));
      db.close();
      return entry.bytes.byteLength;
    },
    [model, sha256],
  );
}

describe('model cache', () => {
  it('caches the default model on first load and reads it back without a request', async () => {
    const context = await freshContext();
    const requests = modelRequests(context);
    const page = await context.newPage();
    await open(page);
    expect(requests).toContain(`${defaultName}/${ONNX}`);
    const rows = await cachedRows(page);
    const expectedBytes = ['tokenizer.json', 'tokenizer_config.json', ONNX].reduce((n, f) => n + manifest.files[f].bytes, 0);
    expect(rows).toEqual([{ name: defaultName, from: 'this app', bytes: expectedBytes }]);

    requests.length = 0;
    await open(page);
    expect(requests).toContain(`${defaultName}/manifest.json`); // a new manifest must replace the cache
    const modelFiles = Object.keys(manifest.files).map((f) => `${defaultName}/${f}`);
    expect(requests.filter((r) => modelFiles.includes(r))).toEqual([]);
    await scoresLikePython(page);

    // Deleting it in the settings panel empties the cache; the next load fetches again.
    expect((await cachedRows(page)).map((r) => r.name)).toEqual([defaultName]);
    await page.locator(`#cached-models tr[data-name="${defaultName}"] .delete`).click();
    await expect.poll(() => page.locator('#cached-models').count()).toBe(0);
    requests.length = 0;
    await open(page);
    expect(requests).toContain(`${defaultName}/${ONNX}`);
    await context.close();
  });

  it('a cached file with one byte changed is caught by its SHA-256 and fetched again', async () => {
    const context = await freshContext();
    const requests = modelRequests(context);
    const page = await context.newPage();
    await open(page);
    expect(await corruptCachedFile(page, defaultName, manifest.files[ONNX].sha256)).toBe(manifest.files[ONNX].bytes);

    requests.length = 0;
    await open(page);
    await expect.poll(() => page.locator('#cache-refetched').textContent()).toContain(`${ONNX} did not match its SHA-256`);
    expect(requests).toContain(`${defaultName}/${ONNX}`);
    await scoresLikePython(page);

    // The good copy went back into the cache: the next load needs no request for it.
    requests.length = 0;
    await open(page);
    expect(requests).not.toContain(`${defaultName}/${ONNX}`);
    expect(await page.locator('#cache-refetched').count()).toBe(0);
    await context.close();
  });

  it('a full storage quota is reported and scoring goes on with the model in memory', async () => {
    const context = await freshContext();
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(app.url).origin, quotaSize: 50_000 });
    await open(page);
    await expect
      .poll(() => page.locator('#cache-warning').textContent())
      .toMatch(/Could not cache model .* in the browser: the browser storage quota is full\. Scoring goes on with the model in memory/);
    await scoresLikePython(page);

    // An imported model that storage refuses still works, from memory, for this session.
    await page.locator('#model-settings summary').click();
    await page.locator('#import-zip').setInputFiles({ name: 'big.zip', mimeType: 'application/zip', buffer: zipFolder(modelCopy('big-model')) });
    await expect
      .poll(() => page.locator('#import-notice').textContent(), { timeout: 60_000 })
      .toMatch(/Could not cache model big-model .* quota is full\. The model works until this page is closed\./);
    await expect.poll(() => page.locator('#model-name').textContent(), { timeout: 60_000 }).toBe('big-model');
    await scoresLikePython(page);
    await context.close();
  });
});

describe('bring your own model', () => {
  async function importZip(page: Page, dir: string, name = 'model.zip'): Promise<void> {
    await page.locator('#import-zip').setInputFiles({ name, mimeType: 'application/zip', buffer: zipFolder(dir) });
  }

  it('a valid zip is checked, kept, used, survives a reload and can be deleted', async () => {
    const context = await freshContext();
    const page = await context.newPage();
    await open(page);
    await page.locator('#model-settings summary').click();
    await importZip(page, modelCopy('my-model'));
    await expect.poll(() => page.locator('#import-notice').textContent(), { timeout: 60_000 }).toBe('Imported model my-model.');
    await expect.poll(() => page.locator('#model-name').textContent(), { timeout: 60_000 }).toBe('my-model');
    await scoresLikePython(page); // same weights as the default, so the same scores

    const requests = modelRequests(context);
    await open(page);
    const listed = (await cachedRows(page)).map((r) => `${r.name}: ${r.from}`);
    expect(listed.sort()).toEqual([`${defaultName}: this app`, 'my-model: imported'].sort());
    await page.locator('#model-choice').selectOption('my-model');
    await expect.poll(() => page.locator('#model-name').textContent(), { timeout: 60_000 }).toBe('my-model');
    const weights = Object.keys(manifest.files).map((f) => `my-model/${f}`);
    expect(requests.filter((r) => weights.includes(r))).toEqual([]); // read from IndexedDB
    await scoresLikePython(page);

    await page.locator('#cached-models tr[data-name="my-model"] .delete').click();
    await expect.poll(async () => (await cachedRows(page)).map((r) => r.name)).toEqual([defaultName]);
    await context.close();
  });

  it('the pickers are labelled, and a zip dropped on their area is imported as a picked one is', async () => {
    const context = await freshContext();
    const page = await context.newPage();
    await open(page);
    await page.locator('#model-settings summary').click();
    // Labelled buttons wrapping the hidden inputs, not two bare "Choose File" inputs.
    expect(await page.locator('#model-drop label.pick').allTextContents()).toEqual(['Choose a model folder…', 'Choose a zip…']);
    expect(await page.locator('label.pick:has(#import-zip)').isVisible()).toBe(true);
    expect(await page.locator('#import-zip').isVisible()).toBe(false);
    // The zip reaches the page over a route (41 MB as a JSON array of bytes would not).
    const zip = zipFolder(modelCopy('dropped-model'));
    await page.route('**/__test__/dropped-model.zip', (route) => route.fulfill({ body: zip, contentType: 'application/zip' }));
    const dataTransfer = await page.evaluateHandle(async () => {
      const blob = await (await fetch('__test__/dropped-model.zip')).blob();
      const dt = new DataTransfer();
      dt.items.add(new File([blob], 'dropped-model.zip', { type: 'application/zip' }));
      return dt;
    });
    const area = page.locator('#model-drop');
    await area.dispatchEvent('dragover', { dataTransfer });
    await expect.poll(() => area.getAttribute('class')).toContain('over');
    await area.dispatchEvent('drop', { dataTransfer });
    await expect.poll(() => area.getAttribute('class')).not.toContain('over');
    await expect.poll(() => page.locator('#import-notice').textContent(), { timeout: 60_000 }).toBe('Imported model dropped-model.');
    await expect.poll(() => page.locator('#model-name').textContent(), { timeout: 60_000 }).toBe('dropped-model');
    await context.close();
  });

  it('a valid folder is accepted through the folder picker', async () => {
    const context = await freshContext();
    const page = await context.newPage();
    await open(page);
    await page.locator('#model-settings summary').click();
    await page.locator('#import-folder').setInputFiles(modelCopy('folder-model'));
    await expect.poll(() => page.locator('#model-name').textContent(), { timeout: 60_000 }).toBe('folder-model');
    await context.close();
  });

  const broken: [string, (dir: string) => void, RegExp][] = [
    ['one changed byte', (d) => flipByte(join(d, ONNX)), new RegExp(`${ONNX.replace(/[./]/g, '\\$&')}: SHA-256 .* does not match manifest\\.json`)],
    ['a missing file', (d) => rmSync(join(d, 'parity.json')), /parity\.json: missing \(listed in manifest\.json\)/],
    ['other label words', (d) => editManifest(d, (m) => (m.prompt.label_wrong = '不对')), /label words 正确\/不对 differ from 正确\/错误/],
    ['another prompt version', (d) => editManifest(d, (m) => (m.prompt.version = 7)), /prompt format version 7 does not match/],
    ['no manifest', (d) => rmSync(join(d, 'manifest.json')), /no manifest\.json/],
  ];
  describe('refused', () => {
    // One page for all of them: a refused model changes nothing (checked each time).
    let context: BrowserContext;
    let page: Page;
    beforeAll(async () => {
      context = await freshContext();
      page = await context.newPage();
      await open(page);
      await page.locator('#model-settings summary').click();
    });
    afterAll(() => context?.close());

    it.each(broken)('a model with %s, saying what is wrong', async (_, edit, message) => {
      await importZip(page, modelCopy('bad-model', edit), 'bad-model.zip');
      await expect.poll(() => page.locator('#import-error').textContent(), { timeout: 60_000 }).toMatch(message);
      expect(await page.locator('#import-error').textContent()).toContain('bad-model.zip is not a usable model');
      expect(await page.locator('#model-name').textContent()).toBe(defaultName); // still scoring with the default
      expect((await cachedRows(page)).map((r) => r.name)).toEqual([defaultName]);
    });

    it("a model taking the name of the app's own model", async () => {
      await importZip(page, modelCopy(defaultName));
      await expect.poll(() => page.locator('#import-error').textContent(), { timeout: 60_000 }).toContain(`the name ${defaultName} is taken`);
    });
  });
});

/** The default model's folder under another name (the manifest is not in its own file list). */
function modelCopy(name: string, edit?: (dir: string) => void): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'byo-')), name);
  tmp.push(dir);
  cpSync(defaultDir, dir, { recursive: true });
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  m.name = name;
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m, null, 1));
  edit?.(dir);
  return dir;
}

function flipByte(path: string): void {
  const bytes = readFileSync(path);
  bytes[100] ^= 1;
  writeFileSync(path, bytes);
}

function editManifest(dir: string, edit: (m: Record<string, any>) => void): void {
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  edit(m);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m));
}
