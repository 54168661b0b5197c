/**
 * A long text's beginning for a list or a table cell: a 5 MB cell printed whole makes a
 * preview unreadable and the page slow. The detail view shows the whole text.
 */

/** Characters a preview or a table cell shows of one text. */
export const PREVIEW_CHARS = 300;

export interface Clipped {
  /** The beginning shown; never ends inside a surrogate pair. */
  shown: string;
  /** Whether there is more than `shown`. */
  clipped: boolean;
  /** The whole text's length in characters (UTF-16 code units, as String.length counts). */
  length: number;
}

export function clip(text: string, max = PREVIEW_CHARS): Clipped {
  if (text.length <= max) return { shown: text, clipped: false, length: text.length };
  // A high surrogate last would leave half a character (a '?' box) before the ellipsis.
  const end = /[\uD800-\uDBFF]/.test(text[max - 1]) ? max - 1 : max;
  return { shown: text.slice(0, end), clipped: true, length: text.length };
}
