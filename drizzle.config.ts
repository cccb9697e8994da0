import { defineConfig } from 'drizzle-kit';

// Generation only needs the schema; migrations are applied by server/db at startup.
export default defineConfig({
  dialect: 'postgresql',
  schema: './drizzle/schema/index.ts',
  out: './drizzle/migrations',
});
