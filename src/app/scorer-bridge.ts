/**
 * The main thread's only door to the scoring worker (the shape of squoosh's
 * WorkerBridge): the worker starts lazily, every call takes an AbortSignal, and an abort
 * terminates the worker so a cancelled job really stops. A worker that crashes, or stops
 * answering the bridge's pings while a call is in flight (heartbeat.ts), fails its calls
 * with WorkerCrashError. The next call starts a fresh worker and reloads the last model first.
 */
import * as Comlink from 'comlink';
import type { LoadProgress } from '../core/model-files';
import type { Adapter, AdapterReport } from '../core/adapter';
import type { AdaptedRecord, AdaptExample, LoadOptions, ModelInfo, ScorerWorkerApi } from '../../workers/scorer.worker';
import type { DroppedFile, ImportResult } from '../../workers/model-import';
import type { Explanation } from '../core/explain';
import type { HowItWorks } from '../core/how-it-works';
import { heartbeat, SILENCE_LIMIT_S } from './heartbeat';
import { t, type Locale } from '../i18n';

export class AbortError extends Error {
  override name = 'AbortError';
}

/**
 * The worker died (an uncaught error, out of memory) or stopped answering: the call in
 * flight is lost, the next call starts a new worker.
 */
export class WorkerCrashError extends Error {
  override name = 'WorkerCrashError';
}

/** One started worker, and the calls in flight on it. */
interface Life {
  worker: Worker;
  api: Comlink.Remote<ScorerWorkerApi>;
  /** Rejects when this worker dies or is stopped: every call on it races this. */
  ended: Promise<never>;
  end(reason: Error): void;
  calls: number;
  watched: boolean;
}

export interface BridgeOptions {
  /** How long the worker may leave a ping unanswered while a call is in flight (heartbeat.ts). */
  silenceMs?: number;
}

export class ScorerBridge {
  private life: Life | null = null;
  private lastLoad: LoadOptions | null = null;
  private loaded: Promise<ModelInfo> | null = null;
  /** A crash with no call in flight, reported by the next call (see die). */
  private idleCrash: WorkerCrashError | null = null;
  private readonly silenceMs: number;
  /** The language the worker's messages are in; a worker is named after it when it starts. */
  private locale: Locale = 'en';

  constructor(options: BridgeOptions = {}) {
    this.silenceMs = options.silenceMs ?? SILENCE_LIMIT_S * 1000;
  }

  /** The page's language changed (or was first chosen): tell the running worker, and name the next one after it. */
  setLocale(l: Locale): void {
    this.locale = l;
    void this.life?.api.setLocale(l);
  }

  private start(): Life {
    if (!this.life) {
      const worker = new Worker(new URL('../../workers/scorer.worker.ts', import.meta.url), { type: 'module', name: this.locale });
      let end!: (reason: Error) => void;
      const ended = new Promise<never>((_, reject) => (end = reject));
      ended.catch(() => {});
      const life: Life = { worker, api: Comlink.wrap<ScorerWorkerApi>(worker), ended, end, calls: 0, watched: false };
      this.life = life;
      // Comlink never answers a call whose worker died: turn the worker's error event into a rejection.
      worker.addEventListener('error', (e) => {
        e.preventDefault();
        this.die(life, new WorkerCrashError(t('worker.crashed', { why: e.message || t('worker.no_message') })));
      });
    }
    return this.life;
  }

  /** The worker crashed or went silent: end it and fail its calls. */
  private die(life: Life, crash: WorkerCrashError): void {
    if (this.life !== life) return;
    // Between calls nobody is racing `ended`: keep the crash for the next call, so a crash
    // is reported (and its run resumed) whenever it lands.
    if (life.calls === 0) this.idleCrash = crash;
    this.stop(crash);
  }

  /** Terminate the worker; the calls still on it reject with `reason` (a cancel's AbortError by default). */
  private stop(reason: Error = new AbortError('cancelled')): void {
    const life = this.life;
    this.life = null;
    this.loaded = null;
    if (!life) return;
    life.worker.terminate();
    life.end(reason);
  }

  /** Ping the worker while calls are in flight on it; one that stops answering is dead (no error event comes). */
  private async watch(life: Life): Promise<void> {
    if (life.watched) return;
    life.watched = true;
    const busy = () => this.life === life && life.calls > 0;
    const verdict = await heartbeat(() => life.api.ping(), busy, { silenceMs: this.silenceMs });
    life.watched = false;
    if (verdict === 'silent') {
      this.die(life, new WorkerCrashError(t('worker.silent', { seconds: Math.round(this.silenceMs / 1000) })));
    } else if (busy()) {
      this.watch(life); // a call came in while this watch was ending
    }
  }

  private guard<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T> {
    if (signal.aborted) return Promise.reject(new AbortError('cancelled'));
    const crash = this.idleCrash;
    this.idleCrash = null;
    if (crash) return Promise.reject(crash);
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        this.stop();
        reject(new AbortError('cancelled'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const running = work(); // starts the worker, so this.life is the one it runs on
      const life = this.life;
      if (life) {
        life.calls++;
        this.watch(life);
      }
      Promise.race(life ? [running, life.ended] : [running])
        .then(resolve, reject)
        .finally(() => {
          if (life) life.calls--;
          signal.removeEventListener('abort', onAbort);
        });
    });
  }

  load(signal: AbortSignal, options: LoadOptions, onProgress?: (p: LoadProgress) => void): Promise<ModelInfo> {
    this.lastLoad = options;
    return this.guard(signal, () => {
      const { api } = this.start();
      this.loaded = api.load(options, onProgress ? Comlink.proxy(onProgress) : undefined);
      this.loaded.catch(() => (this.loaded = null));
      return this.loaded;
    });
  }

  /** Score records; with an adapter each also gets the adapter's P(correct) (adaptedP). */
  score(signal: AbortSignal, records: string[], adapter?: Adapter): Promise<AdaptedRecord[]> {
    return this.guard(signal, async () => (await this.ready()).score(records, adapter));
  }

  /** Train an adapter on decided records, in the worker (its features, then the head). */
  adapt(signal: AbortSignal, examples: AdaptExample[], options: { baseThreshold: number; seed?: number }): Promise<AdapterReport> {
    return this.guard(signal, async () => (await this.ready()).adapt(examples, options));
  }

  /** The worker with the last model loaded (loaded again in a fresh worker after a crash). */
  private async ready(): Promise<Comlink.Remote<ScorerWorkerApi>> {
    const { api } = this.start();
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
    return this.guard(signal, () => this.start().api.importModel(label, files, reserved));
  }
}
