/**
 * The human decisions, as the page shows them: a mirror of IndexedDB's corrections store
 * (src/storage/db.ts) that is written through on every change, and their TRL export.
 */
import { pairsJsonl } from '../core/pairs';
import { clearCorrections, deleteCorrection, listCorrections, saveCorrection, type Correction } from '../storage/db';

export type { Correction };

export interface Decision {
  model: string;
  record: string;
  pCorrect: number;
  correct: boolean;
}

/**
 * One line per distinct record, oldest decision first; when a record was decided more
 * than once (under different models), the latest decision is the one exported.
 */
export function exportLines(list: Correction[]): string {
  const latest = new Map<string, Correction>();
  for (const c of [...list].sort((a, b) => a.at - b.at)) {
    latest.delete(c.record); // re-insert: the record moves to where its last decision is
    latest.set(c.record, c);
  }
  return pairsJsonl([...latest.values()].map((c) => ({ record: c.record, correct: c.correct })));
}

/**
 * Whether the browser keeps IndexedDB for good: by default storage is best-effort, and a
 * browser short of disk may delete it without asking. 'unknown' until the first decision.
 */
export type Persistence = 'unknown' | 'granted' | 'denied' | 'unsupported';

/** Ask once (browsers grant or refuse silently, by their own rules); report what holds. */
async function askPersistence(): Promise<Persistence> {
  const storage = globalThis.navigator?.storage;
  if (!storage?.persist || !storage.persisted) return 'unsupported';
  try {
    return (await storage.persisted()) || (await storage.persist()) ? 'granted' : 'denied';
  } catch {
    return 'denied';
  }
}

class CorrectionsState {
  /** Oldest first. */
  list = $state.raw<Correction[]>([]);
  persistence = $state<Persistence>('unknown');
  byKey = $derived(new Map(this.list.map((c) => [c.key, c])));
  error = $state<string | null>(null);
  private loaded: Promise<void> | null = null;

  load(): Promise<void> {
    this.loaded ??= this.refresh();
    return this.loaded;
  }

  async refresh(): Promise<void> {
    try {
      this.list = await listCorrections();
      if (this.list.length > 0 && this.persistence === 'unknown') this.persistence = await askPersistence();
    } catch (e) {
      this.error = `Could not read the saved corrections: ${(e as Error).message}`;
    }
  }

  /** Save one decision (committed before this resolves); returns the one it replaced. */
  async decide(d: Decision): Promise<{ saved: Correction; replaced?: Correction } | null> {
    try {
      const saved = await saveCorrection({ ...d, at: Date.now() });
      const replaced = this.byKey.get(saved.key);
      this.list = [...this.list.filter((c) => c.key !== saved.key), saved];
      this.error = null;
      if (this.persistence === 'unknown') this.persistence = await askPersistence();
      return { saved, replaced };
    } catch (e) {
      this.error = `Could not save the correction: ${(e as Error).message}`;
      return null;
    }
  }

  /** Put back what a decision replaced (undo). */
  async restore(key: string, previous?: Correction): Promise<void> {
    await this.guard(async () => {
      if (previous) await saveCorrection(previous);
      else await deleteCorrection(key);
    });
  }

  async flip(key: string): Promise<void> {
    const c = this.byKey.get(key);
    if (c) await this.guard(() => saveCorrection({ ...c, correct: !c.correct, at: Date.now() }));
  }

  async remove(key: string): Promise<void> {
    await this.guard(() => deleteCorrection(key));
  }

  async clear(): Promise<void> {
    await this.guard(() => clearCorrections());
  }

  exportJsonl(): string {
    return exportLines(this.list);
  }

  private async guard(work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
      this.error = null;
    } catch (e) {
      this.error = `Could not change the saved corrections: ${(e as Error).message}`;
    }
    await this.refresh();
  }
}

export const corrections = new CorrectionsState();
