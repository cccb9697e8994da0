/** When each image of the full path was uploaded, queued, claimed, finished and seen ready. */
import { sum } from '../lib/stats';
import type { Photo } from './photos';

export interface JobTimes {
  enqueuedAt: number;
  claimedAt?: number;
  finishedAt?: number;
  attempts: number;
}

export interface ImageTimeline {
  name: string;
  id: string;
  uploadStartMs: number;
  uploadMs: number;
  /** from the first upload request (t0), ms; DB clock for the job times */
  enqueued: number;
  claimed: number;
  finished: number;
  readySeen: number;
  /** claimed → finished: read original + develop + write variants + commit */
  runMs: number;
  /** cores other processes used during the job */
  otherCores: number;
  attempts: number;
}

export interface Breakdown {
  /** t0 → first claim: the first upload, the commit, NOTIFY and the worker's claim */
  startMs: number;
  /** Σ claimed → finished */
  runMs: number;
  /** Σ between a finish and the next claim while that job was already queued */
  claimGapMs: number;
  /** Σ between a finish and the next enqueue: the worker waited for an upload */
  waitingForUploadMs: number;
  /** last finish → seen ready by the poll (poll interval) */
  tailMs: number;
}

export interface Upload {
  id: string;
  startMs: number;
  ms: number;
}

/** Times relative to t0, the first upload request; `otherCores` says how busy the machine was between two of them. */
export function timelineOf(
  photos: Photo[],
  uploads: Upload[],
  jobs: Map<string, JobTimes>,
  readySeen: Map<string, number>,
  t0: number,
  otherCores: (from: number, to: number) => number,
): ImageTimeline[] {
  return uploads.map((u, i) => {
    const job = jobs.get(u.id);
    const rel = (at: number | undefined) => (at === undefined ? Number.NaN : at - t0);
    const claimed = rel(job?.claimedAt);
    const finished = rel(job?.finishedAt);
    return {
      name: photos[i]?.name ?? u.id,
      id: u.id,
      uploadStartMs: u.startMs,
      uploadMs: u.ms,
      enqueued: rel(job?.enqueuedAt),
      claimed,
      finished,
      readySeen: readySeen.get(u.id) ?? Number.NaN,
      runMs: finished - claimed,
      otherCores: otherCores(claimed, finished),
      attempts: job?.attempts ?? 0,
    };
  });
}

/** Where the full path's time went; `endMs` is when the poll saw the last image ready. */
export function breakdownOf(timeline: ImageTimeline[], endMs: number): Breakdown {
  const byClaim = [...timeline].sort((a, b) => a.claimed - b.claimed);
  const breakdown: Breakdown = { startMs: byClaim[0]?.claimed ?? Number.NaN, runMs: sum(timeline.map((t) => t.runMs)), claimGapMs: 0, waitingForUploadMs: 0, tailMs: 0 };
  for (let i = 1; i < byClaim.length; i++) {
    const previous = byClaim[i - 1];
    const current = byClaim[i];
    if (!previous || !current) continue;
    const waited = Math.max(0, current.enqueued - previous.finished);
    breakdown.waitingForUploadMs += waited;
    breakdown.claimGapMs += current.claimed - previous.finished - waited;
  }
  breakdown.tailMs = endMs - Math.max(...timeline.map((t) => t.finished));
  return breakdown;
}
