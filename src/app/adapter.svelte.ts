/**
 * The page's adapter (issue 43): trained in the scoring worker on the current model's
 * corrections and, where the table has a label column, its labels; shown as a
 * cross-validated before/after; kept or discarded; a kept one is stored per model in
 * IndexedDB (src/storage/db.ts), switched on or off, and downloaded as the file
 * `npm run score -- --adapter FILE` applies.
 *
 * The base model's scores are never replaced: a run scored with an adapter keeps both
 * readings (results.svelte.ts), so switching the adapter off shows the base scores exactly.
 * An adapter is bound to its model by the SHA-256 of the model's manifest.json: loading a
 * model whose manifest changed (a retrained model under the same name) drops it.
 */
import type { AdapterReport } from '../core/adapter';
import { adapterFile, type AdapterFile } from '../core/adapter-file';
import { deleteAdapter, isQuotaError, loadAdapter, saveAdapter, type StoredAdapter } from '../storage/db';
import type { ModelInfo } from '../../workers/scorer.worker';
import { adaptExamples } from './adapt-examples';
import { audit } from './audit.svelte';
import { corrections } from './corrections.svelte';
import { scoring } from './scoring.svelte';
import { saveFile } from './save-file';
import { num, t } from './locale.svelte';

export type { StoredAdapter };

const storageProblem = (e: unknown) => (isQuotaError(e) ? t('corrections.storage_full') : (e as Error).message);

class AdapterState {
  /** The kept adapter of the model scoring now. */
  stored = $state.raw<StoredAdapter | null>(null);
  /** A trained adapter waiting for keep or discard. */
  candidate = $state.raw<{ report: AdapterReport; fromCorrections: number; fromTable: number; tableRecords: { record: string; correct: boolean }[] } | null>(null);
  busy = $state(false);
  error = $state<string | null>(null);
  notice = $state<string | null>(null);
  /** The model the stored adapter was read for (its manifest's SHA-256). */
  private syncedFor: string | null = null;

  /** The adapter scores should use now: kept and switched on. */
  get active(): AdapterFile['adapter'] | null {
    return this.stored?.on ? this.stored.file.adapter : null;
  }

  /** Every change of the kept adapter goes through here: the audit's next runs score with it. */
  private set(stored: StoredAdapter | null): void {
    this.stored = stored;
    audit.adapter = this.active;
  }

  /** Read the kept adapter of a newly loaded model; one trained on another manifest is dropped. */
  async sync(model: ModelInfo | null): Promise<void> {
    const key = model ? model.manifestSha256 : null;
    if (key === this.syncedFor) return;
    this.syncedFor = key;
    this.set(null);
    this.candidate = null;
    this.error = this.notice = null;
    if (!model) return;
    try {
      const stored = await loadAdapter(model.name);
      if (this.syncedFor !== key) return; // another model loaded meanwhile
      if (stored && stored.file.manifest_sha256 !== model.manifestSha256) {
        await deleteAdapter(model.name);
        this.notice = t('adapter.invalidated', { model: model.name, created: stored.file.created.slice(0, 10) });
        return;
      }
      this.set(stored ?? null);
    } catch (e) {
      this.error = t('adapter.unreadable', { why: (e as Error).message });
    }
  }

  /** Train on the corrections (and labels) of the model scoring now, and show the before/after. */
  async train(): Promise<void> {
    const model = scoring.model;
    if (!model) return;
    this.busy = true;
    this.error = this.notice = null;
    this.candidate = null;
    try {
      await corrections.load();
      const { examples, fromCorrections, fromTable } = await adaptExamples(model.name, corrections.list, audit.results);
      const report = await scoring.bridge.adapt(new AbortController().signal, examples, { baseThreshold: model.manifest.threshold, seed: 1 });
      const tableRecords = examples.slice(fromCorrections).map(({ record, correct }) => ({ record, correct }));
      this.candidate = { report, fromCorrections, fromTable, tableRecords };
    } catch (e) {
      this.error = (e as Error).message;
    } finally {
      this.busy = false;
    }
  }

  discard(): void {
    this.candidate = null;
  }

  /** Keep the candidate for this model, switched on; the table on screen is scored again with it. */
  async keep(): Promise<void> {
    const model = scoring.model;
    const candidate = this.candidate;
    if (!model || !candidate) return;
    const stored: StoredAdapter = {
      model: model.name,
      file: adapterFile(candidate.report, model.name, model.manifestSha256),
      on: true,
      learnedFromTable: candidate.tableRecords,
    };
    try {
      await saveAdapter(stored);
    } catch (e) {
      this.error = t('adapter.unsaved', { why: storageProblem(e) });
    }
    this.set(stored);
    this.candidate = null;
    this.notice = t('adapter.kept', { correct: num(candidate.report.adapter.trainedOn.correct), wrong: num(candidate.report.adapter.trainedOn.wrong) });
    await this.follow(true);
  }

  /** Switch the kept adapter on or off; the table on screen follows. */
  async setOn(on: boolean): Promise<void> {
    if (!this.stored || this.stored.on === on) return;
    this.set({ ...this.stored, on });
    try {
      await saveAdapter(this.stored);
    } catch (e) {
      this.error = t('adapter.unsaved', { why: storageProblem(e) });
    }
    await this.follow(false);
  }

  async remove(): Promise<void> {
    if (!this.stored) return;
    const { model } = this.stored;
    this.set(null);
    try {
      await deleteAdapter(model);
    } catch (e) {
      this.error = t('adapter.unsaved', { why: storageProblem(e) });
    }
    await this.follow(false);
  }

  /**
   * The table on screen follows the switch: a run scored with the kept adapter flips
   * between its two readings at once; one scored without it (or with an adapter since
   * replaced: `rescore`) is scored again. Features are read only while an adapter is on,
   * so plain scoring costs what it did.
   */
  private async follow(rescore: boolean): Promise<void> {
    const results = audit.results;
    if (!results || audit.busy) return;
    if (!rescore && results.adapterKept) results.adapted = this.active !== null;
    else if (this.active) await audit.start();
  }

  /** The kept adapter as a file (what the CLI's --adapter reads). */
  download(): void {
    if (!this.stored) return;
    saveFile(new Blob([JSON.stringify(this.stored.file, null, 1)], { type: 'application/json' }), `adapter-${this.stored.model}.json`);
  }
}

export const adapters = new AdapterState();
