/*
 * bare-sharp: developImage() in a loop in this process, the transforms and nothing else; and
 * the check that the full path produced the same output.
 */
import { type Developed, developImage } from '../../server/images/develop';
import { type CpuGroups, cpuBetween, snapshot } from './cpu';
import type { ApiImage } from './full-path';
import type { Photo } from './photos';
import type { PhaseResult } from './results';
import { SETTINGS } from './settings';

export interface Signature {
  width: number;
  height: number;
  placeholder: string;
  dominantColor: string;
  variants: string[];
}

const signatureOf = (d: Developed): Signature => ({
  width: d.width,
  height: d.height,
  placeholder: d.placeholder,
  dominantColor: d.dominantColor,
  variants: d.variants.map((v) => `${v.width}x${v.height}.${v.format}:${v.data.length}`).sort(),
});

export type BareRun = Awaited<ReturnType<typeof runBareSharp>>;

export async function runBareSharp(photos: Photo[], warmups: Photo[]): Promise<PhaseResult & { signatures: Signature[]; warmupMs: number[] }> {
  const warmupMs: number[] = [];
  for (const photo of warmups) {
    const t = performance.now();
    await developImage(photo.data, { maxPixels: SETTINGS.maxPixels });
    warmupMs.push(performance.now() - t);
  }
  const groups: CpuGroups = { bench: [process.pid], worker: [], postgres: [] };
  const perImageMs: number[] = [];
  const signatures: Signature[] = [];
  const before = snapshot(groups);
  const started = performance.now();
  const perImageOtherCores: number[] = [];
  for (const photo of photos) {
    const t = performance.now();
    const from = snapshot(groups);
    const developed = await developImage(photo.data, { maxPixels: SETTINGS.maxPixels });
    perImageMs.push(performance.now() - t);
    perImageOtherCores.push(cpuBetween(from, snapshot(groups))?.other ?? Number.NaN);
    signatures.push(signatureOf(developed));
  }
  const seconds = (performance.now() - started) / 1000;
  return { seconds, images: photos.length, imagesPerSecond: photos.length / seconds, perImageMs, perImageOtherCores, cpu: cpuBetween(before, snapshot(groups)), signatures, warmupMs };
}

/** Same transforms both ways: each API image against the developImage output of its photo. */
export function compareOutputs(photos: Photo[], signatures: Signature[], items: ApiImage[]): { identical: boolean; notes: string[] } {
  const notes: string[] = [];
  for (const [i, photo] of photos.entries()) {
    const expected = signatures[i];
    const item = items.find((it) => it.originalName === photo.name);
    if (!expected || !item) {
      notes.push(`${photo.name}: missing on one side`);
      continue;
    }
    const got = item.variants.map((v) => `${v.width}x${v.height}.${v.format}:${v.bytes}`).sort();
    const shape = (list: string[]) => list.map((v) => v.split(':')[0]).join(' ');
    if (item.width !== expected.width || item.height !== expected.height) notes.push(`${photo.name}: size ${item.width}x${item.height} vs ${expected.width}x${expected.height}`);
    if (shape(got) !== shape(expected.variants)) notes.push(`${photo.name}: variants [${shape(got)}] vs [${shape(expected.variants)}]`);
    else if (got.join() !== expected.variants.join()) notes.push(`${photo.name}: same variants, different byte counts`);
    if (item.placeholder !== expected.placeholder || item.dominantColor !== expected.dominantColor) notes.push(`${photo.name}: placeholder/dominant colour differ`);
  }
  return { identical: notes.length === 0, notes };
}
