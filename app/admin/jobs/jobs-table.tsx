'use client';
import Link from 'next/link';
import { useState } from 'react';
import type { Job } from '../../_lib/api';
import { formatShortDate } from '../../_lib/library';
import { StatusBadge } from '../_components/status-badge';
import { failureText } from './failure-text';

interface Props {
  jobs: Job[];
  onAction: (id: string, action: 'retry' | 'cancel') => Promise<void>;
}

const shortId = (id: string) => (id.length > 10 ? `${id.slice(0, 8)}…` : id);

export function JobsTable({ jobs, onAction }: Props) {
  const [busy, setBusy] = useState<string | null>(null);

  async function act(id: string, action: 'retry' | 'cancel') {
    setBusy(id);
    try {
      await onAction(id, action);
    } finally {
      setBusy(null);
    }
  }

  return (
    <div className="table-scroll">
      <table className="compact">
        <thead>
          <tr>
            <th>Kind</th><th>Subject</th><th>Status</th><th>Attempts</th><th>Leased by</th><th>Lease expires</th>
            <th>Run after</th><th>Last error</th><th>Created</th><th><span className="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          {jobs.map((job) => (
            <tr key={job.id} data-testid={`job-${job.id}`} data-status={job.status}>
              <td className="nowrap">{job.kind}</td>
              <td>
                <Link href={`/admin/library/${encodeURIComponent(job.subjectId)}`} title={job.subjectId}>
                  {shortId(job.subjectId)}
                </Link>
              </td>
              <td><StatusBadge status={job.status} /></td>
              <td>{job.attempts}/{job.maxAttempts}</td>
              <td>{job.leasedBy ?? '—'}</td>
              <td>{formatShortDate(job.leaseExpiresAt)}</td>
              <td>{formatShortDate(job.runAfter)}</td>
              <td className={job.lastError ? 'last-error' : undefined} title={failureText(job) ?? undefined} data-failure-kind={job.failureKind ?? undefined}>
                {failureText(job) ?? '—'}
              </td>
              <td>{formatShortDate(job.createdAt)}</td>
              <td>
                {(job.status === 'failed' || job.status === 'cancelled') && (
                  <button type="button" className="secondary" disabled={busy === job.id} onClick={() => act(job.id, 'retry')}>Retry</button>
                )}
                {(job.status === 'queued' || job.status === 'running') && (
                  <button type="button" className="danger" disabled={busy === job.id} onClick={() => act(job.id, 'cancel')}>Cancel</button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
