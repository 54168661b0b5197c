/**
 * The main thread's door to the table worker (workers/table.worker.ts), shaped like
 * scorer-bridge.ts: the worker starts lazily; opening a file while another is still being
 * indexed terminates the worker, so the old work really stops.
 */
import * as Comlink from 'comlink';
import type { TableWorkerApi } from '../../workers/table.worker';
import { pageLocale } from './locale.svelte';

export class TableBridge {
  private worker: Worker | null = null;
  private api: Comlink.Remote<TableWorkerApi> | null = null;

  constructor() {
    pageLocale.onChange((l) => void this.api?.setLocale(l));
  }

  get remote(): Comlink.Remote<TableWorkerApi> {
    if (!this.api) {
      this.worker = new Worker(new URL('../../workers/table.worker.ts', import.meta.url), { type: 'module', name: pageLocale.current });
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
