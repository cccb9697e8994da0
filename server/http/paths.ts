/** Where the API and better-auth are served; the production server routes by these prefixes. */
export const API_BASE = '/api/v1';
export const AUTH_BASE = '/api/auth';
