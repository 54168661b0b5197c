/**
 * The model the page scores with: loading it (models/index.json's default, or ?model=),
 * its progress and errors, and the one scoring worker every run goes through (audit.svelte.ts).
 */
import type { LoadProgress, Precision } from '../core/model-files';
import type { Backend, ModelInfo } from '../../workers/scorer.worker';
import { ScorerBridge } from './scorer-bridge';
import { pageLocale, t } from './locale.svelte';
import { silenceLimitMs } from './heartbeat';

class ScoringState {
  model = $state<ModelInfo | null>(null);
  loadProgress = $state<LoadProgress | null>(null);
  error = $state<string | null>(null);

  /**
   * One worker for the page: explanations and "how it works" (insight.svelte.ts) use it too.
   * `?worker_silence_s=N` shortens how long a silent worker is given (heartbeat.ts).
   */
  readonly bridge = new ScorerBridge({ silenceMs: silenceLimitMs(globalThis.location?.search ?? '') });

  constructor() {
    pageLocale.onChange((l) => this.bridge.setLocale(l));
  }

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
}

export const scoring = new ScoringState();
