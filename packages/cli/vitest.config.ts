import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'cli',
    setupFiles: ['../../test/secret-audit/audit-setup.ts'],
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 120_000,
  },
});
