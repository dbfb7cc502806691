import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('..', import.meta.url));
const script = join(repo, 'scripts', 'system-setup.sh');

/** Runs the set-up script with `PATH` as given and nothing else from the environment. */
function setup(path: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('/bin/bash', [script, ...args], { env: { PATH: path } }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
    });
  });
}

// The README's test command sets the system up itself (issue 23): `pnpm test` runs
// scripts/system-setup.sh first, the one list of system packages that .ci/run uses too.
describe('scripts/system-setup.sh', () => {
  let emptyBin: string;

  beforeAll(async () => {
    emptyBin = await mkdtemp(join(tmpdir(), 'sftunnel-ca-empty-path-'));
  });

  afterAll(async () => {
    await rm(emptyBin, { recursive: true, force: true });
  });

  it('is what `pnpm test` and .ci/run run first', async () => {
    const manifest = JSON.parse(await readFile(join(repo, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(manifest.scripts['test']).toMatch(/^bash scripts\/system-setup\.sh && /);
    const ci = await readFile(join(repo, '.ci', 'run'), 'utf8');
    expect(ci).toContain('bash scripts/system-setup.sh');
    expect(ci).not.toContain('apt-get');
  });

  it('passes on this machine, where the suite runs', async () => {
    const result = await setup(process.env['PATH'] ?? '', '--check');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('stops before anything runs and prints the exact command when packages are missing', async () => {
    // A PATH with nothing on it: openssl, ssh, sudo, promtool and script are not found (apt-get neither, so nothing is installed).
    for (const args of [['--check'], []]) {
      const result = await setup(emptyBin, ...args);
      expect(result.code, result.stderr).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('Nothing was run.');
      const command = /apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends (.+?)'?$/m.exec(result.stderr);
      expect(command?.[1]?.split(' ')).toEqual(expect.arrayContaining(['openssl', 'openssh-client', 'sudo', 'prometheus', 'bsdutils', 'chromium']));
    }
  });

  it('refuses an unknown argument', async () => {
    expect((await setup(emptyBin, '--install-everything')).code).toBe(2);
  });
});
