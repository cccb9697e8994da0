import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './process';

export function machine() {
  return { cpus: os.availableParallelism(), cpuModel: os.cpus()[0]?.model ?? 'unknown', node: process.version, platform: `${os.platform()} ${os.arch()}` };
}

/** Writes bench/out/<name>.json (git-ignored); returns its path relative to the repository. */
export function writeReport(name: string, report: unknown): string {
  const file = path.join(ROOT, 'bench', 'out', `${name}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return path.relative(ROOT, file);
}
