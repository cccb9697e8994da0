'use client';
import { useState } from 'react';
import { jobStatuses } from '../../../drizzle/schema/enums';
import { api, call, type Job, type JobPage } from '../../_lib/api';
import { errorMessage, oneOf } from '../../_lib/library';
import { useLoad } from '../../_lib/use-load';
import { usePolling } from '../../_lib/use-polling';
import { JobsTable } from './jobs-table';

type JobStatus = Job['status'];
const JOB_STATUSES: readonly JobStatus[] = jobStatuses;
const LIMIT = 100;
const loadPage = (status: JobStatus | '') => call(api.admin.jobs.$get({ query: { limit: LIMIT, status: status || undefined } }));

/** Counts, filter and the newest jobs, re-read every 2 s while "Live" is on. */
export function JobsMonitor() {
  const [status, setStatus] = useState<JobStatus | ''>('');
  const [live, setLive] = useState(true);
  const [page, setPage] = useState<JobPage | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);

  const show = (next: JobPage) => {
    setPage(next);
    setLoadError(null);
  };
  useLoad(() => loadPage(status), {
    key: `${status}:${version}`,
    onLoad: show,
    onError: (e) => setLoadError(errorMessage(e, 'Could not load the jobs')),
  });

  usePolling(
    async (signal) => {
      try {
        const next = await loadPage(status);
        if (!signal.aborted) show(next);
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
      const job = api.admin.jobs[':id'];
      await call(action === 'retry' ? job.retry.$post({ param: { id } }) : job.cancel.$post({ param: { id } }));
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
          <select value={status} onChange={(e) => setStatus(oneOf(JOB_STATUSES, e.target.value) ?? '')}>
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
