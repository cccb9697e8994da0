import type { Logger } from '../log';
import type { Queue } from './queue';

/**
 * The in-process ticker (PREPROCESS_TICKER_ENABLED): the same tick as the endpoint. It
 * develops jobs itself only when this replica has no worker loop.
 */
export function startTicker(input: { queue: Queue; log: Logger; intervalMs: number; budgetMs: number; develop: boolean }) {
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    if (running) return; // never overlap ticks in one process
    running = input.queue
      .tick({ budgetMs: input.budgetMs, develop: input.develop })
      .then((result) => {
        if (result.claimed || result.requeued || result.enqueued) input.log.info(result, 'tick');
      })
      .catch((error: unknown) => input.log.error({ err: error }, 'tick failed'))
      .finally(() => {
        running = undefined;
      });
  }, input.intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
