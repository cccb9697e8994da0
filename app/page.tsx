import { redirect } from 'next/navigation';
import { currentSession, setupNeeded } from './_lib/session';

/** The front door: setup while there is no user, else the admin or the sign-in page. */
export default async function Home() {
  if (await setupNeeded()) redirect('/setup');
  redirect((await currentSession()) ? '/admin' : '/login');
}
