import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('..', import.meta.url));

describe('examples/ (what users copy first) run as printed', () => {
  it('create-internal-ca.ts makes a CA and a device certificate and prints the vendor’s check', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'examples/create-internal-ca.ts'], { cwd: repo, encoding: 'utf8' });
    expect(stdout).toContain('chain verified');
    expect(stdout).toContain('The certificate has expired 10 days ago.');
  }, 120_000);
});
