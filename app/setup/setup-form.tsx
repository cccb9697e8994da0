'use client';
import { useRouter } from 'next/navigation';
import { type FormEvent, useState } from 'react';
import { api, call } from '../_lib/api';
import { authClient } from '../_lib/auth-client';

export function SetupForm() {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get('email'));
    const password = String(form.get('password'));
    if (password !== String(form.get('confirm'))) return setError('The passwords do not match');
    setBusy(true);
    setError(null);
    try {
      await call(api.setup.$post({ json: { name: String(form.get('name')), email, password } }));
      const signIn = await authClient.signIn.email({ email, password });
      if (signIn.error) throw new Error(signIn.error.message ?? 'Sign-in failed');
      router.replace('/admin');
      router.refresh();
    } catch (e) {
      setError(e instanceof Error ? e.message : 'Setup failed');
      setBusy(false);
    }
  }

  return (
    <form className="stack" onSubmit={onSubmit}>
      <label>Name<input name="name" required maxLength={100} autoComplete="name" /></label>
      <label>Email<input name="email" type="email" required autoComplete="email" /></label>
      <label>Password<input name="password" type="password" required minLength={8} autoComplete="new-password" /></label>
      <label>Repeat password<input name="confirm" type="password" required minLength={8} autoComplete="new-password" /></label>
      {error && <p className="error" role="alert">{error}</p>}
      <button type="submit" disabled={busy}>{busy ? 'Creating…' : 'Create owner account'}</button>
    </form>
  );
}
