import { redirect } from 'next/navigation';
import { currentSession, setupNeeded } from '../_lib/session';
import { LoginForm } from './login-form';

export default async function LoginPage() {
  if (await setupNeeded()) redirect('/setup');
  if (await currentSession()) redirect('/admin');
  return (
    <div className="center">
      <div className="card">
        <h1>Sign in to Darkroom</h1>
        <LoginForm />
      </div>
    </div>
  );
}
