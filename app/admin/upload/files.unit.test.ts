import { describe, expect, it } from 'vitest';
import { droppedFiles } from './files';

// Minimal FileSystemEntry fakes: a directory reader hands back its children in batches, like Chromium (100 at most per call).
function fileEntry(fullPath: string): FileSystemFileEntry {
  const name = fullPath.split('/').at(-1) ?? '';
  return { isFile: true, isDirectory: false, fullPath, name, file: (ok: (f: File) => void) => ok(new File(['x'], name)) } as unknown as FileSystemFileEntry;
}
function dirEntry(fullPath: string, children: FileSystemEntry[], batch = 2): FileSystemDirectoryEntry {
  return {
    isFile: false,
    isDirectory: true,
    fullPath,
    createReader: () => {
      let at = 0;
      return { readEntries: (ok: (e: FileSystemEntry[]) => void) => ok(children.slice(at, (at += batch))) };
    },
  } as unknown as FileSystemDirectoryEntry;
}
const transfer = (entries: (FileSystemEntry | null)[], files: File[] = []) =>
  ({ items: entries.map((entry) => ({ kind: 'file', webkitGetAsEntry: () => entry })), files }) as unknown as DataTransfer;

describe('droppedFiles', () => {
  it('walks folders recursively, reading every batch, and keeps the paths', async () => {
    const nested = dirEntry('/trip/day2', [fileEntry('/trip/day2/c.jpg')]);
    const trip = dirEntry('/trip', [fileEntry('/trip/a.jpg'), fileEntry('/trip/b.jpg'), nested, fileEntry('/trip/d.jpg'), fileEntry('/trip/e.jpg')]);
    const got = await droppedFiles(transfer([trip, fileEntry('/loose.jpg')]));
    expect(got.map((f) => f.path)).toEqual(['trip/a.jpg', 'trip/b.jpg', 'trip/day2/c.jpg', 'trip/d.jpg', 'trip/e.jpg', 'loose.jpg']);
    expect(got.map((f) => f.file.name)).toEqual(['a.jpg', 'b.jpg', 'c.jpg', 'd.jpg', 'e.jpg', 'loose.jpg']);
  });

  it('falls back to the flat file list when entries are not available', async () => {
    const file = new File(['x'], 'plain.jpg');
    const got = await droppedFiles(transfer([null], [file]));
    expect(got).toEqual([{ file, path: 'plain.jpg' }]);
  });
});
