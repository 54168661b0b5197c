/** App state for scoring pasted records: one runes-based store the components render. */
import type { LoadProgress, Precision } from '../core/model-files';
import type { ScoredRecord } from '../core/scorer';
import type { Backend, ModelInfo } from '../../workers/scorer.worker';
import { AbortError, ScorerBridge } from './scorer-bridge';
import { pageLocale, t } from './locale.svelte';
import { silenceLimitMs } from './heartbeat';

export interface Row extends ScoredRecord {
  record: string;
}

/** One record per line; blank lines are not records. */
export function parsePaste(text: string): string[] {
  return text.split(/\r?\n/).filter((line) => line.trim() !== '');
}

class ScoringState {
  model = $state<ModelInfo | null>(null);
  loadProgress = $state<LoadProgress | null>(null);
  busy = $state(false);
  error = $state<string | null>(null);
  rows = $state<Row[]>([]);
  seconds = $state(0);
  truncated = $derived(this.rows.filter((r) => r.truncated).length);
  wrong = $derived(this.rows.filter((r) => r.verdict === 'wrong').length);

  /**
   * One worker for the page: explanations and "how it works" (insight.svelte.ts) use it too.
   * `?worker_silence_s=N` shortens how long a silent worker is given (heartbeat.ts).
   */
  readonly bridge = new ScorerBridge({ silenceMs: silenceLimitMs(globalThis.location?.search ?? '') });

  constructor() {
    pageLocale.onChange((l) => this.bridge.setLocale(l));
  }
  private controller: AbortController | null = null;

  async loadDefault(backend: Backend | 'auto' = 'auto', model?: string | null, precision: Precision = 'quantized') {
    try {
      const index = await fetch(new URL('models/index.json', document.baseURI)).then((r) => {
        if (!r.ok) throw new Error(`models/index.json: HTTP ${r.status}`);
        return r.json();
      });
      if (model && !/^[\w.-]+$/.test(model)) throw new Error(t('model.bad_name', { name: model }));
      const modelUrl = new URL(`models/${model || index.default}/`, document.baseURI).href;
      this.model = await this.bridge.load(new AbortController().signal, { modelUrl, backend, precision }, (p) => (this.loadProgress = p));
    } catch (e) {
      this.error = t('model.load_failed', { why: (e as Error).message });
    }
  }

  async score(text: string) {
    const records = parsePaste(text);
    if (records.length === 0) {
      this.error = t('source.nothing_to_score');
      return;
    }
    this.error = null;
    this.busy = true;
    this.controller = new AbortController();
    const started = performance.now();
    try {
      const scored = await this.bridge.score(this.controller.signal, records);
      this.rows = scored.map((s, i) => ({ ...s, record: records[i] }));
      this.seconds = (performance.now() - started) / 1000;
    } catch (e) {
      if (!(e instanceof AbortError)) this.error = t('source.scoring_failed', { why: (e as Error).message });
    } finally {
      this.busy = false;
    }
  }

  cancel() {
    this.controller?.abort();
  }
}

export const scoring = new ScoringState();
