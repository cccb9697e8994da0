/*
 * Peak memory while `npm start` develops 24 MP JPEGs: the owner (ADMIN_EMAIL/ADMIN_PASSWORD)
 * signs in over HTTP, uploads every photo through POST /api/v1/admin/images, and the tree's
 * memory is sampled until every photo is `ready`. Also reads each process's kernel peak
 * (VmHWM), reset just before the first upload so startup does not count.
 */
import type { Photo } from '../develop/photos';
import { sleep } from '../lib/process';
import { type ProcessMemory, processMemory, resetPeaks, treeMemory, descendants } from './tree';

const TIMEOUT_MS = 10 * 60_000;

export interface DevelopPeak {
  photos: number;
  seconds: number;
  /** Largest sum of RSS (and of PSS) over the tree seen in the samples. */
  sampledPeakRssBytes: number;
  sampledPeakPssBytes: number;
  /** Per process, its VmHWM over the run. */
  processes: ProcessMemory[];
  /** The sum of every process's VmHWM: an upper bound of the tree's peak. */
  peakRssBytes: number;
}

export async function developPeak(root: number, baseUrl: string, owner: { email: string; password: string }, photos: Photo[]): Promise<DevelopPeak> {
  const origin = baseUrl;
  const signIn = await fetch(`${baseUrl}/api/auth/sign-in/email`, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json' },
    body: JSON.stringify(owner),
  });
  if (signIn.status !== 200) throw new Error(`sign-in answered ${signIn.status}: ${await signIn.text()}`);
  const cookie = signIn.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');

  let sampledPeakRssBytes = 0;
  let sampledPeakPssBytes = 0;
  let sampling = true;
  resetPeaks(root);
  const sampler = (async () => {
    while (sampling) {
      const tree = treeMemory(root);
      sampledPeakRssBytes = Math.max(sampledPeakRssBytes, tree.rssBytes);
      sampledPeakPssBytes = Math.max(sampledPeakPssBytes, tree.pssBytes);
      await sleep(100);
    }
  })();

  const started = Date.now();
  try {
    const ids: string[] = [];
    for (const photo of photos) {
      const form = new FormData();
      form.append('files', new Blob([new Uint8Array(photo.data)], { type: 'image/jpeg' }), photo.name);
      const res = await fetch(`${baseUrl}/api/v1/admin/images`, { method: 'POST', headers: { origin, cookie }, body: form });
      if (res.status !== 202) throw new Error(`upload of ${photo.name} answered ${res.status}: ${await res.text()}`);
      const body = (await res.json()) as { items: { id: string }[] };
      const id = body.items[0]?.id;
      if (!id) throw new Error(`upload of ${photo.name} returned no image`);
      ids.push(id);
    }
    const pending = new Set(ids);
    while (pending.size > 0) {
      if (Date.now() - started > TIMEOUT_MS) throw new Error(`${pending.size} photos not developed after ${TIMEOUT_MS / 60_000} min`);
      for (const id of [...pending]) {
        const res = await fetch(`${baseUrl}/api/v1/admin/images/${id}`, { headers: { cookie } });
        const image = (await res.json()) as { status?: string };
        if (image.status === 'failed') throw new Error(`developing ${id} failed`);
        if (image.status === 'ready') pending.delete(id);
      }
      await sleep(250);
    }
  } finally {
    sampling = false;
    await sampler;
  }
  const processes = descendants(root).flatMap((pid) => processMemory(pid) ?? []);
  return {
    photos: photos.length,
    seconds: (Date.now() - started) / 1000,
    sampledPeakRssBytes,
    sampledPeakPssBytes,
    processes,
    peakRssBytes: processes.reduce((sum, p) => sum + p.peakRssBytes, 0),
  };
}
