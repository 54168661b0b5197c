/**
 * Bring-your-own-model zips unpacked in the worker (workers/model-import.ts), here in Node:
 * a zip whose directory declares gigabytes is refused before anything is inflated.
 */
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { importModel, unzipLimit } from '../../workers/model-import';

/** Set every central-directory entry's uncompressed size (offset 24 of each 0x02014b50 header). */
function declare(zip: Uint8Array, bytes: number): Uint8Array {
  const out = zip.slice();
  const view = new DataView(out.buffer);
  for (let i = 0; i + 4 <= out.length; i++) if (view.getUint32(i, true) === 0x02014b50) view.setUint32(i + 24, bytes, true);
  return out;
}

const drop = (zip: Uint8Array) => [{ path: 'model.zip', file: new Blob([zip as Uint8Array<ArrayBuffer>]) }];

describe('a model zip', () => {
  const zip = zipSync({ 'm/manifest.json': strToU8('{}'), 'm/onnx/model.onnx': new Uint8Array(1000) });

  it('that declares gigabytes is refused before it is inflated, naming the entry', async () => {
    const bomb = declare(zip, 0xfffffff0); // 4 GiB per entry in a zip of a few hundred bytes
    await expect(importModel('model.zip', drop(bomb), [])).rejects.toThrow(
      /^model\.zip: unpacks to more than 256 MiB \(m\/manifest\.json alone declares 4,096 MiB\), more than a model zip of [\d.]+ KiB holds; not unpacked$/,
    );
  });

  it('within the bound goes on to the manifest checks', async () => {
    await expect(importModel('model.zip', drop(zip), [])).rejects.toThrow(/manifest/);
    expect(unzipLimit(1e9)).toBe(2e10); // a 1 GB zip may hold 20 GB, a small one 256 MiB
    expect(unzipLimit(1000)).toBe(256 * 2 ** 20);
  });
});
