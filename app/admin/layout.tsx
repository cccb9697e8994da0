import { redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { pageAccess } from '../_lib/access';
import { AdminMenu } from './admin-menu';
import { AdminNav } from './admin-nav';
import { SignOutButton } from './sign-out-button';

/**
 * The admin chrome, and a clear refusal for a full page load. Not a guard: an RSC request
 * can skip this layout, so every page checks access itself (requireAdmin/requireOwner).
 */
export default async function AdminLayout({ children }: { children: ReactNode }) {
  const access = await pageAccess('admin');
  if (!access.granted && access.reason === 'signed-out') redirect('/login');
  if (!access.granted) {
    return (
      <div className="center">
        <div className="card">
          <h1>No admin access</h1>
          <p className="lead">
            {access.reason === 'deactivated' ? 'Your account is deactivated.' : 'Your account is a viewer account.'} Ask the owner for admin access.
          </p>
          <SignOutButton />
        </div>
      </div>
    );
  }
  const { user } = access;
  return (
    <div className="shell">
      <nav aria-label="Admin">
        <span className="brand">DARKROOM</span>
        <AdminMenu>
          <AdminNav isOwner={user.role === 'owner'} />
          <span className="spacer" />
          <span className="who" data-testid="signed-in-as">{user.email}</span>
          <SignOutButton />
        </AdminMenu>
      </nav>
      <main>{children}</main>
    </div>
  );
}
