import { redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { getServices } from '../../server/runtime';
import { getUser } from '../../server/users';
import { currentSession } from '../_lib/session';
import { AdminNav } from './admin-nav';
import { SignOutButton } from './sign-out-button';

/** Every admin page is gated here on the server; the API guards itself separately. */
export default async function AdminLayout({ children }: { children: ReactNode }) {
  const session = await currentSession();
  if (!session) redirect('/login');
  const { db } = await getServices();
  const user = await getUser({ db }, session.user.id).catch(() => null);
  if (!user) redirect('/login');
  if (!user.active || user.role === 'viewer') {
    return (
      <div className="center">
        <div className="card">
          <h1>No admin access</h1>
          <p className="lead">
            {user.active ? 'Your account is a viewer account.' : 'Your account is deactivated.'} Ask the owner for admin access.
          </p>
          <SignOutButton />
        </div>
      </div>
    );
  }
  return (
    <div className="shell">
      <nav aria-label="Admin">
        <span className="brand">DARKROOM</span>
        <AdminNav />
        <span className="spacer" />
        <span className="who" data-testid="signed-in-as">{user.email}</span>
        <SignOutButton />
      </nav>
      <main>{children}</main>
    </div>
  );
}
