/** Previews and table cells show a long text's beginning and its full length (src/core/clip.ts). */
import { describe, expect, it } from 'vitest';
import { clip, PREVIEW_CHARS } from '../../src/core/clip';

describe('clip', () => {
  it('keeps a short text whole', () => {
    expect(clip('张三，北京')).toEqual({ shown: '张三，北京', clipped: false, length: 5 });
  });

  it('cuts a 5 MB cell to its first characters and keeps its full length', () => {
    const cell = '北'.repeat(5 * 1024 * 1024);
    const c = clip(cell);
    expect(c).toEqual({ shown: '北'.repeat(PREVIEW_CHARS), clipped: true, length: 5 * 1024 * 1024 });
  });

  it('never leaves half a surrogate pair at the cut', () => {
    const text = 'a'.repeat(9) + '😀'.repeat(5); // the emoji's high half would be the 10th unit
    expect(clip(text, 10)).toEqual({ shown: 'a'.repeat(9), clipped: true, length: 19 });
    expect(clip(text, 11).shown).toBe('a'.repeat(9) + '😀');
  });
});
