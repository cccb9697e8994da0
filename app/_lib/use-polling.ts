'use client';
import { useEffect, useEffectEvent } from 'react';

/**
 * Calls `tick` every `ms` while `enabled`, waiting for each tick to settle before the next
 * timer starts. The signal aborts when polling stops (unmount, disabled, or `key` changes):
 * check `signal.aborted` before using a response.
 */
export function usePolling(tick: (signal: AbortSignal) => Promise<unknown>, ms: number, enabled = true, key = '') {
  const onTick = useEffectEvent(tick);
  useEffect(() => {
    if (!enabled) return;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const schedule = () => {
      timer = setTimeout(() => {
        onTick(controller.signal)
          .catch(() => undefined)
          .finally(() => {
            if (!controller.signal.aborted) schedule();
          });
      }, ms);
    };
    schedule();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [enabled, ms, key]);
}
