/** Numbers, shares and dates for the current locale, through Intl (one place for all of them). */
import { locale } from './index';

const cache = new Map<string, Intl.NumberFormat>();
function numberFormat(options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = locale() + JSON.stringify(options);
  let f = cache.get(key);
  if (!f) cache.set(key, (f = new Intl.NumberFormat(locale(), options)));
  return f;
}

/** 20,000 (grouped); `digits` fixes the decimals. */
export function num(n: number, digits?: number): string {
  return numberFormat(digits === undefined ? {} : { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(n);
}

/**
 * A share as a percentage with `digits` decimals; '–' for none. Saturated shares keep
 * their size visible (0.0012 %, not 0.0 %) when `keepSmall` is set.
 */
export function pct(x: number | null | undefined, digits = 1, keepSmall = false): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  if (keepSmall && x > 0 && x < 1e-5) return numberFormat({ style: 'percent', maximumSignificantDigits: 2 }).format(x);
  return numberFormat({ style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(x);
}

export function dateTime(at: number | Date): string {
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(at);
}

/** 3.2 MB: bytes in decimal megabytes, as download sizes are given. */
export function megabytes(bytes: number): string {
  return `${num(bytes / 1e6, 1)} MB`;
}
