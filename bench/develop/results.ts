/** One path's measured result, several runs of it combined, and the table the bench prints. */
import { fmt, table } from '../lib/format';
import { median, sum } from '../lib/stats';
import type { CpuUse } from './cpu';

export interface PhaseResult {
  seconds: number;
  images: number;
  imagesPerSecond: number;
  perImageMs: number[];
  /** cores other processes used while each image was developed (NaN if unknown) */
  perImageOtherCores: number[];
  cpu?: CpuUse;
}

const CPU_KEYS = ['machine', 'bench', 'worker', 'postgres', 'other'] as const;

/** Several runs of one path as one: all images over all seconds, per-image medians, CPU weighted by time. */
export function combine(runs: PhaseResult[]): PhaseResult {
  const seconds = sum(runs.map((r) => r.seconds));
  const images = sum(runs.map((r) => r.images));
  const perImageMs = (runs[0]?.perImageMs ?? []).map((_, i) => median(runs.map((r) => r.perImageMs[i] ?? Number.NaN)));
  const perImageOtherCores = (runs[0]?.perImageOtherCores ?? []).map((_, i) => median(runs.map((r) => r.perImageOtherCores[i] ?? Number.NaN)));
  const cpu = runs.every((r) => r.cpu)
    ? (Object.fromEntries(CPU_KEYS.map((key) => [key, sum(runs.map((r) => (r.cpu?.[key] ?? 0) * r.seconds)) / seconds])) as unknown as CpuUse)
    : undefined;
  return { seconds, images, imagesPerSecond: images / seconds, perImageMs, perImageOtherCores, cpu };
}

function cpuCell(cpu: CpuUse | undefined, key: keyof CpuUse) {
  return cpu ? fmt(cpu[key], 2) : 'n/a';
}

/** CPU time our processes (this bench, the worker, our PostgreSQL backends) spent per image. */
export function cpuSecondsPerImage(result: PhaseResult): number {
  if (!result.cpu) return Number.NaN;
  return ((result.cpu.bench + result.cpu.worker + result.cpu.postgres) * result.seconds) / result.images;
}

export function resultTable(rows: { path: string; result: PhaseResult }[]): string {
  return table(
    ['path', 'images', 'seconds', 'images/s', 'ms/image (median)', 'CPU s/image', 'bench cores', 'worker cores', 'postgres cores', 'other cores'],
    rows.map(({ path: name, result }) => {
      const bare = name.startsWith('bare');
      return [
        name,
        String(result.images),
        fmt(result.seconds, 2),
        fmt(result.imagesPerSecond, 3),
        fmt(median(result.perImageMs)),
        result.cpu ? fmt(cpuSecondsPerImage(result), 2) : 'n/a',
        cpuCell(result.cpu, 'bench'),
        bare ? '-' : cpuCell(result.cpu, 'worker'),
        bare ? '-' : cpuCell(result.cpu, 'postgres'),
        cpuCell(result.cpu, 'other'),
      ];
    }),
  );
}
