import fs from 'node:fs';

/**
 * Creates `file` with `content` unless it exists: written aside, then hard-linked into place,
 * so processes racing to create it never see a half-written file and the first one wins.
 * Its directory must exist.
 */
export function writeFileOnce(file: string, content: string, mode = 0o600): void {
  const tmp = `${file}.${process.pid}.${crypto.randomUUID()}.tmp`;
  fs.writeFileSync(tmp, content, { mode });
  try {
    fs.linkSync(tmp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}
