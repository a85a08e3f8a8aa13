import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 90_000, // the command-line tests start several tsx processes; on a loaded 2-core machine each takes ~30 s
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
