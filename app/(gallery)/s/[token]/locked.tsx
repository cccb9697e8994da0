import { UnlockForm } from './unlock-form';

/** A password link without its access cookie: the form, and nothing of the album. */
export function Locked({ token }: { token: string }) {
  return (
    <main className="center">
      <section className="card" data-testid="share-locked">
        <h1>Shared album</h1>
        <p className="lead">This album is protected by a password.</p>
        <UnlockForm token={token} />
      </section>
    </main>
  );
}
