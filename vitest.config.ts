import { defineConfig } from 'vitest/config';

// Layers (STYLE.md 12): unit, API through app.request() on PGlite, integration against
// real PostgreSQL + Redis. Playwright e2e runs separately (playwright.config.ts).
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['**/*.unit.test.ts'], exclude: ['node_modules/**', '.next/**'] } },
      { test: { name: 'api', include: ['**/*.api.test.ts'], exclude: ['node_modules/**', '.next/**'], testTimeout: 30_000, hookTimeout: 30_000 } },
      {
        test: {
          name: 'integration',
          include: ['**/*.integration.test.ts'],
          exclude: ['node_modules/**', '.next/**'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          globalSetup: ['server/testing/global-setup.ts'],
        },
      },
    ],
  },
});
