import { redirect } from 'next/navigation';
import { setupNeeded } from '../_lib/session';
import { SetupForm } from './setup-form';

/** Exists only while there is no user; the API refuses setup too (POST /api/v1/setup). */
export default async function SetupPage() {
  if (!(await setupNeeded())) redirect('/login');
  return (
    <div className="center">
      <div className="card">
        <h1>Welcome to Darkroom</h1>
        <p className="lead">Create the owner account. This page disappears once it exists.</p>
        <SetupForm />
      </div>
    </div>
  );
}
