/** The catalog: both languages hold the same messages with the same placeholders; the locale follows the browser. */
import { describe, expect, it } from 'vitest';
import en from '../../src/i18n/locales/en.json';
import zh from '../../src/i18n/locales/zh-CN.json';
import { i18n, pickLocale } from '../../src/i18n';
import { pct } from '../../src/i18n/format';

type Tree = { [k: string]: string | Tree };
function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    if (typeof v === 'string') out.set(prefix + k, v);
    else for (const [kk, vv] of leaves(v, `${prefix}${k}.`)) out.set(kk, vv);
  }
  return out;
}
// Plural forms differ by language (zh has only _other): compare messages by their base key.
const base = (key: string) => key.replace(/_(one|other)$/, '');
const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)/g)].map((m) => m[1]).sort();

describe('the catalog', () => {
  const [enLeaves, zhLeaves] = [leaves(en as Tree), leaves(zh as Tree)];

  it('has every message in both languages', () => {
    expect([...new Set([...zhLeaves.keys()].map(base))].sort()).toEqual([...new Set([...enLeaves.keys()].map(base))].sort());
  });

  it('gives each message the same placeholders in both languages', () => {
    for (const [key, text] of enLeaves) {
      const other = zhLeaves.get(key) ?? zhLeaves.get(`${base(key)}_other`);
      expect(placeholders(other ?? ''), key).toEqual(placeholders(text));
    }
  });

  it('has Chinese in every zh-CN message and no message left in English', () => {
    for (const [key, text] of zhLeaves) {
      if (/^[\s{}\w().,:;'"/%…·×-]*$/.test(text.replace(/\{\{\w+\}\}/g, ''))) expect.fail(`${key}: "${text}" has no Chinese`);
    }
  });

  it('renders plurals and placeholders in each language', () => {
    expect(i18n.t('review.start', { n: '1', count: 1, lng: 'en' })).toBe('Review 1 scored record');
    expect(i18n.t('review.start', { n: '2', count: 2, lng: 'en' })).toBe('Review 2 scored records');
    expect(i18n.t('review.start', { n: '2', count: 2, lng: 'zh-CN' })).toBe('复核已评估的 2 条记录');
    expect(i18n.t('table_file.header_only', { name: 'a.csv', lng: 'zh-CN' })).toBe('a.csv：只有表头，没有记录');
  });
});

describe('the locale', () => {
  it('follows the first browser language it speaks; a saved choice wins', () => {
    expect(pickLocale(['zh-TW', 'en'])).toBe('zh-CN');
    expect(pickLocale(['fr-FR', 'en-GB', 'zh-CN'])).toBe('en');
    expect(pickLocale(['fr-FR'])).toBe('en');
    expect(pickLocale(['zh-CN'], 'en')).toBe('en');
    expect(pickLocale(['en-US'], 'zh-CN')).toBe('zh-CN');
    expect(pickLocale(['en-US'], 'klingon')).toBe('en');
  });

  it('Node stays in English, with Intl formats', () => {
    expect(i18n.language).toBe('en');
    expect(pct(0.9894)).toBe('98.9%');
    expect(pct(null)).toBe('–');
  });
});
