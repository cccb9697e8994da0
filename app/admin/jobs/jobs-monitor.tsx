'use client';
import { useEffect, useState } from 'react';
import { api } from '../../_lib/api';
import { errorMessage } from '../../_lib/library';
import { usePolling } from '../../_lib/use-polling';
import { JobsTable } from './jobs-table';
import { JOB_STATUSES, type JobPage, type JobStatus } from './types';

const LIMIT = 100;
const listUrl = (status: JobStatus | '') => `/admin/jobs?limit=${LIMIT}${status ? `&status=${status}` : ''}`;

/** Counts, filter and the newest jobs, re-read every 2 s while "Live" is on. */
export function JobsMonitor() {
  const [status, setStatus] = useState<JobStatus | ''>('');
  const [live, setLive] = useState(true);
  const [page, setPage] = useState<JobPage | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    let cancelled = false;
    api<JobPage>(listUrl(status))
      .then((next) => {
        if (cancelled) return;
        setPage(next);
        setLoadError(null);
      })
      .catch((e: unknown) => {
        if (!cancelled) setLoadError(errorMessage(e, 'Could not load the jobs'));
      });
    return () => {
      cancelled = true;
    };
  }, [status, version]);

  usePolling(
    async (signal) => {
      try {
        const next = await api<JobPage>(listUrl(status));
        if (signal.aborted) return;
        setPage(next);
        setLoadError(null);
      } catch (e) {
        if (!signal.aborted) setLoadError(errorMessage(e, 'Could not refresh the jobs'));
      }
    },
    2000,
    live,
    `${status}:${version}`,
  );

  async function act(id: string, action: 'retry' | 'cancel') {
    setActionError(null);
    try {
      await api(`/admin/jobs/${encodeURIComponent(id)}/${action}`, { method: 'POST' });
    } catch (e) {
      setActionError(errorMessage(e, action === 'retry' ? 'Could not retry the job' : 'Could not cancel the job'));
    }
    setVersion((v) => v + 1);
  }

  const counts = page?.counts ?? {};
  return (
    <>
      <div className="stats job-stats">
        {JOB_STATUSES.map((s) => (
          <div className="stat" key={s} data-testid={`jobs-count-${s}`}>
            <div className="label">{s}</div>
            <div className="value">{counts[s] ?? 0}</div>
          </div>
        ))}
      </div>
      <div className="row filters">
        <label>
          Status
          <select value={status} onChange={(e) => setStatus(e.target.value as JobStatus | '')}>
            <option value="">All</option>
            {JOB_STATUSES.map((s) => (
              <option key={s} value={s}>{s}</option>
            ))}
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={live} onChange={(e) => setLive(e.target.checked)} />
          Live (every 2 s)
        </label>
      </div>
      {actionError && <p className="error" role="alert">{actionError}</p>}
      {loadError && <p className="error" role="alert">{loadError}</p>}
      {page === null ? (
        !loadError && <p className="muted">Loading…</p>
      ) : page.items.length === 0 ? (
        <p className="empty">{status ? `No ${status} jobs.` : 'No jobs yet — they appear when photos are uploaded.'}</p>
      ) : (
        <>
          <JobsTable jobs={page.items} onAction={act} />
          {page.nextCursor && <p className="muted small">Showing the newest {LIMIT} jobs.</p>}
        </>
      )}
    </>
  );
}
