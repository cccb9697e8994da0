'use client';
import { useState } from 'react';
import { api, type AvailabilityStatus, call, type Worker } from '../../_lib/api';
import { errorMessage } from '../../_lib/library';
import { useLoad } from '../../_lib/use-load';
import { usePolling } from '../../_lib/use-polling';
import { Beacon } from './beacon';
import { onlineFirst } from './display';
import { useNow, usePageVisible } from './use-clock';
import { WorkersTable } from './workers-table';

const POLL_MS = 2000;

interface Snapshot {
  workers: Worker[];
  status: AvailabilityStatus;
}

async function load(): Promise<Snapshot> {
  const [list, status] = await Promise.all([call(api.admin.workers.$get()), call(api.status.$get())]);
  return { workers: list.items, status };
}

/** The beacon and the worker table, re-read every 2 s while the tab is visible. */
export function FleetMonitor() {
  const visible = usePageVisible();
  const now = useNow(1000, visible);
  const [snapshot, setSnapshot] = useState<Snapshot | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  // Paused while hidden and while a drain is in flight (so a poll started before it cannot undo it).
  const live = visible && busy === null;

  const show = (next: Snapshot) => {
    setSnapshot(next);
    setLoadError(null);
  };
  // At once on mount, after every action, and when the tab comes back; the poll takes it from there.
  useLoad(load, { enabled: live, onLoad: show, onError: (e) => setLoadError(errorMessage(e, 'Could not load the fleet')) });

  usePolling(
    async (signal) => {
      try {
        const next = await load();
        if (!signal.aborted) show(next);
      } catch (e) {
        if (!signal.aborted) setLoadError(errorMessage(e, 'Could not refresh the fleet'));
      }
    },
    POLL_MS,
    live,
  );

  async function setDrained(worker: Worker, drained: boolean) {
    if (drained && !window.confirm(`Drain ${worker.hostname}? It finishes the jobs it is running but claims no new ones until undrained.`)) return;
    setActionError(null);
    setBusy(worker.id);
    try {
      const target = api.admin.workers[':id'];
      const param = { id: worker.id };
      const updated = await call(drained ? target.drain.$post({ param }) : target.undrain.$post({ param }));
      setSnapshot((s) => s && { ...s, workers: s.workers.map((w) => (w.id === updated.id ? updated : w)) });
    } catch (e) {
      setActionError(errorMessage(e, drained ? 'Could not drain the worker' : 'Could not undrain the worker'));
    } finally {
      setBusy(null);
    }
  }

  return (
    <>
      {actionError && <p className="error" role="alert">{actionError}</p>}
      {loadError && <p className="error" role="alert">{loadError}</p>}
      {snapshot === null ? (
        !loadError && <p className="muted">Loading…</p>
      ) : (
        <>
          <Beacon status={snapshot.status} now={now} />
          <h2>Workers</h2>
          {snapshot.workers.length === 0 ? (
            <p className="empty">
              No worker has registered yet — workers register when <code>npm start</code> or <code>npm run worker</code> runs.
            </p>
          ) : (
            <WorkersTable workers={onlineFirst(snapshot.workers)} now={now} busy={busy} onDrain={setDrained} />
          )}
          <p className="muted small">{visible ? `Live: refreshed every ${POLL_MS / 1000} s.` : 'Paused while this tab is hidden.'}</p>
        </>
      )}
    </>
  );
}
