import type { Services } from '../server/boot';
import type { UserDto } from '../server/users';

export interface AppEnv {
  Variables: {
    requestId: string;
    services: Services;
    /** Set by the admin guard: the signed-in, active admin. */
    user: UserDto;
    /** Set by the admin guard when the request came with an API key instead of a session. */
    apiKey?: { id: string; scopes: string[] };
  };
}
