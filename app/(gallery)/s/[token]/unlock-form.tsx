'use client';
import { useRouter } from 'next/navigation';
import { type FormEvent, useState } from 'react';
import { unlockRefusal } from './unlock-message';

/** The password of a share link: the API sets the access cookie, then the page renders again with it. */
export function UnlockForm({ token }: { token: string }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const password = String(new FormData(event.currentTarget).get('password') ?? '');
    setBusy(true);
    setError(null);
    try {
      const res = await fetch(`/api/v1/shares/${encodeURIComponent(token)}/unlock`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ password }),
        credentials: 'same-origin',
      });
      if (res.ok) {
        router.refresh();
        return;
      }
      setError(unlockRefusal(res.status, res.headers.get('retry-after')));
    } catch {
      setError('Could not reach the server; try again.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="stack" onSubmit={onSubmit} aria-label="Unlock shared album">
      <label>
        Password
        <input name="password" type="password" required maxLength={256} autoComplete="current-password" autoFocus />
      </label>
      {error && <p className="error" role="alert">{error}</p>}
      <button type="submit" disabled={busy}>{busy ? 'Checking…' : 'View album'}</button>
    </form>
  );
}
