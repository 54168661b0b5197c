/**
 * Review mode: walk the scored rows one at a time, most doubtful first (P(correct)
 * nearest the threshold) or lowest score first, and record a human decision for each.
 * Reads a ScoredResults (results.svelte.ts); every decision goes straight to IndexedDB through
 * the corrections store.
 */
import type { ScoredResults } from './results.svelte';
import { corrections, type Correction } from './corrections.svelte';

export type ReviewOrder = 'uncertainty' | 'score';

/** Rows [0, size) ordered for review; ties keep file order. */
export function reviewOrder(results: ScoredResults, order: ReviewOrder): Uint32Array {
  const t = results.threshold;
  const n = results.size;
  const key = new Float64Array(n);
  for (let i = 0; i < n; i++) key[i] = order === 'uncertainty' ? Math.abs(results.pCorrect(i) - t) : results.pCorrect(i);
  return Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => key[a] - key[b] || a - b);
}

export interface Shown {
  row: number;
  record: string;
  pCorrect: number;
  verdict: 'correct' | 'wrong';
}

/** How many queue rows to check against saved decisions when review opens. */
const SCAN_LIMIT = 20_000;

class ReviewState {
  open = $state(false);
  order = $state<ReviewOrder>('uncertainty');
  position = $state(0);
  queue = $state.raw<Uint32Array>(new Uint32Array());
  shown = $state<Shown | null>(null);
  helpOpen = $state(false);
  /** Rows of this table with a saved decision: row -> correct. */
  decided = $state.raw<Map<number, boolean>>(new Map());
  model = '';
  /** The table under review. */
  results: ScoredResults | null = null;
  private undoStack: { row: number; position: number; key: string; replaced?: Correction }[] = [];
  private generation = 0;

  get total(): number {
    return this.queue.length;
  }

  get reviewed(): number {
    return this.decided.size;
  }

  /** The decision saved for the row on screen, if any. */
  get decision(): boolean | undefined {
    return this.shown ? this.decided.get(this.shown.row) : undefined;
  }

  async start(results: ScoredResults, model: string): Promise<void> {
    await corrections.load();
    this.results = results;
    this.model = model;
    this.open = true;
    this.undoStack = [];
    await this.reorder(this.order);
  }

  close(): void {
    this.open = false;
    this.helpOpen = false;
  }

  async reorder(order: ReviewOrder): Promise<void> {
    if (!this.results) return;
    this.order = order;
    this.queue = reviewOrder(this.results, order);
    this.decided = new Map();
    const generation = ++this.generation;
    await this.show(0);
    await this.scanSaved(generation);
  }

  async next(): Promise<void> {
    if (this.position + 1 < this.queue.length) await this.show(this.position + 1);
  }

  async previous(): Promise<void> {
    if (this.position > 0) await this.show(this.position - 1);
  }

  /** Save the decision on the row shown, then move on to the next row. */
  async decide(correct: boolean): Promise<void> {
    const shown = this.shown;
    if (!shown) return;
    const result = await corrections.decide({ model: this.model, record: shown.record, pCorrect: shown.pCorrect, correct });
    if (!result) return; // corrections.error says why
    this.undoStack.push({ row: shown.row, position: this.position, key: result.saved.key, replaced: result.replaced });
    this.decided = new Map(this.decided).set(shown.row, correct);
    if (this.position + 1 < this.queue.length) await this.show(this.position + 1);
  }

  /** Take back the last decision made here and go back to its row. */
  async undo(): Promise<void> {
    const last = this.undoStack.pop();
    if (!last) return;
    await corrections.restore(last.key, last.replaced);
    const decided = new Map(this.decided);
    if (last.replaced && last.replaced.model === this.model) decided.set(last.row, last.replaced.correct);
    else decided.delete(last.row);
    this.decided = decided;
    await this.show(last.position);
  }

  private async show(position: number): Promise<void> {
    const results = this.results;
    if (!results || position >= this.queue.length) {
      this.shown = null;
      return;
    }
    this.position = position;
    const row = this.queue[position];
    const record = await results.record(row);
    if (this.position !== position) return; // moved on while the row was read
    this.shown = { row, record, pCorrect: results.pCorrect(row), verdict: results.verdict(row) ?? 'wrong' };
  }

  /** Mark the rows already decided in an earlier visit (saved corrections for this model). */
  private async scanSaved(generation: number): Promise<void> {
    const results = this.results;
    if (!results) return;
    const saved = new Map(corrections.list.filter((c) => c.model === this.model).map((c) => [c.record, c.correct]));
    if (saved.size === 0) return;
    const rows = Array.from(this.queue.subarray(0, SCAN_LIMIT));
    for (let start = 0; start < rows.length; start += 2000) {
      const chunk = rows.slice(start, start + 2000);
      const records = await results.source.records(chunk);
      if (generation !== this.generation) return;
      const decided = new Map(this.decided);
      records.forEach((r, k) => {
        const correct = saved.get(r);
        if (correct !== undefined && !decided.has(chunk[k])) decided.set(chunk[k], correct);
      });
      this.decided = decided;
    }
  }
}

export const review = new ReviewState();
