'use client';
import { type FormEvent, useState } from 'react';
import { api, call } from '../../_lib/api';
import { errorMessage, oneOf, VISIBILITIES } from '../../_lib/library';
import { SLUG_PATTERN } from './album-edit-form';

export function AlbumCreateForm({ onCreated }: { onCreated: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const slug = String(form.get('slug') ?? '').trim();
    setBusy(true);
    setError(null);
    try {
      await call(
        api.admin.albums.$post({
          json: {
            title: String(form.get('title') ?? ''),
            ...(slug ? { slug } : {}),
            description: String(form.get('description') ?? ''),
            visibility: oneOf(VISIBILITIES, form.get('visibility')) ?? 'private',
          },
        }),
      );
      formElement.reset();
      onCreated();
    } catch (e) {
      setError(errorMessage(e, 'Could not create the album'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="stack album-form" onSubmit={onSubmit} aria-label="New album">
      <div className="row">
        <label>Title<input name="title" required maxLength={200} /></label>
        <label>
          Slug (optional)
          <input name="slug" pattern={SLUG_PATTERN} maxLength={80} placeholder="from the title" title="lowercase letters, digits and single dashes" />
        </label>
        <label>
          Visibility
          <select name="visibility" defaultValue="private">
            <option value="private">private</option>
            <option value="public">public</option>
          </select>
        </label>
      </div>
      <label>Description<textarea name="description" maxLength={5000} rows={2} /></label>
      {error && <p className="error" role="alert">{error}</p>}
      <div className="row">
        <button type="submit" disabled={busy}>{busy ? 'Creating…' : 'Create album'}</button>
      </div>
    </form>
  );
}
