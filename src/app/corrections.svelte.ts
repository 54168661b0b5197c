/**
 * The human decisions, as the page shows them: a mirror of IndexedDB's corrections store
 * (src/storage/db.ts) that is written through on every change, and their TRL export.
 */
import { pairsJsonl, parsePairsJsonl } from '../core/pairs';
import { clearCorrections, correctionKey, deleteCorrection, isQuotaError, listCorrections, saveCorrection, saveCorrections, type Correction } from '../storage/db';
import { t } from './locale.svelte';

export type { Correction };

/** A decision the page holds: saved in IndexedDB, or (storage full or failing) in memory only. */
export type HeldCorrection = Correction & { unsaved?: true };

export interface Decision {
  model: string;
  record: string;
  pCorrect: number;
  correct: boolean;
}

/**
 * One line per distinct record, oldest decision first; when a record was decided more
 * than once (under different models), the latest decision is the one exported. `learned`:
 * the table rows a kept adapter learned from (adapter.svelte.ts), first, so a retrain sees
 * the examples the adapter saw; a correction of the same record wins over its label.
 */
export function exportLines(list: Correction[], learned: { record: string; correct: boolean }[] = []): string {
  const latest = new Map<string, { record: string; correct: boolean }>();
  for (const l of learned) latest.set(l.record, l);
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

/** Why a write to the corrections store failed, in words for the page. */
const storageProblem = (e: unknown) => (isQuotaError(e) ? t('corrections.storage_full') : (e as Error).message);

/**
 * Tabs of the page share one database but each holds its own copy of the list: a tab that
 * changes a decision tells the others, which re-read it, so none shows a stale count or
 * flips a decision another tab has changed since.
 */
const CHANNEL = 'twinscore-corrections';

class CorrectionsState {
  /** Oldest first. */
  list = $state.raw<HeldCorrection[]>([]);
  /** Decisions the storage refused, kept in this page (and in the export) until it closes. */
  unsaved = $derived(this.list.filter((c) => c.unsaved).length);
  persistence = $state<Persistence>('unknown');
  byKey = $derived(new Map(this.list.map((c) => [c.key, c])));
  error = $state<string | null>(null);
  private loaded: Promise<void> | null = null;
  private channel: BroadcastChannel | null = null;

  constructor() {
    if (typeof BroadcastChannel === 'undefined') return;
    this.channel = new BroadcastChannel(CHANNEL);
    this.channel.onmessage = () => void this.refresh();
  }

  /** Another tab re-reads the store (a message never reaches the tab that sent it). */
  private announce(): void {
    this.channel?.postMessage('changed');
  }

  load(): Promise<void> {
    this.loaded ??= this.refresh();
    return this.loaded;
  }

  async refresh(): Promise<void> {
    try {
      const stored = await listCorrections();
      // A decision held unsaved is newer than what the storage has for that record.
      const held = this.list.filter((c) => c.unsaved);
      const heldKeys = new Set(held.map((c) => c.key));
      this.list = [...stored.filter((c) => !heldKeys.has(c.key)), ...held];
      if (this.list.length > 0 && this.persistence === 'unknown') this.persistence = await askPersistence();
    } catch (e) {
      this.error = t('corrections.unreadable', { why: (e as Error).message });
    }
  }

  /**
   * Save one decision (committed before this resolves); returns the one it replaced. When
   * the storage refuses it (quota full, storage disabled) the decision is not lost: it is
   * held in this page, marked unsaved, counted in the export, and the page says so.
   */
  async decide(d: Decision): Promise<{ saved: HeldCorrection; replaced?: HeldCorrection } | null> {
    let saved: HeldCorrection;
    try {
      saved = await saveCorrection({ ...d, at: Date.now() });
      this.error = null;
    } catch (e) {
      try {
        saved = { ...d, at: Date.now(), key: await correctionKey(d.model, d.record), unsaved: true };
      } catch {
        this.error = t('corrections.unsavable', { why: (e as Error).message });
        return null;
      }
      this.error = t('corrections.held', { why: storageProblem(e) });
    }
    const replaced = this.byKey.get(saved.key);
    this.list = [...this.list.filter((c) => c.key !== saved.key), saved];
    if (!saved.unsaved) {
      this.announce();
      if (this.persistence === 'unknown') this.persistence = await askPersistence();
    }
    return { saved, replaced };
  }

  /** Put back what a decision replaced (undo). */
  async restore(key: string, previous?: HeldCorrection): Promise<void> {
    // What undo takes back may be held only here (unsaved): drop it here as well.
    this.list = this.list.filter((c) => c.key !== key);
    await this.guard(async () => {
      if (previous) {
        const { unsaved: _, ...stored } = previous;
        await saveCorrection(stored);
      } else await deleteCorrection(key);
    });
  }

  async flip(key: string): Promise<void> {
    const c = this.byKey.get(key);
    if (!c) return;
    const { unsaved: _, ...stored } = c;
    await this.guard(() => saveCorrection({ ...stored, correct: !c.correct, at: Date.now() }));
  }

  async remove(key: string): Promise<void> {
    this.list = this.list.filter((c) => c.key !== key); // an unsaved one lives only here
    await this.guard(() => deleteCorrection(key));
  }

  async clear(): Promise<void> {
    this.list = [];
    await this.guard(() => clearCorrections());
  }

  exportJsonl(learned: { record: string; correct: boolean }[] = []): string {
    return exportLines(this.list, learned);
  }

  /**
   * Merge a corrections file (this app's export, a colleague's, another machine's) by
   * record. The file carries no times, so its decisions count as made now, in file order:
   * a record it decides differently takes the file's decision; one it decides the same is
   * left as it was. All or nothing: a bad line or a failed write changes nothing.
   */
  async importJsonl(text: string, name: string): Promise<{ added: number; changed: number; unchanged: number }> {
    const decisions = parsePairsJsonl(text, name); // throws PairsError naming the line
    const latest = new Map<string, HeldCorrection>();
    for (const c of [...this.list].sort((a, b) => a.at - b.at)) latest.set(c.record, c);
    const model = `imported: ${name}`;
    const now = Date.now();
    const counts = { added: 0, changed: 0, unchanged: 0 };
    const writes: Correction[] = [];
    const inFile = new Map(decisions.map((d) => [d.record, d.correct])); // a record twice in the file: its last line
    for (const [record, correct] of inFile) {
      const before = latest.get(record);
      if (before && before.correct === correct) {
        counts.unchanged++;
        continue;
      }
      counts[before ? 'changed' : 'added']++;
      writes.push({ key: await correctionKey(model, record), model, record, correct, pCorrect: Number.NaN, at: now + writes.length });
    }
    try {
      await saveCorrections(writes);
    } catch (e) {
      throw new Error(t('corrections.not_imported', { file: name, why: storageProblem(e) }));
    }
    this.announce();
    await this.refresh();
    return counts;
  }

  private async guard(work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
      this.error = null;
    } catch (e) {
      this.error = t('corrections.unchangeable', { why: (e as Error).message });
    }
    this.announce();
    await this.refresh();
  }
}

export const corrections = new CorrectionsState();
