/**
 * Startup wiring. The entry points are main.ts (`npm start`) and worker.ts (`npm run worker`);
 * http.ts composes the production HTTP server. Others import from here: the services every
 * request and job uses, built once per process, and this replica's background.
 */
export { createServices, getServices, PUBLIC_CACHE, setServices, type CoreServices, type ServiceOverrides, type Services } from './runtime';
export { startBackground } from './background';
