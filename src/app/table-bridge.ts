/**
 * The main thread's door to the table worker (workers/table.worker.ts), shaped like
 * scorer-bridge.ts: the worker starts lazily; opening a file while another is still being
 * indexed terminates the worker, so the old work really stops.
 */
import * as Comlink from 'comlink';
import type { TableWorkerApi } from '../../workers/table.worker';
import type { Locale } from '../i18n';

export class TableBridge {
  private worker: Worker | null = null;
  private api: Comlink.Remote<TableWorkerApi> | null = null;

  /** The language the worker's messages are in; a worker is named after it when it starts. */
  private locale: Locale = 'en';

  /** The page's language changed (or was first chosen): tell the running worker, and name the next one after it. */
  setLocale(l: Locale): void {
    this.locale = l;
    void this.api?.setLocale(l);
  }

  get remote(): Comlink.Remote<TableWorkerApi> {
    if (!this.api) {
      this.worker = new Worker(new URL('../../workers/table.worker.ts', import.meta.url), { type: 'module', name: this.locale });
      this.api = Comlink.wrap<TableWorkerApi>(this.worker);
    }
    return this.api;
  }

  /** Stop whatever the worker is doing; the next call starts a fresh one (with no table open). */
  restart(): void {
    this.worker?.terminate();
    this.worker = null;
    this.api = null;
  }
}
