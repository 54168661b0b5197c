/**
 * The results table is split into pages of rows when a file is too long for one
 * scrolling element: browsers cap an element's height (Chrome near 33.5 million px,
 * Firefox near 17.9 million), so at 30 px a row a single virtual list stops scrolling
 * after about 600,000 rows in Firefox and 1.1 million in Chrome (TanStack/virtual#565).
 * Each page is its own virtual list, well under both caps.
 */
export const PAGE_ROWS = 500_000;

/** `?rows_per_page=N` shows N rows a page (at least 100, at most PAGE_ROWS). */
export function rowsPerPage(search: string): number {
  const asked = Number(new URLSearchParams(search).get('rows_per_page'));
  return Number.isInteger(asked) && asked >= 100 ? Math.min(asked, PAGE_ROWS) : PAGE_ROWS;
}

export interface PageSpan {
  /** Pages in all (1 for an empty table). */
  pages: number;
  /** The page shown, clamped to the pages there are. */
  page: number;
  /** Position in the view of the page's first row, and how many rows the page has. */
  first: number;
  count: number;
}

export function pageSpan(total: number, page: number, perPage: number): PageSpan {
  const pages = Math.max(1, Math.ceil(total / perPage));
  const shown = Math.min(Math.max(0, page), pages - 1);
  const first = shown * perPage;
  return { pages, page: shown, first, count: Math.max(0, Math.min(perPage, total - first)) };
}
