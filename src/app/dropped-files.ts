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

/** A drop: folders are walked (DataTransfer entries); plain files and zips are taken as they are. */
export async function fromDataTransfer(dt: DataTransfer): Promise<Dropped> {
  const entries = [...dt.items].map((item) => item.webkitGetAsEntry()).filter((e): e is FileSystemEntry => e !== null);
  const files: DroppedFile[] = [];
  for (const entry of entries) await walk(entry, files);
  return { label: entries.map((e) => e.name).join(', ') || 'the dropped files', files };
}

/** An <input type=file> pick: a folder (webkitdirectory) or a zip. */
export function fromFileList(list: FileList): Dropped {
  const files = [...list].map((file) => ({ path: file.webkitRelativePath || file.name, file }));
  const label = files[0]?.path.split('/')[0] ?? 'the chosen files';
  return { label, files };
}
