'use client';
import type { InferRequestType } from 'hono/client';
import { type FormEvent, useState } from 'react';
import { type Api, api, call } from '../../_lib/api';

type SiteSettings = InferRequestType<Api['admin']['settings']['$put']>['json'];

/** Saves the whole site settings at once; the gallery shows them on every replica right away. */
export function SettingsForm({ initial }: { initial: SiteSettings }) {
  const [site, setSite] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  const edit = (patch: Partial<SiteSettings>) => {
    setSite((current) => ({ ...current, ...patch }));
    setSaved(false);
  };

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setSite(await call(api.admin.settings.$put({ json: site }))); // the server's trimmed values
      setSaved(true);
    } catch (e) {
      setError(e instanceof Error ? e.message : 'Could not save the settings');
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="stack settings-form" onSubmit={onSubmit} aria-label="Site settings">
      <label>
        Site title
        <input name="title" value={site.title} onChange={(e) => edit({ title: e.target.value })} required maxLength={120} />
      </label>
      <label>
        Description
        <textarea name="description" value={site.description} onChange={(e) => edit({ description: e.target.value })} maxLength={1000} rows={3} />
      </label>
      <p className="muted small">Shown at the top of the gallery, in the Atom feed (/feed.xml) and in link previews.</p>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="row">
        <button type="submit" disabled={busy}>
          {busy ? 'Saving…' : 'Save settings'}
        </button>
        <p role="status" className="ok">
          {saved ? 'Saved. Visitors see the new settings now.' : ''}
        </p>
      </div>
    </form>
  );
}
