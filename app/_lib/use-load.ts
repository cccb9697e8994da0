'use client';
import { useEffect, useEffectEvent } from 'react';

interface LoadOptions<T> {
  onLoad: (value: T) => void;
  onError: (error: unknown) => void;
  /** Loads again whenever this changes (filters, a version bumped after a write). */
  key?: string;
  enabled?: boolean;
}

/**
 * Runs `load` on mount and whenever `key` changes, while `enabled`. An answer that arrives
 * after the component unmounted or the key moved on is dropped, so a slow request for an
 * old filter never overwrites the newer one.
 */
export function useLoad<T>(load: () => Promise<T>, { onLoad, onError, key = '', enabled = true }: LoadOptions<T>) {
  const start = useEffectEvent(load);
  const loaded = useEffectEvent(onLoad);
  const failed = useEffectEvent(onError);
  useEffect(() => {
    if (!enabled) return;
    let current = true;
    start().then(
      (value) => {
        if (current) loaded(value);
      },
      (error: unknown) => {
        if (current) failed(error);
      },
    );
    return () => {
      current = false;
    };
  }, [key, enabled]);
}
