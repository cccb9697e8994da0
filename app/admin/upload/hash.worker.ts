/// <reference lib="webworker" />
// The hash worker of hash.ts: one file at a time, progress at most every 16 MB.
import { digestBlob, type HashReply, type HashRequest } from './hash-digest';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const PROGRESS_EVERY = 16 * 1024 * 1024;

scope.onmessage = async ({ data }: MessageEvent<HashRequest>) => {
  let reported = 0;
  const reply = (message: HashReply) => scope.postMessage(message);
  try {
    const digest = await digestBlob(data.file, (done) => {
      if (done - reported < PROGRESS_EVERY && done < data.file.size) return;
      reported = done;
      reply({ id: data.id, progress: done });
    });
    reply({ id: data.id, digest });
  } catch (error) {
    reply({ id: data.id, error: error instanceof Error ? error.message : String(error) });
  }
};
