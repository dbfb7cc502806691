import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'exporter',
    setupFiles: ['../../test/secret-audit/audit-setup.ts'],
    include: ['src/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
