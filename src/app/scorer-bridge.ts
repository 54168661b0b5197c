/**
 * The main thread's only door to the scoring worker (the shape of squoosh's
 * WorkerBridge): the worker starts lazily, every call takes an AbortSignal, and an abort
 * terminates the worker so a cancelled job really stops. The next call starts a fresh
 * worker and reloads the last model first.
 */
import * as Comlink from 'comlink';
import type { LoadProgress } from '../core/model-files';
import type { ScoredRecord } from '../core/scorer';
import type { LoadOptions, ModelInfo, ScorerWorkerApi } from '../../workers/scorer.worker';
import type { DroppedFile, ImportResult } from '../../workers/model-import';
import type { Explanation } from '../core/explain';
import type { HowItWorks } from '../core/how-it-works';

export class AbortError extends Error {
  override name = 'AbortError';
}

/** The worker died (an uncaught error, out of memory): the call in flight is lost, the next call starts a new worker. */
export class WorkerCrashError extends Error {
  override name = 'WorkerCrashError';
}

export class ScorerBridge {
  private worker: Worker | null = null;
  private api: Comlink.Remote<ScorerWorkerApi> | null = null;
  private lastLoad: LoadOptions | null = null;
  private loaded: Promise<ModelInfo> | null = null;
  private crashed: Promise<never> | null = null;
  /** Calls in flight; a crash with none is reported by the next call (see start). */
  private inFlight = 0;
  private idleCrash: WorkerCrashError | null = null;

  private start(): Comlink.Remote<ScorerWorkerApi> {
    if (!this.api) {
      const worker = new Worker(new URL('../../workers/scorer.worker.ts', import.meta.url), { type: 'module' });
      this.worker = worker;
      this.api = Comlink.wrap<ScorerWorkerApi>(worker);
      // Comlink never answers a call whose worker died: turn the worker's error event into a rejection.
      this.crashed = new Promise<never>((_, reject) =>
        worker.addEventListener('error', (e) => {
          e.preventDefault();
          if (this.worker === worker) this.stop();
          const crash = new WorkerCrashError(`the scoring worker crashed (${e.message || 'no message'})`);
          // Between calls nobody is racing `crashed`: keep the crash for the next call, so
          // a crash is reported (and its run resumed) whenever it lands.
          if (this.inFlight === 0) this.idleCrash = crash;
          reject(crash);
        }),
      );
      this.crashed.catch(() => {});
    }
    return this.api;
  }

  private stop(): void {
    this.worker?.terminate();
    this.worker = null;
    this.api = null;
    this.loaded = null;
    this.crashed = null;
  }

  private guard<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T> {
    if (signal.aborted) return Promise.reject(new AbortError('cancelled'));
    const crash = this.idleCrash;
    this.idleCrash = null;
    if (crash) return Promise.reject(crash);
    this.inFlight++;
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        this.stop();
        reject(new AbortError('cancelled'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const running = work(); // starts the worker, so this.crashed is the running worker's
      Promise.race(this.crashed ? [running, this.crashed] : [running])
        .then(resolve, reject)
        .finally(() => {
          this.inFlight--;
          signal.removeEventListener('abort', onAbort);
        });
    });
  }

  load(signal: AbortSignal, options: LoadOptions, onProgress?: (p: LoadProgress) => void): Promise<ModelInfo> {
    this.lastLoad = options;
    return this.guard(signal, () => {
      const api = this.start();
      this.loaded = api.load(options, onProgress ? Comlink.proxy(onProgress) : undefined);
      this.loaded.catch(() => (this.loaded = null));
      return this.loaded;
    });
  }

  score(signal: AbortSignal, records: string[]): Promise<ScoredRecord[]> {
    return this.guard(signal, async () => {
      const api = this.start();
      if (!this.loaded) {
        if (!this.lastLoad) throw new Error('load a model before scoring');
        this.loaded = api.load(this.lastLoad);
      }
      await this.loaded;
      return api.score(records);
    });
  }

  /** The worker with the last model loaded, for calls other than score. */
  private async ready(): Promise<Comlink.Remote<ScorerWorkerApi>> {
    const api = this.start();
    if (!this.loaded) {
      if (!this.lastLoad) throw new Error('load a model before scoring');
      this.loaded = api.load(this.lastLoad);
    }
    await this.loaded;
    return api;
  }

  explain(signal: AbortSignal, record: string): Promise<Explanation> {
    return this.guard(signal, async () => (await this.ready()).explain(record));
  }

  howItWorks(signal: AbortSignal, record: string): Promise<HowItWorks> {
    return this.guard(signal, async () => (await this.ready()).howItWorks(record));
  }

  /** Check a dropped model (folder files or a zip) and keep it; then load({ stored: name }). */
  importModel(signal: AbortSignal, label: string, files: DroppedFile[], reserved: string[]): Promise<ImportResult> {
    return this.guard(signal, () => this.start().importModel(label, files, reserved));
  }
}
