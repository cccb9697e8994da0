'use client';
import { formatShortDate } from '../../_lib/library';
import type { Worker } from '../../_lib/api';
import { formatAge } from './display';

interface Props {
  workers: Worker[];
  now: number;
  busy: string | null;
  onDrain: (worker: Worker, drained: boolean) => void;
}

const shortId = (id: string) => (id.length > 10 ? `${id.slice(0, 8)}…` : id);

export function WorkersTable({ workers, now, busy, onDrain }: Props) {
  return (
    <div className="table-scroll">
      <table className="compact fleet-table">
        <caption className="visually-hidden">Workers</caption>
        <thead>
          <tr>
            <th scope="col">Hostname</th><th scope="col">ID</th><th scope="col">Version</th><th scope="col">State</th>
            <th scope="col">Claims</th><th scope="col">Heartbeat</th><th scope="col">Running / slots</th><th scope="col">Started</th>
            <th scope="col"><span className="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          {workers.map((w) => (
            <tr
              key={w.id}
              data-testid={`worker-${w.id}`}
              data-online={w.isOnline}
              data-drained={w.isDrained}
              className={w.isOnline ? undefined : 'offline'}
            >
              <td className="nowrap" id={`worker-host-${w.id}`}>{w.hostname}</td>
              <td className="nowrap"><code title={w.id}>{shortId(w.id)}</code></td>
              <td>{w.version}</td>
              <td><span className={`badge ${w.isOnline ? 'on' : 'off'}`}>{w.isOnline ? 'online' : 'offline'}</span></td>
              <td>{w.isDrained ? <span className="badge s-drained">drained</span> : <span className="muted">accepting</span>}</td>
              <td className="nowrap">
                <time dateTime={w.lastHeartbeatAt} title={new Date(w.lastHeartbeatAt).toLocaleString()}>
                  {formatAge(now - Date.parse(w.lastHeartbeatAt))}
                </time>
              </td>
              <td title={`${w.running} of ${w.concurrency} develop slots busy`}>{w.running}/{w.concurrency}</td>
              <td className="nowrap">{formatShortDate(w.startedAt)}</td>
              <td>
                {w.isOnline && (
                  <button
                    type="button"
                    className={w.isDrained ? 'secondary' : 'danger'}
                    disabled={busy === w.id}
                    aria-describedby={`worker-host-${w.id}`}
                    onClick={() => onDrain(w, !w.isDrained)}
                  >
                    {w.isDrained ? 'Undrain' : 'Drain'}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
