/*
 * CPU accounting from /proc (Linux): how many cores this bench, the worker, our PostgreSQL
 * backends and everything else used during a phase. "other" > 0 means the machine was busy.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { sum } from '../lib/stats';

const CLK_TCK = (() => {
  const result = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const value = Number(result.stdout?.trim());
  return Number.isFinite(value) && value > 0 ? value : 100;
})();

export interface CpuGroups {
  bench: number[];
  worker: number[];
  postgres: number[];
}
type GroupName = keyof CpuGroups;
export interface CpuSnapshot {
  at: number;
  system?: { busy: number; total: number };
  ticks: Record<GroupName, Map<number, number>>;
}
export interface CpuUse {
  /** average cores busy on the whole machine */
  machine: number;
  bench: number;
  worker: number;
  postgres: number;
  /** machine − (bench + worker + postgres): other sessions, builds, tests… */
  other: number;
}

function systemTicks(): CpuSnapshot['system'] {
  try {
    const first = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = first.trim().split(/\s+/).slice(1).map(Number);
    const busy = user + nice + system + irq + softirq + steal;
    return { busy, total: busy + idle + iowait };
  } catch {
    return undefined;
  }
}

export function procStat(pid: number): { comm: string; pgrp: number; ticks: number } | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = text.lastIndexOf(')');
    const fields = text.slice(close + 2).split(' '); // fields[0] is field 3 (state)
    return { comm: text.slice(text.indexOf('(') + 1, close), pgrp: Number(fields[2]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined;
  }
}

export function processGroup(pgid: number | undefined): number[] {
  if (pgid === undefined) return [];
  try {
    return fs
      .readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .map(Number)
      .filter((pid) => procStat(pid)?.pgrp === pgid);
  } catch {
    return [];
  }
}

export function snapshot(groups: CpuGroups): CpuSnapshot {
  const ticks = {} as CpuSnapshot['ticks'];
  for (const name of Object.keys(groups) as GroupName[]) {
    ticks[name] = new Map(groups[name].flatMap((pid) => {
      const stat = procStat(pid);
      return stat ? [[pid, stat.ticks] as const] : [];
    }));
  }
  return { at: performance.now(), system: systemTicks(), ticks };
}

/** A process that appeared during the phase counts from zero. */
export function cpuBetween(start: CpuSnapshot, end: CpuSnapshot): CpuUse | undefined {
  if (!start.system || !end.system) return undefined;
  const seconds = (end.at - start.at) / 1000;
  const cores = (ticks: number) => ticks / CLK_TCK / seconds;
  const group = (name: GroupName) => cores(sum([...end.ticks[name]].map(([pid, t]) => t - (start.ticks[name].get(pid) ?? 0))));
  const use = { machine: cores(end.system.busy - start.system.busy), bench: group('bench'), worker: group('worker'), postgres: group('postgres'), other: 0 };
  use.other = Math.max(0, use.machine - use.bench - use.worker - use.postgres);
  return use;
}
