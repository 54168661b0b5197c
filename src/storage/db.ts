/**
 * Everything this app keeps in the browser, in one IndexedDB database (through idb).
 * Runs on the page (corrections, the settings panel) and in the scoring worker (the
 * model cache); nothing else opens IndexedDB.
 *
 * - corrections: one human decision per (model, exact record text), keyed by a hash of
 *   both, so reviewing a record again replaces the earlier decision. Each is written in
 *   its own transaction the moment it is made.
 * - modelFiles: model bytes keyed by [model name, the file's SHA-256 from its manifest];
 *   a changed file gets a new key, never a stale hit. Readers verify the hash anyway.
 * - models: what is cached per model name: its manifest and where it came from.
 * - adapters: the adapter a user kept for a model (issue 43), by model name, bound to the
 *   model's manifest by its SHA-256 inside the file; switched on or off.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { sha256Hex } from '../core/sha256';
import { t } from '../i18n';
import { megabytes } from '../i18n/format';
import type { AdapterFile } from '../core/adapter-file';

export interface Correction {
  /** correctionKey(model, record). */
  key: string;
  record: string;
  /** The model whose score was reviewed. */
  model: string;
  correct: boolean;
  /** The model's P(correct) when the decision was made. */
  pCorrect: number;
  /** Milliseconds since the epoch; the latest decision on a record wins on export. */
  at: number;
}

export interface CachedFile {
  model: string;
  sha256: string;
  path: string;
  bytes: Uint8Array;
}

export interface CachedModel {
  name: string;
  /** manifest.json's text, exactly as read. */
  manifest: string;
  /** 'url': fetched from the app's models/ folder; 'imported': dropped in by the user. */
  origin: 'url' | 'imported';
  cachedAt: number;
}

export interface StoredAdapter {
  model: string;
  file: AdapterFile;
  /** Scores use it while on; off, they are the base model's, bit for bit. */
  on: boolean;
  /**
   * The table's labelled rows it learned from (its corrections are in the corrections
   * store): the corrections export carries them, so a retrain sees the same examples.
   */
  learnedFromTable?: { record: string; correct: boolean }[];
}

interface TwinDb extends DBSchema {
  corrections: { key: string; value: Correction; indexes: { at: number } };
  modelFiles: { key: [string, string]; value: CachedFile };
  models: { key: string; value: CachedModel };
  adapters: { key: string; value: StoredAdapter };
}

export const DB_NAME = 'twinscore';
let opened: Promise<IDBPDatabase<TwinDb>> | null = null;

export function db(): Promise<IDBPDatabase<TwinDb>> {
  opened ??= openDB<TwinDb>(DB_NAME, 2, {
    upgrade(database, oldVersion) {
      if (oldVersion < 1) {
        database.createObjectStore('corrections', { keyPath: 'key' }).createIndex('at', 'at');
        database.createObjectStore('modelFiles', { keyPath: ['model', 'sha256'] });
        database.createObjectStore('models', { keyPath: 'name' });
      }
      if (oldVersion < 2) database.createObjectStore('adapters', { keyPath: 'model' });
    },
  });
  return opened;
}

/** Storage full (or disabled): the caller reports it and goes on without the cache. */
export class StorageError extends Error {
  override name = 'StorageError';
}

export function isQuotaError(e: unknown): boolean {
  return e instanceof DOMException && e.name === 'QuotaExceededError';
}


// ---- corrections -------------------------------------------------------------------

export function correctionKey(model: string, record: string): Promise<string> {
  return sha256Hex(new TextEncoder().encode(JSON.stringify([model, record])));
}

/** Resolves once the decision is committed to disk. */
export async function saveCorrection(c: Omit<Correction, 'key'> & { key?: string }): Promise<Correction> {
  const correction = { ...c, key: c.key ?? (await correctionKey(c.model, c.record)) };
  const tx = (await db()).transaction('corrections', 'readwrite', { durability: 'strict' });
  await Promise.all([tx.store.put(correction), tx.done]);
  return correction;
}

/** Several decisions in one transaction: all are committed, or none (an import). */
export async function saveCorrections(list: Correction[]): Promise<void> {
  const tx = (await db()).transaction('corrections', 'readwrite', { durability: 'strict' });
  await Promise.all([...list.map((c) => tx.store.put(c)), tx.done]);
}

export async function deleteCorrection(key: string): Promise<void> {
  await (await db()).delete('corrections', key);
}

/** Oldest decision first. */
export async function listCorrections(): Promise<Correction[]> {
  return (await db()).getAllFromIndex('corrections', 'at');
}

export async function clearCorrections(): Promise<void> {
  await (await db()).clear('corrections');
}

// ---- model cache ---------------------------------------------------------------------

export async function cachedFile(model: string, sha256: string): Promise<CachedFile | undefined> {
  return (await db()).get('modelFiles', [model, sha256]);
}

export async function forgetFile(model: string, sha256: string): Promise<void> {
  await (await db()).delete('modelFiles', [model, sha256]);
}

/** Store files of a model (and its entry) in one transaction: all of them or none. */
export async function storeModelFiles(entry: CachedModel, files: CachedFile[]): Promise<void> {
  try {
    const tx = (await db()).transaction(['models', 'modelFiles'], 'readwrite');
    await Promise.all([tx.objectStore('models').put(entry), ...files.map((f) => tx.objectStore('modelFiles').put(f)), tx.done]);
  } catch (e) {
    const size = megabytes(files.reduce((n, f) => n + f.bytes.byteLength, 0));
    const why = isQuotaError(e) ? t('storage.quota') : (e as Error).message;
    throw new StorageError(t('storage.cache_failed', { name: entry.name, size, why }));
  }
}

export async function cachedModel(name: string): Promise<CachedModel | undefined> {
  return (await db()).get('models', name);
}

export interface CachedModelSummary extends CachedModel {
  files: number;
  bytes: number;
}

export async function listCachedModels(): Promise<CachedModelSummary[]> {
  const database = await db();
  const models = await database.getAll('models');
  return Promise.all(
    models.map(async (m) => {
      const files = await database.getAll('modelFiles', modelRange(m.name));
      return { ...m, files: files.length, bytes: files.reduce((n, f) => n + f.bytes.byteLength, 0) };
    }),
  );
}

export async function deleteCachedModel(name: string): Promise<void> {
  const tx = (await db()).transaction(['models', 'modelFiles'], 'readwrite');
  await Promise.all([tx.objectStore('models').delete(name), tx.objectStore('modelFiles').delete(modelRange(name)), tx.done]);
}

/** Every [name, sha256] key of one model. */
function modelRange(name: string): IDBKeyRange {
  return IDBKeyRange.bound([name, ''], [name, '\uffff']);
}

// ---- adapters ----------------------------------------------------------------------

export async function loadAdapter(model: string): Promise<StoredAdapter | undefined> {
  return (await db()).get('adapters', model);
}

export async function saveAdapter(stored: StoredAdapter): Promise<void> {
  await (await db()).put('adapters', stored);
}

export async function deleteAdapter(model: string): Promise<void> {
  await (await db()).delete('adapters', model);
}
