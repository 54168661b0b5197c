/** What tests of a zh-CN page count as English left untranslated (issue 42): locale.test.ts and adapter.test.ts. */
import type { Page } from 'playwright-core';

/**
 * Latin words a Chinese page rightly shows: formats, encodings, backends, the formula's
 * letters, units. Everything else in Latin letters must be the user's data (marked
 * [data-content]: records, the file's own column names, file and model names) or code.
 */
const ALLOWED = new Set(
  'P e r MiB KiB GiB WASM wasm WebGPU webgpu ONNX onnx UTF GBK GB BOM Excel CSV csv TSV tsv JSONL jsonl TXT txt zip TRL RewardTrainer softmax int fp MB KB F SHA MODEL_CARD md'.split(' '),
);

/**
 * English words the page shows outside [data-content], code and kbd, with where each was
 * found; `data` names words of the user's own that messages quote (file names).
 */
export async function englishOnPage(page: Page, data: string[] = []): Promise<string[]> {
  // The model's own name shows inside messages ("twin-default（默认）"): its words are data too.
  const model = (await page.locator('#model-name').textContent()) ?? '';
  return page.evaluate((allowed) => {
    // MODEL_CARD.md is the model's own document, written in English by twinscore-card and shown
    // as it is (marked lang="en", and the panel says so).
    const skip = (el: Element | null) => !!el?.closest('[data-content], code, kbd, script, style, .u-legend, [hidden], .document[lang="en"]');
    const found: string[] = [];
    const check = (text: string, where: string) => {
      for (const word of text.match(/[A-Za-z][A-Za-z_']*/g) ?? []) if (!allowed.includes(word)) found.push(`${word} (${where}: "${text.trim().slice(0, 60)}")`);
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!el || skip(el) || !(el.offsetParent || el.tagName === 'OPTION')) continue;
      check(node.textContent ?? '', el.tagName.toLowerCase() + (el.id ? `#${el.id}` : ''));
    }
    for (const el of document.querySelectorAll('[placeholder], [title], [aria-label], [alt]')) {
      if (skip(el)) continue;
      for (const attr of ['placeholder', 'title', 'aria-label', 'alt']) {
        const value = el.getAttribute(attr);
        if (value) check(value, `${el.tagName.toLowerCase()}[${attr}]`);
      }
    }
    check(document.title, 'title');
    return [...new Set(found)];
  }, [...ALLOWED, ...data, ...(model.match(/[A-Za-z]+/g) ?? [])]);
}
