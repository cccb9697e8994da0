import type sharpFactory from 'sharp';

export type Sharp = typeof sharpFactory;

let threads: number | undefined;
let loading: Promise<Sharp> | undefined;

function apply(sharp: Sharp): Sharp {
  sharp.cache(false);
  if (threads !== undefined) sharp.concurrency(threads);
  return sharp;
}

/**
 * sharp, loaded with the first image this process reads: libvips and its libraries (~10 MB
 * resident) stay out of a worker or a server that has not been given a photo yet.
 */
export function loadSharp(): Promise<Sharp> {
  loading ??= import('sharp').then(({ default: sharp }) => apply(sharp));
  return loading;
}

/**
 * Bounded memory: libvips' operation cache off (every image is new), and its threads split
 * between the jobs that run at once so N jobs never use N × cores threads. Applied when sharp
 * loads, or at once if it already has.
 */
export function configureSharp(jobsAtOnce: number, cores: number): void {
  threads = Math.max(1, Math.floor(cores / Math.max(1, jobsAtOnce)));
  void loading?.then(apply);
}
