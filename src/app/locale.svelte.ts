/**
 * The page's language: the browser's (navigator.languages) until the user picks one in the
 * header; the choice persists in localStorage. `t` here is the catalog's, made reactive:
 * a template that calls it re-renders when the language changes.
 */
import { i18n, pickLocale, setLocale, type Locale } from '../i18n';
import * as format from '../i18n/format';

const KEY = 'twinscore.locale';

function saved(): string | null {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null; // storage blocked: follow the browser
  }
}

class PageLocale {
  current = $state<Locale>(pickLocale(globalThis.navigator?.languages ?? [], saved()));
  /** Told of every change (the workers translate their own messages). */
  private listeners: ((l: Locale) => void)[] = [];

  constructor() {
    this.apply();
  }

  choose(l: Locale): void {
    this.current = l;
    try {
      localStorage.setItem(KEY, l);
    } catch {
      // not persisted; the page still switches
    }
    this.apply();
  }

  onChange(listener: (l: Locale) => void): void {
    this.listeners.push(listener);
    listener(this.current);
  }

  private apply(): void {
    setLocale(this.current);
    if (typeof document !== 'undefined') {
      document.documentElement.lang = this.current;
      document.title = i18n.t('app.title');
    }
    for (const listener of this.listeners) listener(this.current);
  }
}

export const pageLocale = new PageLocale();

export const t = ((...args: Parameters<typeof i18n.t>) => {
  void pageLocale.current; // the dependency that re-renders on a switch
  return (i18n.t as unknown as (...a: unknown[]) => string)(...args);
}) as typeof i18n.t;

/** The locale's number, share and date formats, re-rendering on a switch like `t`. */
export const num: typeof format.num = (...a) => (void pageLocale.current, format.num(...a));
export const pct: typeof format.pct = (...a) => (void pageLocale.current, format.pct(...a));
export const dateTime: typeof format.dateTime = (...a) => (void pageLocale.current, format.dateTime(...a));
export const megabytes: typeof format.megabytes = (...a) => (void pageLocale.current, format.megabytes(...a));
