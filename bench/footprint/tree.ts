/*
 * Memory of a whole process tree, read from /proc: every descendant of a root pid (npm, its
 * shell, node, any helper a child forks), each with its RSS and PSS. PSS splits pages shared
 * between processes of the tree (node's binary, libraries) so the sum does not count them twice.
 */
import fs from 'node:fs';

const KB = 1024;

export interface ProcessMemory {
  pid: number;
  ppid: number;
  /** The command line, shortened: which process of the tree this is. */
  command: string;
  rssBytes: number;
  pssBytes: number;
  /** The kernel's high-water mark of this process's RSS (VmHWM), since start or the last resetPeaks(). */
  peakRssBytes: number;
}

export interface TreeMemory {
  processes: ProcessMemory[];
  rssBytes: number;
  pssBytes: number;
}

function read(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined; // the process ended between listing and reading
  }
}

function parentOf(pid: number): number | undefined {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

/** `root` and every process below it. */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const ppid = parentOf(pid);
    if (ppid === undefined) continue;
    children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    if (read(`/proc/${pid}/stat`) === undefined) continue;
    found.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}

function field(text: string | undefined, name: string): number {
  const match = text?.match(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm'));
  return match ? Number(match[1]) * KB : 0;
}

function commandOf(pid: number): string {
  const raw = read(`/proc/${pid}/cmdline`) ?? '';
  const args = raw.split('\0').filter(Boolean);
  const shown = args.map((arg) => (arg.includes('/') && !arg.startsWith('-') ? arg.replace(/^.*node_modules\//, '').replace(/^\/.*\//, '') : arg)).join(' ');
  return shown.length > 70 ? `${shown.slice(0, 67)}…` : shown;
}

export function processMemory(pid: number): ProcessMemory | undefined {
  const status = read(`/proc/${pid}/status`);
  if (!status) return undefined;
  const rollup = read(`/proc/${pid}/smaps_rollup`);
  return {
    pid,
    ppid: parentOf(pid) ?? 0,
    command: commandOf(pid),
    rssBytes: field(status, 'VmRSS'),
    pssBytes: rollup ? field(rollup, 'Pss') : field(status, 'VmRSS'),
    peakRssBytes: field(status, 'VmHWM'),
  };
}

export function treeMemory(root: number): TreeMemory {
  const processes = descendants(root).flatMap((pid) => processMemory(pid) ?? []);
  return {
    processes,
    rssBytes: processes.reduce((sum, p) => sum + p.rssBytes, 0),
    pssBytes: processes.reduce((sum, p) => sum + p.pssBytes, 0),
  };
}

/** Resets every process's VmHWM to its current RSS (writing 5 to clear_refs, Linux ≥ 4.0). */
export function resetPeaks(root: number): void {
  for (const pid of descendants(root)) {
    try {
      fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
    } catch {
      // gone already
    }
  }
}
