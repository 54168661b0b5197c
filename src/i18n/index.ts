/**
 * The one message catalog (issue 42): every string the app shows comes from
 * locales/<locale>.json through `t`. One i18next instance per realm (page, worker, CLI):
 * the page picks the locale (browser languages, or the user's choice), tells its workers,
 * and Node (the CLI, unit tests) stays in English unless told otherwise.
 */
import i18next from 'i18next';
import en from './locales/en.json';
import zhCN from './locales/zh-CN.json';

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
/** Each language named in itself, for the switcher. */
export const LOCALE_NAMES: Record<Locale, string> = { 'zh-CN': '简体中文', en: 'English' };

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof en };
  }
}

export const i18n = i18next.createInstance();
void i18n.init({
  lng: 'en',
  fallbackLng: 'en',
  resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
  // Svelte escapes what it renders; messages hold record text verbatim.
  interpolation: { escapeValue: false },
  initAsync: false,
  returnNull: false,
});

export const t = i18n.t.bind(i18n) as typeof i18n.t;

export function locale(): Locale {
  return i18n.language as Locale;
}

export function setLocale(l: Locale): void {
  if (l !== i18n.language) void i18n.changeLanguage(l);
}

export function isLocale(tag: string | null | undefined): tag is Locale {
  return (LOCALES as readonly (string | null | undefined)[]).includes(tag);
}

/** The first of the browser's languages we speak: any zh-* is 简体中文; otherwise English. */
export function pickLocale(preferred: readonly string[], saved?: string | null): Locale {
  if (isLocale(saved)) return saved;
  for (const tag of preferred) {
    const lower = tag.toLowerCase();
    if (lower.startsWith('zh')) return 'zh-CN';
    if (lower.startsWith('en')) return 'en';
  }
  return 'en';
}
