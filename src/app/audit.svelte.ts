/**
 * One audit run: a table (a dropped file, or the paste box as a one-column pasted.txt)
 * is indexed by the table worker, its columns mapped to the model's record template,
 * then scored in batches through the scoring worker into a ScoredResults store.
 *
 * Pause waits for the batch in flight; Cancel stops the scoring worker at once and keeps
 * every finished batch; a crashed scoring worker is restarted and the run goes on from
 * the last finished batch (MAX_CRASHES in a row stop it, and Resume goes on by hand).
 */
import * as Comlink from 'comlink';
import { DEFAULT_RECORD_TEMPLATE, type RecordTemplate } from '../core/record-template';
import { composeRow, guessErrorClass, guessMapping, mappingKey, mappingProblem, type ColumnMapping } from '../core/column-mapping';
import type { Adapter } from '../core/adapter';
import type { AdaptedRecord } from '../../workers/scorer.worker';
import type { RowPlace, TableInfo } from '../../workers/table.worker';
import { ScoredResults, type RowSource } from './results.svelte';
import { AbortError, WorkerCrashError } from './scorer-bridge';
import { scoring } from './scoring.svelte';
import { TableBridge } from './table-bridge';
import { num, pageLocale, t } from './locale.svelte';

export type Phase = 'empty' | 'opening' | 'mapping' | 'scoring' | 'paused' | 'done' | 'cancelled' | 'stopped';

/** Distinct records per call to the scoring worker: small enough that Cancel and crashes lose little. */
const BATCH = 256;
/** Rows per batch at most, when records repeat (a repeat is not scored again). */
const BATCH_ROWS = 4096;
const MAX_CRASHES = 3;
const PASTE_NAME = 'pasted.txt';

export interface Progress {
  done: number;
  total: number;
  perSecond: number;
  secondsLeft: number;
}

function template(): RecordTemplate {
  // A plain copy: the model info is reactive state, and proxies cannot be sent to a worker.
  return $state.snapshot(scoring.model?.manifest.record_template) ?? DEFAULT_RECORD_TEMPLATE;
}

class AuditState {
  phase = $state<Phase>('empty');
  table = $state.raw<TableInfo | null>(null);
  file = $state.raw<File | null>(null);
  openedBytes = $state(0);
  mapping = $state<ColumnMapping | null>(null);
  /** The exact texts the model will read for the first rows under the current mapping. */
  preview = $state.raw<string[]>([]);
  results = $state.raw<ScoredResults | null>(null);
  progress = $state<Progress>({ done: 0, total: 0, perSecond: 0, secondsLeft: 0 });
  error = $state<string | null>(null);
  notice = $state<string | null>(null);
  emptyRows = $state.raw<RowPlace[]>([]);
  badLabelRows = $state.raw<RowPlace[]>([]);

  readonly tables = new TableBridge();
  /** The kept adapter, while switched on (set by adapter.svelte.ts): runs score with it too. */
  adapter = $state.raw<Adapter | null>(null);

  constructor() {
    pageLocale.onChange((l) => this.tables.setLocale(l));
  }

  private controller: AbortController | null = null;
  /** The adapter the current results are scored with. */
  private runAdapter: Adapter | null = null;
  private pauseGate: { promise: Promise<void>; resolve: () => void } | null = null;

  get busy(): boolean {
    return this.phase === 'opening' || this.phase === 'scoring' || this.phase === 'paused';
  }

  /** Index a file; a run in progress is never replaced (its results would be lost). */
  async open(file: File, options: { encoding?: 'auto' | 'utf-8' | 'gb18030'; hasHeader?: boolean } = {}): Promise<boolean> {
    if (this.phase === 'scoring' || this.phase === 'paused') {
      this.error = t('audit.busy', { file: file.name, scoring: this.table?.name });
      return false;
    }
    const restarted = this.phase === 'opening';
    if (restarted) this.tables.restart();
    this.error = null;
    this.notice = null;
    this.phase = 'opening';
    this.openedBytes = 0;
    try {
      const info = await this.tables.remote.open(file, options, Comlink.proxy((read: number) => (this.openedBytes = read)));
      this.file = file;
      this.table = info;
      this.results = null;
      // The progress line is the last run's: a new file has none yet.
      this.progress = { done: 0, total: 0, perSecond: 0, secondsLeft: 0 };
      this.mapping = this.remembered(info.header) ?? guessMapping(info.header, template());
      this.phase = 'mapping';
      this.refreshPreview();
      return true;
    } catch (e) {
      // A refused file leaves the table on screen (its results may have taken minutes to
      // score): the error says which file is still loaded, so its mapping and results
      // below are not taken for the refused file's.
      const kept = this.table ? (this.table.name === PASTE_NAME ? t('audit.pasted') : this.table.name) : null;
      this.error = kept ? t('audit.still_loaded', { why: (e as Error).message, kept }) : (e as Error).message;
      this.phase = this.table ? (this.results ? 'done' : 'mapping') : 'empty';
      // A restarted worker lost the table on screen: read it again.
      if (restarted && this.file && this.table) await this.tables.remote.open(this.file, { encoding: this.table.encoding, hasHeader: this.table.hasHeader }).catch(() => {});
      return false;
    }
  }

  /** Re-read the open file with another encoding or header choice. */
  reopen(options: { encoding?: 'auto' | 'utf-8' | 'gb18030'; hasHeader?: boolean }) {
    if (this.file) return this.open(this.file, { encoding: this.table?.encoding, hasHeader: this.table?.hasHeader, ...options });
  }

  setMapping(mapping: ColumnMapping) {
    this.mapping = mapping;
    if (this.table && this.table.name !== PASTE_NAME) localStorage.setItem(mappingKey(this.table.header), JSON.stringify(mapping));
    this.refreshPreview();
  }

  private remembered(header: string[]): ColumnMapping | null {
    try {
      const saved = JSON.parse(localStorage.getItem(mappingKey(header)) ?? 'null') as ColumnMapping | null;
      // Saved before the error-class column could be chosen: guess it as a new file would.
      if (saved && !('errorClass' in saved)) (saved as ColumnMapping).errorClass = guessErrorClass(header);
      return saved && !mappingProblem(saved, header, '') ? saved : null;
    } catch {
      return null;
    }
  }

  private refreshPreview() {
    const table = this.table;
    const m = this.mapping;
    this.preview = table && m && !mappingProblem(m, table.header, table.name) ? table.preview.slice(0, 5).map((cells) => composeRow(cells, table.header, m, template())) : [];
  }

  /** The paste box: one record per line, scored as a one-column table. */
  async scorePaste(text: string) {
    if (text.split(/\r?\n/).every((l) => l.trim() === '')) {
      this.error = t('source.nothing_to_score');
      return;
    }
    const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
    if (await this.open(new File([lines.join('\n') + '\n'], PASTE_NAME), { encoding: 'utf-8', hasHeader: false })) {
      this.mapping = { whole: 0, fields: {}, extras: [], label: null, errorClass: null };
      await this.start();
    }
  }

  async start() {
    const table = this.table;
    const m = this.mapping;
    if (!table || !m) return;
    const problem = mappingProblem(m, table.header, table.name);
    if (problem) {
      this.error = problem;
      return;
    }
    if (!scoring.model) {
      this.error = t('audit.no_model');
      return;
    }
    this.error = null;
    const source: RowSource = {
      name: table.name,
      header: table.header,
      rowCount: table.rowCount,
      errorClass: m.errorClass,
      cells: (rows) => this.tables.remote.cells(rows),
      records: (rows) => this.tables.remote.records(rows, $state.snapshot(m), template()),
    };
    this.progress = { done: 0, total: table.rowCount, perSecond: 0, secondsLeft: 0 };
    this.runAdapter = this.adapter;
    this.results = new ScoredResults(source, scoring.model.manifest.threshold, this.adapter?.threshold ?? null);
    this.emptyRows = [];
    this.badLabelRows = [];
    await this.run();
  }

  /** Score from the last finished batch to the end, or until paused, cancelled or stopped. */
  private async run() {
    const results = this.results!;
    const mapping = $state.snapshot(this.mapping!);
    // The adapter this run was started with (a resumed run goes on with it, switched off since or not).
    const adapter = (results.adapterKept && this.runAdapter) || undefined;
    const tmpl = template();
    this.phase = 'scoring';
    this.controller = new AbortController();
    const signal = this.controller.signal;
    let crashes = 0;
    const window: { at: number; done: number }[] = [{ at: performance.now(), done: results.size }];
    try {
      while (results.size < results.total) {
        if (this.pauseGate) {
          this.phase = 'paused';
          await this.pauseGate.promise;
          if (signal.aborted) break;
          this.phase = 'scoring';
          window.splice(0, window.length, { at: performance.now(), done: results.size });
        }
        const from = results.size;
        const batch = await this.tables.remote.batch(from, BATCH_ROWS, BATCH, mapping, tmpl);
        let scored: AdaptedRecord[];
        try {
          scored = batch.texts.length ? await scoring.bridge.score(signal, batch.texts, adapter) : [];
          crashes = 0;
        } catch (e) {
          if (!(e instanceof WorkerCrashError)) throw e;
          crashes++;
          this.notice = t(crashes < MAX_CRASHES ? 'audit.crash_restarted' : 'audit.crash_stopped', { record: num(from + 1), crashes: MAX_CRASHES });
          if (crashes >= MAX_CRASHES) {
            this.phase = 'stopped';
            return;
          }
          continue;
        }
        results.append(
          from,
          Array.from(batch.refs, (ref) => (ref >= 0 ? scored[ref] : this.copyOf(results, -ref - 1))),
          batch.labels,
        );
        if (batch.empty.length && this.emptyRows.length < 100) this.emptyRows = [...this.emptyRows, ...batch.empty].slice(0, 100);
        if (batch.badLabels.length && this.badLabelRows.length < 100) this.badLabelRows = [...this.badLabelRows, ...batch.badLabels].slice(0, 100);
        const now = performance.now();
        window.push({ at: now, done: results.size });
        while (window.length > 20) window.shift();
        const span = (now - window[0].at) / 1000;
        const perSecond = span > 0 ? (results.size - window[0].done) / span : 0;
        this.progress = { done: results.size, total: results.total, perSecond, secondsLeft: perSecond > 0 ? (results.total - results.size) / perSecond : 0 };
      }
      if (signal.aborted) throw new AbortError('cancelled');
      this.phase = 'done';
    } catch (e) {
      if (e instanceof AbortError || signal.aborted) {
        this.phase = 'cancelled';
        this.notice = t('audit.cancelled', { scored: num(results.size), total: num(results.total) });
      } else {
        this.phase = 'stopped';
        this.error = t('audit.stopped', { record: num(results.size + 1), why: (e as Error).message, scored: num(results.size) });
      }
    } finally {
      this.progress = { ...this.progress, done: results.size, total: results.total };
      this.pauseGate = null;
    }
  }

  private copyOf(results: ScoredResults, row: number): AdaptedRecord {
    const p = results.baseP(row);
    const copy: AdaptedRecord = { pCorrect: p, rewardCorrect: NaN, rewardWrong: NaN, verdict: p >= scoring.model!.manifest.threshold ? 'correct' : 'wrong', truncated: results.truncated(row) };
    if (results.adapterKept) copy.adaptedP = results.adaptedP(row);
    return copy;
  }

  pause() {
    if (this.phase !== 'scoring' || this.pauseGate) return;
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    this.pauseGate = { promise, resolve };
  }

  resume() {
    if (this.pauseGate) {
      this.pauseGate.resolve();
      this.pauseGate = null;
    } else if ((this.phase === 'stopped' || this.phase === 'cancelled') && this.results) {
      this.error = null;
      this.notice = null;
      return this.run();
    }
  }

  cancel() {
    this.controller?.abort();
    this.pauseGate?.resolve();
  }
}

export const audit = new AuditState();
