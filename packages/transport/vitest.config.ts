import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'transport',
    setupFiles: ['../../test/secret-audit/audit-setup.ts'],
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    globalSetup: ['test/global-setup.ts'],
  },
});
