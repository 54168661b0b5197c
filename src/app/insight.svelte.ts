/**
 * The page's window into the model (issue 7): explanations of single records, the "how it
 * works" view and a speed measurement. Everything goes through the scoring page's one
 * worker (scoring.bridge), so no second copy of the model is ever loaded.
 */
import type { Explanation } from '../core/explain';
import type { HowItWorks } from '../core/how-it-works';
import { scoring } from './scoring.svelte';
import { t } from './locale.svelte';

export interface SpeedMeasurement {
  records: number;
  seconds: number;
  backend: string;
  model: string;
}

const CACHED_EXPLANATIONS = 200;
const never = new AbortController().signal;

/** A batch of plausible records for timing; their content does not change the speed much. */
export function speedRecords(n: number): string[] {
  return Array.from(
    { length: n },
    (_, i) => `张伟${i}，北京市朝阳区望京街道${(i % 300) + 1}号，邮编：100102，联系电话：138${String(10000000 + i * 7919).slice(0, 8)}`,
  );
}

class Insight {
  speed = $state<SpeedMeasurement | null>(null);
  measuring = $state(false);
  speedError = $state<string | null>(null);

  // Keyed by model and record: review (j/k back and forth) asks for the same record again.
  private explanations = new Map<string, Promise<Explanation>>();

  explain(record: string): Promise<Explanation> {
    const key = `${scoring.model?.name}\u0000${record}`;
    let pending = this.explanations.get(key);
    if (!pending) {
      pending = scoring.bridge.explain(never, record);
      pending.catch(() => this.explanations.delete(key));
      this.explanations.set(key, pending);
      if (this.explanations.size > CACHED_EXPLANATIONS) {
        this.explanations.delete(this.explanations.keys().next().value!);
      }
    }
    return pending;
  }

  howItWorks(record: string): Promise<HowItWorks> {
    return scoring.bridge.howItWorks(never, record);
  }

  /** Score a fixed batch once to warm up, then time it again: records per second on this backend. */
  async measureSpeed(n = 64) {
    const model = scoring.model;
    if (!model) return;
    this.measuring = true;
    this.speedError = null;
    try {
      const records = speedRecords(n);
      await scoring.bridge.score(never, records.slice(0, 4));
      const started = performance.now();
      await scoring.bridge.score(never, records);
      const seconds = (performance.now() - started) / 1000;
      this.speed = { records: n, seconds, backend: model.backend, model: model.name };
    } catch (e) {
      this.speedError = t('card.speed_failed', { why: (e as Error).message });
    } finally {
      this.measuring = false;
    }
  }
}

export const insight = new Insight();
