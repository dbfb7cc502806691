import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'lab',
    setupFiles: ['../../test/secret-audit/audit-setup.ts'],
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
