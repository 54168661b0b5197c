/** What the user dropped or picked (a model folder, or a zip of one) as paths and files. */
import type { DroppedFile } from '../../workers/model-import';

export interface Dropped {
  /** The folder or zip name, for messages. */
  label: string;
  files: DroppedFile[];
}

function readEntries(dir: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = dir.createReader();
  const all: FileSystemEntry[] = [];
  // readEntries hands out at most ~100 entries per call: read until it returns none.
  return new Promise((resolve, reject) => {
    const more = () =>
      reader.readEntries((batch) => {
        if (batch.length === 0) return resolve(all);
        all.push(...batch);
        more();
      }, reject);
    more();
  });
}

async function walk(entry: FileSystemEntry, out: DroppedFile[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push({ path: entry.fullPath.replace(/^\//, ''), file });
  } else if (entry.isDirectory) {
    for (const child of await readEntries(entry as FileSystemDirectoryEntry)) await walk(child, out);
  }
}

/**
 * A drop: folders are walked (DataTransfer entries); plain files and zips are taken as they are.
 * A file item without an entry (a DataTransfer built by a page script, or a browser without
 * webkitGetAsEntry for it) is taken through getAsFile. Both are read before the first await:
 * the items are emptied once the drop event is over.
 */
export async function fromDataTransfer(dt: DataTransfer): Promise<Dropped> {
  const entries: FileSystemEntry[] = [];
  const files: DroppedFile[] = [];
  for (const item of [...dt.items]) {
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry();
    const file = entry ? null : item.getAsFile();
    if (entry) entries.push(entry);
    else if (file) files.push({ path: file.name, file });
  }
  for (const entry of entries) await walk(entry, files);
  const names = [...entries.map((e) => e.name), ...files.filter((f) => !f.path.includes('/')).map((f) => f.path)];
  return { label: [...new Set(names)].join(', ') || 'the dropped files', files };
}

/** An <input type=file> pick: a folder (webkitdirectory) or a zip. */
export function fromFileList(list: FileList): Dropped {
  const files = [...list].map((file) => ({ path: file.webkitRelativePath || file.name, file }));
  const label = files[0]?.path.split('/')[0] ?? 'the chosen files';
  return { label, files };
}
