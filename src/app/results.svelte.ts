/**
 * The scored-results store: what one audit run (a dropped file, or the paste box as a
 * one-column table named `pasted.txt`) knows about its rows. The results view, the
 * review mode (issue 5) and the explanations (issue 7) read it; only the audit run
 * (audit.svelte.ts) writes scores into it.
 *
 * Built for a million rows: nothing here holds one object per row. Scores live in
 * typed arrays sized once from the table's row count; the original rows stay in the
 * file and are re-read on demand through the RowSource (the table worker re-parses the
 * few blocks of the file that hold the rows asked for).
 *
 * Contract (row index i is 0-based over the data rows, header excluded, file order):
 *   name, header, total     file name, its column names, its number of data rows
 *   size                    rows scored so far; rows are scored in file order, so
 *                           rows [0, size) have scores and the rest have none yet
 *   pCorrect(i)             P(correct) = sigmoid(r_correct - r_wrong); NaN when unscored.
 *                           With an adapter on (adapted), the adapter's P(correct) instead
 *   adapterKept / adapted   whether the run was scored with an adapter (both readings are
 *                           kept, side by side), and whether verdicts now read its scores;
 *                           switched off, every getter reads the base scores as they
 *                           were stored, bit for bit
 *   truncated(i)            the record was longer than the model's max_length
 *   threshold               the cut-off the verdicts use (starts at manifest.threshold, or
 *                           the adapter's; the slider and the PR curve move it; the base
 *                           and the adapted readings each keep their own)
 *   verdict(i)              'correct' if pCorrect(i) >= threshold, else 'wrong'; null
 *                           when unscored (the CLI and the exports cut the same way)
 *   uncertain(i)            |pCorrect(i) - threshold| < uncertainBand: worth a human look
 *   label(i)                the file's own label for row i when a label column is mapped
 *                           and the cell reads as a label; null otherwise
 *   cells(rows) / record(i) the original cells / the exact text the model read (async)
 *   version                 a number that changes on every change (scores added,
 *                           threshold moved). Reading it (or size, threshold, counts(),
 *                           scores(), hasLabels, truncatedCount) inside a Svelte effect,
 *                           template or $derived subscribes to changes. The per-row
 *                           getters do not subscribe (they run in loops over a million
 *                           rows): read version next to them.
 *   subscribe(fn)           the same signal for code outside Svelte; returns unsubscribe
 */
import type { ScoredRecord, Verdict } from '../core/scorer';
export { parseLabel } from '../core/column-mapping';

export type { Verdict };

/** Where a results store reads the original rows from. */
export interface RowSource {
  /** The file's name, for messages and export file names. */
  readonly name: string;
  readonly header: string[];
  /** Number of data rows (header excluded). */
  readonly rowCount: number;
  /**
   * The column naming each row's kind of error, as the column mapping chose it (null: none);
   * left out, the per-class table looks for a column named like error_class.
   */
  readonly errorClass?: number | null;
  /** The original cells of these rows, in the order asked. */
  cells(rows: number[]): Promise<string[][]>;
  /** The record texts the model reads for these rows (composed by the column mapping). */
  records(rows: number[]): Promise<string[]>;
}

export interface Counts {
  scored: number;
  correct: number;
  wrong: number;
  uncertain: number;
}

export class ScoredResults {
  readonly name: string;
  readonly header: string[];
  readonly total: number;
  uncertainBand = 0.1;

  /** The base model's P(correct), and the adapter's when the run was scored with one. */
  private p: Float32Array;
  private q: Float32Array | null;
  private useAdapter: boolean;
  private cut: Uint8Array;
  /** -1 no label, 0 wrong, 1 correct. */
  private labels: Int8Array;
  private scored = 0;
  private labelled = 0;
  private cutRows = 0;
  /** The base reading's threshold, then the adapter's. */
  private cutOffs: [number, number];
  /**
   * Bumped on every change. A $state signal: a getter that reads it subscribes the
   * effect, template or $derived it runs in, and reading it again in the same one (in a
   * loop over rows, say) adds nothing. (createSubscriber, used before, made an effect per
   * read inside a $derived: one per row in a loop, 135 bytes a row.)
   */
  private changes = $state(0);
  private listeners = new Set<() => void>();

  /** `adapterThreshold`: the run is scored with an adapter too (its scores arrive as adaptedP). */
  constructor(
    readonly source: RowSource,
    threshold: number,
    adapterThreshold: number | null = null,
  ) {
    this.name = source.name;
    this.header = source.header;
    this.total = source.rowCount;
    this.p = new Float32Array(this.total).fill(NaN);
    this.q = adapterThreshold === null ? null : new Float32Array(this.total).fill(NaN);
    this.useAdapter = this.q !== null;
    this.cut = new Uint8Array(this.total);
    this.labels = new Int8Array(this.total).fill(-1);
    this.cutOffs = [threshold, adapterThreshold ?? threshold];
  }

  /** The reading the getters use. */
  private get active(): Float32Array {
    return this.useAdapter && this.q ? this.q : this.p;
  }

  private get cutOff(): number {
    return this.cutOffs[this.useAdapter ? 1 : 0];
  }

  /** The run was scored with an adapter: its reading is kept beside the base one. */
  get adapterKept(): boolean {
    return this.q !== null;
  }

  /** Whether scores and verdicts are the adapter's (model + adapter) rather than the base model's. */
  get adapted(): boolean {
    void this.changes;
    return this.useAdapter;
  }

  set adapted(on: boolean) {
    if (on && !this.q) throw new Error('this run was scored without an adapter: score it again with one');
    if (on === this.useAdapter) return;
    this.useAdapter = on;
    this.changed();
  }

  /** The base model's P(correct), whichever reading is on. */
  baseP(i: number): number {
    return this.p[i];
  }

  /** The adapter's P(correct), whichever reading is on; NaN when the run had no adapter. */
  adaptedP(i: number): number {
    return this.q ? this.q[i] : NaN;
  }

  get size(): number {
    void this.changes;
    return this.scored;
  }

  get version(): number {
    return this.changes;
  }

  get threshold(): number {
    void this.changes;
    return this.cutOff;
  }

  set threshold(value: number) {
    if (!(value >= 0 && value <= 1)) throw new RangeError(`threshold ${value} is not in [0, 1]`);
    if (value === this.cutOff) return;
    this.cutOffs[this.useAdapter ? 1 : 0] = value;
    this.changed();
  }

  pCorrect(i: number): number {
    return this.active[i];
  }

  truncated(i: number): boolean {
    return this.cut[i] === 1;
  }

  verdict(i: number): Verdict | null {
    if (i >= this.scored) return null;
    return this.active[i] >= this.cutOff ? 'correct' : 'wrong';
  }

  uncertain(i: number): boolean {
    return i < this.scored && Math.abs(this.active[i] - this.cutOff) < this.uncertainBand;
  }

  label(i: number): Verdict | null {
    const l = this.labels[i];
    return l < 0 ? null : l === 1 ? 'correct' : 'wrong';
  }

  /** How many scored records were longer than the model's max_length. */
  get truncatedCount(): number {
    void this.changes;
    return this.cutRows;
  }

  /** Whether any row has a label (a label column was mapped and read). */
  get hasLabels(): boolean {
    void this.changes;
    return this.labelled > 0;
  }

  cells(rows: number[]): Promise<string[][]> {
    return this.source.cells(rows);
  }

  async record(i: number): Promise<string> {
    return (await this.source.records([i]))[0];
  }

  /** The scores so far as one array (a view, not a copy: read it, don't keep it). */
  scores(): Float32Array {
    void this.changes;
    return this.active.subarray(0, this.scored);
  }

  counts(): Counts {
    void this.changes;
    const c: Counts = { scored: this.scored, correct: 0, wrong: 0, uncertain: 0 };
    const p = this.active;
    const cutOff = this.cutOff;
    for (let i = 0; i < this.scored; i++) {
      if (p[i] >= cutOff) c.correct++;
      else c.wrong++;
      if (Math.abs(p[i] - cutOff) < this.uncertainBand) c.uncertain++;
    }
    return c;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Add the scores of rows [start, start + scored.length). Only the audit run calls this,
   * in file order: start must be the current size (a resumed run starts where it stopped).
   */
  append(start: number, scored: (ScoredRecord & { adaptedP?: number })[], labels?: (Verdict | null)[]): void {
    if (start !== this.scored) throw new Error(`scores for row ${start} arrive but ${this.scored} rows are scored`);
    if (start + scored.length > this.total) throw new Error(`scores past the table's ${this.total} rows`);
    const q = this.q;
    if (q && scored.some((s) => s.adaptedP === undefined)) throw new Error(`scores for row ${start} arrive without the adapter's`);
    scored.forEach((s, k) => {
      this.p[start + k] = s.pCorrect;
      if (q) q[start + k] = s.adaptedP!;
      this.cut[start + k] = s.truncated ? 1 : 0;
      if (s.truncated) this.cutRows++;
      const l = labels?.[k];
      if (l) {
        this.labels[start + k] = l === 'correct' ? 1 : 0;
        this.labelled++;
      }
    });
    this.scored += scored.length;
    this.changed();
  }

  private changed(): void {
    this.changes++;
    for (const listener of this.listeners) listener();
  }
}
