import Link from 'next/link';
import { formatBytes } from '../../_lib/library';

export type UploadState = 'queued' | 'uploading' | 'saving' | 'done' | 'failed';

export interface UploadItem {
  key: number;
  file: File;
  progress: number;
  state: UploadState;
  error?: string;
  imageId?: string;
}

function statusText(item: UploadItem): string {
  switch (item.state) {
    case 'queued':
      return 'Waiting';
    case 'uploading':
      return `Uploading ${Math.round(item.progress * 100)}%`;
    case 'saving':
      return 'Saving…';
    case 'done':
      return 'Uploaded';
    case 'failed':
      return item.error ?? 'Upload failed';
  }
}

export function UploadRow({ item }: { item: UploadItem }) {
  const name = item.file.name;
  return (
    <li className={`upload-row ${item.state}`} data-testid={`upload-${name}`}>
      <span className="upload-name" title={name}>{name}</span>
      <span className="muted">{formatBytes(item.file.size)}</span>
      <progress value={item.progress} max={1} aria-label={`Upload progress for ${name}`} />
      <span className={`upload-status${item.state === 'failed' ? ' error' : ''}`}>{statusText(item)}</span>
      {item.state === 'done' && item.imageId && (
        <Link href={`/admin/library/${encodeURIComponent(item.imageId)}`} aria-label={`Open ${name} in the library`}>
          Open
        </Link>
      )}
    </li>
  );
}
