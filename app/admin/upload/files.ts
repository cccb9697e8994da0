'use client';

/** A file with the path it had inside a dropped or chosen folder (its name when it came alone). */
export interface PickedFile {
  file: File;
  path: string;
}

const readBatch = (reader: FileSystemDirectoryReader) =>
  new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
const fileOf = (entry: FileSystemFileEntry) => new Promise<File>((resolve, reject) => entry.file(resolve, reject));

async function walk(entry: FileSystemEntry, out: PickedFile[]): Promise<void> {
  if (entry.isFile) {
    const file = await fileOf(entry as FileSystemFileEntry);
    out.push({ file, path: entry.fullPath.replace(/^\//, '') || file.name });
    return;
  }
  if (!entry.isDirectory) return;
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  // readEntries hands back at most ~100 entries per call: read until it answers with none.
  for (let batch = await readBatch(reader); batch.length > 0; batch = await readBatch(reader)) {
    for (const child of batch) await walk(child, out);
  }
}

/** Everything dropped, folders walked recursively; falls back to the flat file list without entry support. */
export async function droppedFiles(data: DataTransfer): Promise<PickedFile[]> {
  // Entries must be taken synchronously: the DataTransfer is emptied once the drop handler yields.
  const entries = Array.from(data.items, (item) => (item.kind === 'file' ? item.webkitGetAsEntry() : null));
  if (entries.length === 0 || entries.some((entry) => entry === null)) {
    return Array.from(data.files, (file) => ({ file, path: file.name }));
  }
  const out: PickedFile[] = [];
  for (const entry of entries) if (entry) await walk(entry, out);
  return out;
}

/** Files from an <input type=file>, with their folder paths when the input picks directories. */
export const chosenFiles = (files: FileList | null): PickedFile[] =>
  Array.from(files ?? [], (file) => ({ file, path: file.webkitRelativePath || file.name }));
