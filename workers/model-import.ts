/**
 * Bring your own model: a folder (or a zip of one) written by twinscore-export, dropped
 * on the page. It is checked here, in the worker, with the same loadModel the app uses
 * (manifest, label words, prompt version, tokenizer) plus every file its manifest lists
 * (present, SHA-256 equal); then kept in IndexedDB, or, when the storage refuses it, in
 * memory for this session.
 */
import { unzipSync } from 'fflate';
import { loadModel, readVerified, type LoadedModel, type ModelSource } from '../src/core/model-files';
import { ModelError } from '../src/core/manifest';
import { storeModelFiles } from '../src/storage/db';
import { storedSource } from '../src/storage/model-cache';
import { t } from '../src/i18n';

export interface DroppedFile {
  /** Path inside what was dropped: "my-model/onnx/model_quantized.onnx", or "my-model.zip". */
  path: string;
  file: Blob;
}

export interface ImportResult {
  name: string;
  /** Set when the model could not be kept in browser storage (it still works this session). */
  warning?: string;
}

const inMemory = new Map<string, ModelSource>();

/** Where the worker reads a model the user imported: memory first, then IndexedDB. */
export function importedSource(name: string): ModelSource {
  return inMemory.get(name) ?? storedSource(name);
}

/**
 * What a zip may unpack to: twenty times its own size (ONNX weights barely compress, a
 * tokenizer about 5x), and never less than 256 MiB. fflate inflates each entry into a
 * buffer of the size the zip's directory declares, and no further, so checking the
 * declared sizes before inflating bounds the memory: a small zip that declares gigabytes
 * is refused before any is allocated, and one that declares less than it holds is cut at
 * the declared size (its SHA-256 check then fails).
 */
export function unzipLimit(zipBytes: number): number {
  return Math.max(256 * 2 ** 20, 20 * zipBytes);
}

const size = (n: number) =>
  n < 2 ** 20 ? `${(n / 1024).toLocaleString('en', { maximumFractionDigits: 1 })} KiB` : `${(n / 2 ** 20).toLocaleString('en', { maximumFractionDigits: 1 })} MiB`;

async function unpack(label: string, dropped: DroppedFile[]): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  for (const d of dropped) {
    const bytes = new Uint8Array(await d.file.arrayBuffer());
    if (!d.path.toLowerCase().endsWith('.zip')) {
      files.set(d.path, bytes);
      continue;
    }
    let entries: Record<string, Uint8Array>;
    const limit = unzipLimit(bytes.length);
    let declared = 0;
    try {
      entries = unzipSync(bytes, {
        filter: (f) => {
          if (f.name.endsWith('/') || f.name.startsWith('__MACOSX/')) return false;
          declared += f.originalSize;
          if (declared > limit) {
            throw new ModelError(
              `${d.path}: unpacks to more than ${size(limit)} (${f.name} alone declares ${size(f.originalSize)}), more than a model zip of ${size(bytes.length)} holds; not unpacked`,
            );
          }
          return true;
        },
      });
    } catch (e) {
      if (e instanceof ModelError) throw e;
      throw new ModelError(t('model_import.bad_zip', { path: d.path, why: (e as Error).message }));
    }
    for (const [name, data] of Object.entries(entries)) files.set(name, data);
  }
  if (files.size === 0) throw new ModelError(t('model_import.no_files', { label }));
  return files;
}

/** The files under the folder that holds manifest.json, keyed by their path below it. */
function modelFolder(label: string, files: Map<string, Uint8Array>): Map<string, Uint8Array> {
  const manifests = [...files.keys()].filter((p) => p === 'manifest.json' || p.endsWith('/manifest.json'));
  if (manifests.length === 0) {
    throw new ModelError(t('model_import.no_manifest', { label }));
  }
  const root = manifests.sort((a, b) => a.length - b.length)[0].slice(0, -'manifest.json'.length);
  return new Map([...files].filter(([p]) => p.startsWith(root)).map(([p, b]) => [p.slice(root.length), b]));
}

function memorySource(where: string, files: Map<string, Uint8Array>, read?: Set<string>): ModelSource {
  return {
    where,
    read: async (path) => {
      read?.add(path);
      return files.get(path) ?? null;
    },
  };
}

export async function importModel(label: string, dropped: DroppedFile[], reserved: string[]): Promise<ImportResult> {
  const files = modelFolder(label, await unpack(label, dropped));
  // Keep what scoring reads (loadModel picks the graph), not the fp32 weights or parity data.
  const read = new Set<string>();
  const source = memorySource(label, files, read);
  const { manifest }: LoadedModel = await loadModel(source);
  // On WebGPU the worker may read a WebGPU-only file instead (chooseWeights), so keep those too.
  const keep = [...read, ...(manifest.onnx.dual?.webgpu ?? []).map((g) => g.file)];
  // loadModel checked what scoring reads; an exported folder holds the rest too.
  for (const path of Object.keys(manifest.files)) await readVerified(source, manifest, path);
  if (reserved.includes(manifest.name)) {
    throw new ModelError(t('model_import.name_taken', { label, name: manifest.name }));
  }
  try {
    await storeModelFiles(
      { name: manifest.name, manifest: new TextDecoder().decode(files.get('manifest.json')), origin: 'imported', cachedAt: Date.now() },
      keep.filter((p) => p !== 'manifest.json').map((path) => ({ model: manifest.name, path, sha256: manifest.files[path].sha256, bytes: files.get(path)! })),
    );
  } catch (e) {
    inMemory.set(manifest.name, memorySource(`${label} (in memory)`, new Map(keep.map((p) => [p, files.get(p)!]))));
    return { name: manifest.name, warning: t('model_import.until_closed', { why: (e as Error).message }) };
  }
  return { name: manifest.name };
}
