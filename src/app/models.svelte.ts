/**
 * Which models this browser holds (the IndexedDB model cache, src/storage/db.ts) and
 * which one scores: the app's own default, or one the user imported. Loading and
 * importing go through the scoring worker (scoring.bridge).
 */
import type { DroppedFile } from '../../workers/model-import';
import type { LoadOptions } from '../../workers/scorer.worker';
import { deleteCachedModel, listCachedModels, type CachedModelSummary } from '../storage/db';
import { scoring } from './scoring.svelte';
import { t } from './locale.svelte';

class ModelLibrary {
  cached = $state.raw<CachedModelSummary[]>([]);
  busy = $state(false);
  error = $state<string | null>(null);
  notice = $state<string | null>(null);
  /** The app's own model (models/index.json); imported models may not take its name. */
  defaultName = $state<string | null>(null);

  /** Imported this session but refused by the browser's storage: usable until the page closes. */
  inMemoryOnly = $state.raw<string[]>([]);
  /** Names to offer besides the default. */
  choices = $derived([...new Set([...this.cached.filter((m) => m.origin === 'imported').map((m) => m.name), ...this.inMemoryOnly])]);

  async refresh(): Promise<void> {
    try {
      this.cached = await listCachedModels();
    } catch (e) {
      this.error = t('models.cache_unreadable', { why: (e as Error).message });
    }
  }

  async init(): Promise<void> {
    const index = await fetch(new URL('models/index.json', document.baseURI))
      .then((r) => (r.ok ? r.json() : null))
      .catch(() => null);
    this.defaultName = index?.default ?? null;
    await this.refresh();
  }

  /** Score with the app's default model (null) or an imported one. */
  async use(name: string | null): Promise<void> {
    this.busy = true;
    this.error = null;
    try {
      const backend: LoadOptions['backend'] = scoring.model?.backend ?? 'auto';
      const precision = scoring.model?.precision;
      const options = name === null ? { modelUrl: new URL(`models/${this.defaultName}/`, document.baseURI).href, backend, precision } : { stored: name, backend, precision };
      scoring.model = await scoring.bridge.load(new AbortController().signal, options, (p) => (scoring.loadProgress = p));
    } catch (e) {
      this.error = t('model.load_failed', { why: (e as Error).message });
    } finally {
      this.busy = false;
      await this.refresh();
    }
  }

  /** Check a dropped folder or zip; if it is a valid model, keep it and score with it. */
  async import(label: string, files: DroppedFile[]): Promise<void> {
    this.busy = true;
    this.error = this.notice = null;
    try {
      const reserved = this.defaultName ? [this.defaultName] : [];
      const result = await scoring.bridge.importModel(new AbortController().signal, label, files, reserved);
      this.notice = result.warning ?? t('models.imported', { name: result.name });
      if (result.warning) this.inMemoryOnly = [...this.inMemoryOnly, result.name];
      await this.use(result.name);
    } catch (e) {
      this.error = t('models.unusable', { label, why: (e as Error).message });
    } finally {
      this.busy = false;
      await this.refresh();
    }
  }

  async remove(name: string): Promise<void> {
    try {
      await deleteCachedModel(name);
    } catch (e) {
      this.error = t('models.delete_failed', { name, why: (e as Error).message });
    }
    await this.refresh();
  }
}

export const models = new ModelLibrary();
