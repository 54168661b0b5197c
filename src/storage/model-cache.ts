/**
 * Model bytes from IndexedDB: a ModelSource in front of the network (first load fills the
 * cache, later loads read it without a request) and one over a model kept only in the
 * browser (a model the user dropped in). loadModel still checks every SHA-256 against
 * the manifest; this layer also checks cached bytes before trusting them, so a cached
 * file that changed on disk is dropped and fetched again instead of failing the load.
 */
import type { ModelSource } from '../core/model-files';
import { sha256Hex } from '../core/sha256';
import { ModelError } from '../core/manifest';
import { cachedFile, cachedModel, forgetFile, storeModelFiles, type CachedModel } from './db';
import { t } from '../i18n';

export interface CacheReport {
  /** Files read from IndexedDB. */
  hits: string[];
  /** Files fetched and then stored. */
  stored: string[];
  /** Cached files whose bytes no longer matched their SHA-256: dropped and fetched again. */
  refetched: string[];
  /** Why the cache could not be used (e.g. storage full); the model still loads. */
  warning?: string;
}

interface Listing {
  name: string;
  files: Record<string, { sha256: string }>;
}

const own = (bytes: Uint8Array) => (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice());

/** Read through IndexedDB, falling back to `upstream` (and filling the cache from it). */
export function cachingSource(upstream: ModelSource, report: CacheReport): ModelSource {
  let listing: Listing | null = null;
  let manifestText = '';
  return {
    where: upstream.where,
    async read(path, onBytes) {
      if (path === 'manifest.json') {
        // Always from upstream: a new manifest (new hashes) must replace the cached model.
        const bytes = await upstream.read(path, onBytes);
        if (bytes) {
          manifestText = new TextDecoder().decode(bytes);
          try {
            listing = JSON.parse(manifestText);
          } catch {
            listing = null; // loadModel's parseManifest says what is wrong with it
          }
        }
        return bytes;
      }
      const expected = listing?.files?.[path]?.sha256;
      if (!listing || !expected) return upstream.read(path, onBytes);
      const name = listing.name;
      const hit = await cachedFile(name, expected).catch(() => undefined);
      if (hit) {
        if ((await sha256Hex(hit.bytes)) === expected) {
          report.hits.push(path);
          onBytes?.(hit.bytes.byteLength);
          return hit.bytes;
        }
        report.refetched.push(path);
        await forgetFile(name, expected).catch(() => undefined);
      }
      const bytes = await upstream.read(path, onBytes);
      // Only bytes that match the manifest are kept; loadModel reports the others.
      if (bytes && (await sha256Hex(bytes)) === expected && !report.warning) {
        const entry: CachedModel = { name, manifest: manifestText, origin: 'url', cachedAt: Date.now() };
        try {
          await storeModelFiles(entry, [{ model: name, sha256: expected, path, bytes: own(bytes) }]);
          report.stored.push(path);
        } catch (e) {
          report.warning = t('storage.in_memory', { why: (e as Error).message });
        }
      }
      return bytes;
    },
  };
}

/** A model that lives only in this browser's IndexedDB (imported by the user). */
export function storedSource(name: string): ModelSource {
  let entry: Promise<CachedModel | undefined> | null = null;
  const where = `browser storage: ${name}`;
  return {
    where,
    async read(path) {
      entry ??= cachedModel(name);
      const model = await entry;
      if (!model) throw new ModelError(t('storage.no_such_model', { where }));
      if (path === 'manifest.json') return new TextEncoder().encode(model.manifest);
      const sha256 = (JSON.parse(model.manifest) as Listing).files[path]?.sha256;
      return sha256 ? ((await cachedFile(name, sha256))?.bytes ?? null) : null;
    },
  };
}
