'use client';
import { type FormEvent, useState } from 'react';
import { api, call, type CreatedShare, type Share } from '../../_lib/api';
import { endOfDay, today, when as formatTime } from '../../_lib/dates';
import { errorMessage } from '../../_lib/library';
import { useLoad } from '../../_lib/use-load';
import { StatusBadge } from '../_components/status-badge';

const when = (iso: string | null) => (iso ? formatTime(iso) : '—');

/** An album's share links: make one (its URL is shown once), see how often each was opened, revoke. */
export function SharesPanel({ albumId, albumTitle }: { albumId: string; albumTitle: string }) {
  const [shares, setShares] = useState<Share[] | null>(null);
  const [created, setCreated] = useState<CreatedShare | null>(null);
  const [copied, setCopied] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const reload = () => setVersion((v) => v + 1);

  useLoad(() => call(api.admin.albums[':id'].shares.$get({ param: { id: albumId } })), {
    key: `${albumId}:${version}`,
    onLoad: (list) => setShares(list.items),
    onError: (e) => setError(errorMessage(e, 'Could not load the share links')),
  });

  async function run(action: () => Promise<unknown>, failure: string) {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(errorMessage(e, failure));
    } finally {
      setBusy(false);
      reload();
    }
  }

  async function onCreate(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const password = String(form.get('password') ?? '');
    const expiresAt = endOfDay(form.get('expires'));
    await run(async () => {
      const made = await call(
        api.admin.albums[':id'].shares.$post({
          param: { id: albumId },
          json: { label: String(form.get('label') ?? ''), ...(password ? { password } : {}), ...(expiresAt ? { expiresAt } : {}) },
        }),
      );
      setCreated(made);
      setCopied(false);
      formElement.reset();
    }, 'Could not create the link');
  }

  async function copy(url: string) {
    await navigator.clipboard.writeText(url).then(
      () => setCopied(true),
      () => setError('Could not copy; select the link and copy it by hand'),
    );
  }

  const revoke = (share: Share) => {
    if (!window.confirm(`Revoke the link${share.label ? ` “${share.label}”` : ''}? Whoever has it can no longer open the album.`)) return;
    void run(() => call(api.admin.albums[':id'].shares[':shareId'].revoke.$post({ param: { id: albumId, shareId: share.id } })), 'Could not revoke the link');
  };

  return (
    <section className="stack shares-panel" aria-label={`Share links of ${albumTitle}`}>
      <h3>Share links</h3>
      <p className="muted small">Anyone with a link sees this album’s photos, even while the album is private.</p>
      <form className="row" onSubmit={onCreate} aria-label="New share link">
        <label>Label<input name="label" maxLength={200} placeholder="e.g. Family" /></label>
        <label>Password (optional)<input name="password" type="password" minLength={4} maxLength={256} autoComplete="new-password" /></label>
        <label>Expires (optional)<input name="expires" type="date" min={today()} /></label>
        <button type="submit" disabled={busy}>{busy ? 'Working…' : 'Create link'}</button>
      </form>
      {error && <p className="error" role="alert">{error}</p>}
      {created && (
        <div className="new-share" role="status">
          <p>New link — copy it now, it is not shown again:</p>
          <div className="row">
            <input readOnly value={created.url} aria-label="New share link URL" onFocus={(e) => e.currentTarget.select()} size={60} />
            <button type="button" className="secondary" onClick={() => void copy(created.url)}>{copied ? 'Copied' : 'Copy'}</button>
          </div>
        </div>
      )}
      <table>
        <thead>
          <tr><th>Label</th><th>State</th><th>Password</th><th>Expires</th><th>Opens</th><th>Last opened</th><th><span className="visually-hidden">Actions</span></th></tr>
        </thead>
        <tbody>
          {shares === null && !error && <tr><td colSpan={7}>Loading…</td></tr>}
          {shares?.length === 0 && <tr><td colSpan={7} className="empty">No share links yet.</td></tr>}
          {shares?.map((share) => (
            <tr key={share.id} data-testid={`share-${share.id}`}>
              <td>{share.label || <span className="muted">(no label)</span>}</td>
              <td><StatusBadge status={share.state} /></td>
              <td>{share.hasPassword ? 'yes' : 'no'}</td>
              <td>{when(share.expiresAt)}</td>
              <td>{share.openCount}</td>
              <td>{when(share.lastOpenedAt)}</td>
              <td>
                {share.state === 'active' && (
                  <button type="button" className="danger" disabled={busy} onClick={() => revoke(share)} aria-label={`Revoke ${share.label || 'link'}`}>Revoke</button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
