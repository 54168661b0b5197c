/** One JSON object per line, as build-dataset and twinscore-generate write them; errors name the line. */
import { readFileSync } from 'node:fs';

export function readJsonl<T>(path: string, check: (row: Record<string, unknown>, where: string) => T): T[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .flatMap((line, i) => {
      if (!line.trim()) return [];
      const where = `${path} line ${i + 1}`;
      let row: Record<string, unknown>;
      try {
        row = JSON.parse(line);
      } catch (e) {
        throw new Error(`${where}: invalid JSON (${(e as Error).message})`);
      }
      return [check(row, where)];
    });
}
