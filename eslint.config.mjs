import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';
import { defineConfig, globalIgnores } from 'eslint/config';

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  globalIgnores(['.next/**', 'node_modules/**', 'data/**', 'drizzle/migrations/**', 'test-results/**', 'playwright-report/**', 'next-env.d.ts']),
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // server/ speaks domain, not HTTP (STYLE.md 5).
    files: ['server/**/*.ts'],
    // The one composition file: the production HTTP server from the Hono app and Next's handler.
    ignores: ['server/boot/http.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['hono', 'hono/*', '@hono/*'], message: 'server/ must not depend on Hono; map HTTP in hono/.' },
            { group: ['next', 'next/*'], message: 'server/ must not depend on Next.' },
            { group: ['**/hono', '**/hono/*', '**/app/*'], message: 'server/ must not import the HTTP layer.' },
          ],
        },
      ],
    },
  },
  {
    // hono/ calls services; it never touches drizzle tables (DESIGN.md "Layout").
    files: ['hono/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['drizzle-orm', 'drizzle-orm/*'], message: 'hono/ calls services in server/, not the database.' },
            { group: ['**/server/db', '**/server/db/*'], message: 'hono/ calls services in server/, not the database.' },
          ],
        },
      ],
    },
  },
]);
