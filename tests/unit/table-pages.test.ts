import { describe, expect, it } from 'vitest';
import { PAGE_ROWS, pageSpan, rowsPerPage } from '../../src/app/table-pages';

describe('table pages', () => {
  it('keeps a page under the browsers\' element-height caps at 30 px a row', () => {
    expect(PAGE_ROWS * 30).toBeLessThan(17_895_697); // Firefox's cap, the lower of the two
  });

  it('splits the rows in view into pages, the last one shorter', () => {
    expect(pageSpan(2_500, 0, 1_000)).toEqual({ pages: 3, page: 0, first: 0, count: 1_000 });
    expect(pageSpan(2_500, 2, 1_000)).toEqual({ pages: 3, page: 2, first: 2_000, count: 500 });
    expect(pageSpan(1_200_000, 1, PAGE_ROWS)).toEqual({ pages: 3, page: 1, first: 500_000, count: 500_000 });
  });

  it('clamps a page past the end (the view shrank under a filter) and an empty table to page one', () => {
    expect(pageSpan(1_500, 7, 1_000)).toEqual({ pages: 2, page: 1, first: 1_000, count: 500 });
    expect(pageSpan(0, 3, 1_000)).toEqual({ pages: 1, page: 0, first: 0, count: 0 });
    expect(pageSpan(999, 0, 1_000)).toEqual({ pages: 1, page: 0, first: 0, count: 999 });
  });

  it('reads ?rows_per_page, ignoring what it cannot use', () => {
    expect(rowsPerPage('')).toBe(PAGE_ROWS);
    expect(rowsPerPage('?rows_per_page=1000&backend=wasm')).toBe(1_000);
    expect(rowsPerPage('?rows_per_page=10')).toBe(PAGE_ROWS);
    expect(rowsPerPage('?rows_per_page=abc')).toBe(PAGE_ROWS);
    expect(rowsPerPage('?rows_per_page=9000000')).toBe(PAGE_ROWS);
  });
});
