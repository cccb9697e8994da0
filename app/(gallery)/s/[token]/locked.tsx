import styles from './share.module.css';
import { UnlockForm } from './unlock-form';

/** A password link without its access cookie: the form, and nothing of the album. */
export function Locked({ token }: { token: string }) {
  return (
    <main className={styles.locked}>
      <section className={styles.card} data-testid="share-locked">
        <h1>Shared album</h1>
        <p>This album is protected by a password.</p>
        <UnlockForm token={token} />
      </section>
    </main>
  );
}
