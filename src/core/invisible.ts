/**
 * Characters a reviewer cannot see but the model reads: control characters, zero-width
 * ones, the byte-order mark, and the bidirectional overrides and isolates that make a
 * record read differently on screen from what was scored (U+202E turns the rest of a line
 * around). The page shows each as a marked ⟨U+XXXX⟩; exports keep the original text.
 */
const INVISIBLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/gu;

const ANY = new RegExp(INVISIBLE.source, 'u'); // no lastIndex to carry between calls

export interface Piece {
  text: string;
  /** U+XXXX of an invisible character; absent for visible text. */
  code?: string;
}

/** The text cut into visible runs and single invisible characters, in order. */
export function visiblePieces(text: string): Piece[] {
  if (!ANY.test(text)) return [{ text }];
  const out: Piece[] = [];
  let last = 0;
  for (const m of text.matchAll(INVISIBLE)) {
    if (m.index > last) out.push({ text: text.slice(last, m.index) });
    out.push({ text: m[0], code: `U+${m[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last) });
  return out;
}

/** The text as the page shows it: each invisible character as ⟨U+XXXX⟩. */
export function showInvisible(text: string): string {
  return visiblePieces(text).map((p) => (p.code ? `⟨${p.code}⟩` : p.text)).join('');
}
