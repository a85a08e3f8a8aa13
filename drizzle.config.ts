import { defineConfig } from 'drizzle-kit';

// Every module keeps its tables in *.table.ts; migrations are generated into drizzle/ and committed.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/**/*.table.ts',
  out: './drizzle',
});
