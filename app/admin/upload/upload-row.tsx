import Link from 'next/link';
import { formatBytes } from '../../_lib/library';
import type { Batch, BatchItem } from './batch';

export const formatSpeed = (bytesPerSecond: number) => `${formatBytes(Math.round(bytesPerSecond))}/s`;
export function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) return '';
  if (seconds < 60) return `${Math.ceil(seconds)} s left`;
  if (seconds < 3600) return `${Math.ceil(seconds / 60)} min left`;
  return `${(seconds / 3600).toFixed(1)} h left`;
}

function statusText(item: BatchItem): string {
  switch (item.state) {
    case 'hashing':
      return 'Checking…';
    case 'queued':
      return 'Waiting';
    case 'uploading': {
      const pct = item.file.size ? Math.floor((item.sent / item.file.size) * 100) : 0;
      const eta = item.speed > 0 ? formatEta((item.file.size - item.sent) / item.speed) : '';
      return [`${pct}%`, item.speed > 0 ? formatSpeed(item.speed) : '', eta].filter(Boolean).join(' · ');
    }
    case 'paused':
      return 'Paused';
    case 'accepted':
      return item.develop === 'ready' ? 'Ready' : item.develop === 'processing' ? 'Developing…' : item.develop === 'failed' ? 'Develop failed' : 'Uploaded, waiting to develop';
    case 'duplicate':
      return 'Already in the library';
    case 'refused':
    case 'failed':
    case 'cancelled':
      return item.reason ?? 'Upload failed';
  }
}

const BAD = new Set(['refused', 'failed', 'cancelled']);

export function UploadRow({ item, batch }: { item: BatchItem; batch: Batch }) {
  const name = item.path;
  const active = item.state === 'uploading' || item.state === 'queued' || item.state === 'hashing';
  return (
    <div className={`upload-row ${item.state}`} data-testid={`upload-${name}`} data-state={item.state} data-develop={item.develop} role="listitem">
      <span className="upload-thumb" aria-hidden="true">
        {/* eslint-disable-next-line @next/next/no-img-element -- a tiny data/variant URL from our API; next/image adds nothing here */}
        {item.thumbnail && <img src={item.thumbnail} alt="" width={40} height={40} />}
      </span>
      <span className="upload-name" title={name}>{name}</span>
      <span className="muted">{formatBytes(item.file.size)}</span>
      <progress value={item.file.size ? item.sent / item.file.size : FINAL_DONE.has(item.state) ? 1 : 0} max={1} aria-label={`Upload progress for ${name}`} />
      <span className={`upload-status${BAD.has(item.state) ? ' error' : ''}`}>{statusText(item)}</span>
      <span className="upload-actions">
        {item.state === 'uploading' && (
          <button type="button" className="link" onClick={() => batch.pauseItem(item.key)} aria-label={`Pause ${name}`}>Pause</button>
        )}
        {item.state === 'paused' && (
          <button type="button" className="link" onClick={() => batch.resumeItem(item.key)} aria-label={`Resume ${name}`}>Resume</button>
        )}
        {(active || item.state === 'paused') && (
          <button type="button" className="link" onClick={() => batch.cancelItem(item.key)} aria-label={`Cancel ${name}`}>Cancel</button>
        )}
        {(item.state === 'accepted' || item.state === 'duplicate') && item.imageId && (
          <Link href={`/admin/library/${encodeURIComponent(item.imageId)}`} aria-label={`Open ${name} in the library`}>Open</Link>
        )}
      </span>
    </div>
  );
}

const FINAL_DONE = new Set(['accepted', 'duplicate']);
