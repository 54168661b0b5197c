/** docs/bad-inputs.md promises a test for every row: each row must name a test file that exists and holds that title. */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const lines = readFileSync(resolve(ROOT, 'docs/bad-inputs.md'), 'utf8').split('\n');
// Table rows, less each table's header and separator lines.
const rows = lines.filter((l) => l.startsWith('| ') && !l.startsWith('| bad input or fault |'));
// The last cell: `tests/…/file` › a literal part of the test's title
const TEST_CELL = /\| `([^`]+)` › ([^|]+?) \|$/;

it('has at least 40 rows, each naming its test in the last cell', () => {
  expect(rows.length).toBeGreaterThanOrEqual(40);
  for (const row of rows) expect(row, 'a row without a test cell').toMatch(TEST_CELL);
});

it.each(rows.map((row) => [row.match(TEST_CELL)?.[1] ?? '', row.match(TEST_CELL)?.[2] ?? '', row] as const))(
  '%s holds a test titled "…%s…"',
  (file, title, row) => {
    expect(existsSync(resolve(ROOT, file)), `${file} (named in: ${row})`).toBe(true);
    expect(readFileSync(resolve(ROOT, file), 'utf8'), row).toContain(title);
  },
);
