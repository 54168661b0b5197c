import { describe, expect, it } from 'vitest';
import { showInvisible, visiblePieces } from '../../src/core/invisible';

describe('invisible characters', () => {
  it('cuts text into visible runs and marked invisible characters', () => {
    expect(visiblePieces('北京市')).toEqual([{ text: '北京市' }]);
    expect(visiblePieces('\uFEFF学院路\u202E92号\u200B')).toEqual([
      { text: '\uFEFF', code: 'U+FEFF' },
      { text: '学院路' },
      { text: '\u202E', code: 'U+202E' },
      { text: '92号' },
      { text: '\u200B', code: 'U+200B' },
    ]);
  });

  it('marks controls, zero-width, bidi and soft-hyphen characters, and leaves tabs, line breaks and full-width spaces alone', () => {
    expect(showInvisible('a\u0007b\u00ADc\u2066d\u2069e\u061Cf')).toBe('a⟨U+0007⟩b⟨U+00AD⟩c⟨U+2066⟩d⟨U+2069⟩e⟨U+061C⟩f');
    expect(showInvisible('a\tb\nc\u3000d e')).toBe('a\tb\nc\u3000d e');
    expect(showInvisible('😀\u200D😀')).toBe('😀⟨U+200D⟩😀'); // code points, not UTF-16 halves
  });
});
