// drizzle-kit config for the catalog: `npx drizzle-kit generate --config regional-core/drizzle.config.ts`
// writes reviewed SQL migrations to regional-core/drizzle/, which are committed and applied by
// src/catalog/migrate.ts (on start-up and by the migrate script). No database is needed to generate.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './regional-core/src/catalog/schema/index.ts',
  out: './regional-core/drizzle',
});
