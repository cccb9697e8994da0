import { requestId as honoRequestId } from 'hono/request-id';

/** Accepts a caller's X-Request-Id when it is short and plain, else makes a UUID. */
export const requestId = () =>
  honoRequestId({
    headerName: 'X-Request-Id',
    generator: () => crypto.randomUUID(),
    limitLength: 128,
  });
