'use client';
import { type FormEvent, useState } from 'react';
import { api, call } from '../../../_lib/api';
import { type AdminImage, type Album, errorMessage, oneOf, VISIBILITIES } from '../../../_lib/library';

interface Props {
  image: AdminImage;
  albums: Album[];
  onSaved: (image: AdminImage) => void;
}

const parseTags = (value: string) => [...new Set(value.split(',').map((t) => t.trim()).filter(Boolean))];

/** Uncontrolled; remounted after each save so the inputs show what the server stored (e.g. lower-cased tags). */
export function ImageEditForm({ image, albums, onSaved }: Props) {
  const [version, setVersion] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const albumId = String(form.get('albumId') ?? '');
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      const updated = await call(
        api.admin.images[':id'].$patch({
          param: { id: image.id },
          json: {
            title: String(form.get('title') ?? ''),
            albumId: albumId || null,
            visibility: oneOf(VISIBILITIES, form.get('visibility')),
            tags: parseTags(String(form.get('tags') ?? '')),
          },
        }),
      );
      onSaved(updated);
      setVersion((v) => v + 1);
      setSaved(true);
    } catch (e) {
      setError(errorMessage(e, 'Could not save the changes'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form key={`${image.id}:${version}`} className="stack" onSubmit={onSubmit} onChange={() => setSaved(false)}>
      <label>Title<input name="title" defaultValue={image.title} maxLength={200} placeholder={image.originalName} /></label>
      <label>
        Album
        <select name="albumId" defaultValue={image.albumId ?? ''}>
          <option value="">No album</option>
          {albums.map((a) => (
            <option key={a.id} value={a.id}>{a.title}</option>
          ))}
        </select>
      </label>
      <label>
        Visibility
        <select name="visibility" defaultValue={image.visibility}>
          <option value="private">private</option>
          <option value="public">public</option>
        </select>
      </label>
      <label>
        Tags (comma-separated)
        <input name="tags" defaultValue={image.tags.join(', ')} placeholder="street, night, film" />
      </label>
      {error && <p className="error" role="alert">{error}</p>}
      <div className="row">
        <button type="submit" disabled={busy}>{busy ? 'Saving…' : 'Save'}</button>
        {saved && <span className="ok" role="status">Saved</span>}
      </div>
    </form>
  );
}
