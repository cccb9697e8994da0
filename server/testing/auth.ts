import { CLIENT_IP_HEADER } from '../auth';
import { TEST_BASE_URL, type TestServices } from './services';

/** A request to better-auth's handler as a same-origin browser would send it. */
export function authRequest(services: TestServices, path: string, init: { json?: unknown; cookie?: string; method?: string } = {}) {
  const headers = new Headers({ origin: TEST_BASE_URL, [CLIENT_IP_HEADER]: '203.0.113.7' });
  if (init.json !== undefined) headers.set('content-type', 'application/json');
  if (init.cookie) headers.set('cookie', init.cookie);
  const body = init.json !== undefined ? JSON.stringify(init.json) : undefined;
  return services.authHandler(new Request(`${TEST_BASE_URL}/api/auth${path}`, { method: init.method ?? 'POST', headers, body }));
}

/** Signs in through better-auth and returns the Cookie header a browser would send back. */
export async function signInCookie(services: TestServices, email: string, password: string): Promise<string> {
  const response = await authRequest(services, '/sign-in/email', { json: { email, password } });
  if (response.status !== 200) throw new Error(`sign-in failed: ${response.status} ${await response.text()}`);
  return response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}
