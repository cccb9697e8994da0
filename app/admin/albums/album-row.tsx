'use client';
import Link from 'next/link';
import { useState } from 'react';
import type { Album } from '../../_lib/library';
import { StatusBadge } from '../_components/status-badge';
import { AlbumEditForm } from './album-edit-form';
import { SharesPanel } from './shares-panel';
import type { AlbumPatch } from '../../_lib/api';

interface Props {
  album: Album;
  first: boolean;
  last: boolean;
  onMove: (delta: -1 | 1) => Promise<void>;
  onUpdate: (patch: AlbumPatch) => Promise<boolean>;
  onDelete: () => Promise<void>;
}

export function AlbumRow({ album, first, last, onMove, onUpdate, onDelete }: Props) {
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);
  const editId = `album-edit-${album.id}`;

  async function act(action: () => Promise<unknown>) {
    setBusy(true);
    try {
      await action();
    } finally {
      setBusy(false);
    }
  }

  const isPublic = album.visibility === 'public';
  return (
    <>
      <tr data-testid={`album-${album.slug}`}>
        <td>{album.position}</td>
        <td>
          {album.title}
          {album.description && <div className="muted small">{album.description}</div>}
        </td>
        <td><code>{album.slug}</code></td>
        <td><StatusBadge status={album.visibility} /></td>
        <td>
          <Link href={`/admin/library?album=${encodeURIComponent(album.id)}`} aria-label={`${album.imageCount} photos in ${album.title}`}>
            {album.imageCount}
          </Link>
        </td>
        <td>
          <div className="actions">
            <button type="button" className="secondary icon" aria-label={`Move ${album.title} up`} disabled={busy || first} onClick={() => act(() => onMove(-1))}>↑</button>
            <button type="button" className="secondary icon" aria-label={`Move ${album.title} down`} disabled={busy || last} onClick={() => act(() => onMove(1))}>↓</button>
            <button type="button" className="secondary" disabled={busy} onClick={() => act(() => onUpdate({ visibility: isPublic ? 'private' : 'public' }))}>
              {isPublic ? 'Make private' : 'Make public'}
            </button>
            <button type="button" className="secondary" aria-expanded={editing} aria-controls={editing ? editId : undefined} onClick={() => setEditing((e) => !e)}>
              {editing ? 'Close' : 'Edit'}
            </button>
            <button type="button" className="danger" disabled={busy} onClick={() => act(onDelete)}>Delete</button>
          </div>
        </td>
      </tr>
      {editing && (
        <tr className="edit-row" id={editId}>
          <td colSpan={6}>
            <AlbumEditForm
              album={album}
              onCancel={() => setEditing(false)}
              onSave={async (patch) => {
                if (await onUpdate(patch)) setEditing(false);
              }}
            />
            <SharesPanel albumId={album.id} albumTitle={album.title} />
          </td>
        </tr>
      )}
    </>
  );
}
