import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';
import { defineConfig, globalIgnores } from 'eslint/config';

/*
 * The import arrows of README.md "Architecture": each pattern forbids an arrow the diagram
 * does not draw. Tests and their support may cross layers (they drive the real API).
 */
const TEST_SUPPORT = ['**/*.test.ts', '**/*.harness.ts', '**/test-support.ts', 'server/testing/**', 'hono/testing/**'];
/** The one server file that may import Hono and Next (DESIGN.md "Layout"). */
const COMPOSITION = 'server/boot/http.ts';
/** A relative import reaching `folder` (a top-level folder of the repository, or a sibling in server/). */
const into = (folder) => `^(\\.\\./)+(${folder})(/|$)`;
/** app/ has no index, so its files are always `…/app/<file>`; `../app` alone is hono/app.ts. */
const INTO_APP = '^(\\.\\./)+app/';
/** drizzle/ except drizzle/schema/enums (plain lists, no drizzle import: safe in the browser bundle). */
const INTO_DRIZZLE_BUT_ENUMS = '^(\\.\\./)+drizzle(/(?!schema/enums$)|$)';
const forbid = (...patterns) => ({ rules: { 'no-restricted-imports': ['error', { patterns }] } });

const noLeaves = { regex: into('e2e|bench'), message: 'e2e/ and bench/ are leaves: nothing imports them.' };
const noTestSupport = { regex: `${into('(server/)?testing')}|(^|/)test-support$|\\.harness$`, message: 'test support is for tests only.' };
const noDrizzleOrm = { group: ['drizzle-orm', 'drizzle-orm/*'], message: 'only the server/ domains query the database.' };
const noNext = (who) => ({ group: ['next', 'next/*'], message: `${who} must not depend on Next (only ${COMPOSITION} composes it).` });
const server = [
  noLeaves,
  { group: ['hono', 'hono/*', '@hono/*'], message: `server/ must not depend on Hono; map HTTP in hono/ (only ${COMPOSITION} composes it).` },
  noNext('server/'),
  { regex: `${into('hono')}|${INTO_APP}`, message: 'server/ must not import the HTTP layer (hono/, app/).' },
];
const noBoot = { regex: into('boot'), message: 'a domain does not depend on the startup wiring (server/boot/); take what it needs as a parameter.' };
const hono = [
  noLeaves,
  noDrizzleOrm,
  { regex: into('server/db'), message: 'hono/ calls services in server/, not the database.' },
  // A shape is defined once, in the server domain that owns it; enums come from drizzle/schema/enums.
  { regex: INTO_DRIZZLE_BUT_ENUMS, message: 'hono/ takes shapes from server/ and enums from drizzle/schema/enums, never tables.' },
  noNext('hono/'),
  { regex: INTO_APP, message: 'hono/ must not import app/.' },
];
// What app/ may use of the server besides types: the services (boot), the access rule (auth), users,
// the dashboard overview (system), the site's settings, sitemap and feed (site), the gallery reads,
// share links, which API key scopes a role may grant and, for its two route adapters, the client address.
const APP_ENTRY_POINTS = '(boot|auth|users|system|site|gallery|shares|api-keys)$|http/client-ip$';
const app = [
  noLeaves,
  noDrizzleOrm,
  { regex: INTO_DRIZZLE_BUT_ENUMS, allowTypeImports: true, message: 'app/ may take enums (drizzle/schema/enums) and types from drizzle/schema, never tables.' },
  { regex: `${into('server/(db|testing)')}`, message: 'app/ reads data through the server domains or the API, never the database.' },
  { regex: `^(\\.\\./)+server/(?!${APP_ENTRY_POINTS})`, allowTypeImports: true, message: 'app/ uses server/boot, server/auth, server/users, server/system, server/site, server/gallery, server/shares, server/api-keys and server/http/client-ip; everything else through the API.' },
  { regex: `^(\\.\\./)+server/(?!http/client-ip$)[^/]+/`, message: "app/ imports a server domain's entry (its index), never its internals." },
  { regex: `${into('hono')}.`, allowTypeImports: true, message: 'app/ mounts the Hono app through hono/index.ts (and may take its types).' },
];

function importBoundaries() {
  return [
    // server/ speaks domain, not HTTP (STYLE.md 5); boot/ wires the domains and no domain depends on it.
    { files: ['server/**/*.ts'], ignores: [COMPOSITION], ...forbid(...server) },
    { files: ['server/**/*.ts'], ignores: [COMPOSITION, 'server/boot/**', ...TEST_SUPPORT], ...forbid(...server, noBoot, noTestSupport) },
    { files: ['server/boot/**/*.ts'], ignores: [COMPOSITION, ...TEST_SUPPORT], ...forbid(...server, noTestSupport) },
    {
      files: [COMPOSITION],
      ...forbid(
        noLeaves,
        noTestSupport,
        { regex: INTO_APP, message: 'the production server mounts Next through its request handler, never app/ files.' },
        { regex: `${into('hono')}.`, message: 'the production server mounts the Hono app through hono/index.ts.' },
      ),
    },
    // hono/ calls services; it never touches drizzle tables (DESIGN.md "Layout").
    { files: ['hono/**/*.ts'], ...forbid(...hono) },
    { files: ['hono/**/*.ts'], ignores: TEST_SUPPORT, ...forbid(...hono, noTestSupport) },
    { files: ['app/**/*.ts', 'app/**/*.tsx'], ignores: TEST_SUPPORT, ...forbid(...app) },
    // The schema is the bottom layer; e2e drives the running product from outside.
    { files: ['drizzle/**/*.ts'], ...forbid({ regex: `${into('hono|server|e2e|bench')}|${INTO_APP}`, message: 'drizzle/ imports nothing of the application.' }) },
    { files: ['e2e/**/*.ts'], ...forbid({ regex: `^(\\.\\./)+(app|hono|drizzle|bench|server/(?!testing/))`, message: 'e2e/ drives the running product through a browser; it shares only server/testing.' }) },
  ];
}

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  globalIgnores(['.next/**', 'dist/**', 'node_modules/**', 'data/**', 'drizzle/migrations/**', 'test-results/**', 'playwright-report/**', 'next-env.d.ts']),
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  ...importBoundaries(),
]);
