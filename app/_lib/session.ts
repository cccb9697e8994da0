import { headers } from 'next/headers';
import { connection } from 'next/server';
import { getServices } from '../../server/boot';
import { countUsers } from '../../server/users';

/** Server-side: the current session (or null), read with the request's cookies. */
export async function currentSession() {
  const requestHeaders = await headers(); // first, so nothing here runs at build time
  const { auth } = await getServices();
  return auth.api.getSession({ headers: requestHeaders });
}

export async function setupNeeded(): Promise<boolean> {
  await connection(); // never at build time: the answer changes at runtime
  const { db } = await getServices();
  return (await countUsers({ db })) === 0;
}
