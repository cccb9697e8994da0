'use client';
import { type FormEvent, useState } from 'react';
import type { AlbumPatch } from '../../_lib/api';
import { type Album, oneOf, VISIBILITIES } from '../../_lib/library';
import { CoverPicker } from './cover-picker';

interface Props {
  album: Album;
  onSave: (patch: AlbumPatch) => Promise<void>;
  onCancel: () => void;
}

export const SLUG_PATTERN = '[a-z0-9]+(-[a-z0-9]+)*';

export function AlbumEditForm({ album, onSave, onCancel }: Props) {
  const [cover, setCover] = useState<string | null>(album.coverImageId);
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const slug = String(form.get('slug') ?? '').trim();
    setBusy(true);
    try {
      await onSave({
        title: String(form.get('title') ?? ''),
        ...(slug ? { slug } : {}),
        description: String(form.get('description') ?? ''),
        visibility: oneOf(VISIBILITIES, form.get('visibility')),
        allowGps: form.get('allowGps') === 'on',
        allowDownload: form.get('allowDownload') === 'on',
        coverImageId: cover,
      });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="stack album-form" onSubmit={onSubmit} aria-label={`Edit ${album.title}`}>
      <div className="row">
        <label>Title<input name="title" defaultValue={album.title} required maxLength={200} /></label>
        <label>Slug<input name="slug" defaultValue={album.slug} pattern={SLUG_PATTERN} maxLength={80} title="lowercase letters, digits and single dashes" /></label>
        <label>
          Visibility
          <select name="visibility" defaultValue={album.visibility}>
            <option value="private">private</option>
            <option value="public">public</option>
          </select>
        </label>
        <label className="check">
          <input type="checkbox" name="allowGps" defaultChecked={album.allowGps} />
          Show GPS publicly
        </label>
        <label className="check">
          <input type="checkbox" name="allowDownload" defaultChecked={album.allowDownload} />
          Visitors may download originals
        </label>
      </div>
      <label>Description<textarea name="description" defaultValue={album.description} maxLength={5000} rows={3} /></label>
      <CoverPicker albumId={album.id} value={cover} onChange={setCover} />
      <div className="row">
        <button type="submit" disabled={busy}>{busy ? 'Saving…' : 'Save album'}</button>
        <button type="button" className="secondary" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}
