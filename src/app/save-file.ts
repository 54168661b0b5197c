/** Hand a Blob to the browser as a download named `name` (exports, corrections, adapters). */
export function saveFile(blob: Blob, name: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  // The download has started reading the URL by now; a minute covers a slow start.
  setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
}
