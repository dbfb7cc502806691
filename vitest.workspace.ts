import { defineWorkspace } from 'vitest/config';

export default defineWorkspace([
  'packages/*',
  { test: { name: 'repo', include: ['test/**/*.test.ts'], setupFiles: ['test/secret-audit/audit-setup.ts'], testTimeout: 600_000 } },
]);
