import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab, type Lab, type StartLabOptions } from '@sftunnel-ca/lab';
import { afterAll, beforeAll } from 'vitest';

/** A lab, a scratch directory, and the SSH arguments that reach its FMC (password file 0600, pinned host key). */
export interface CliLabFixture {
  readonly lab: Lab;
  readonly dir: string;
  /** `--fmc user@address:port --password-file <0600 file> --host-key SHA256:…` */
  readonly ssh: readonly string[];
}

/** No agent and no password in the environment: the binary must use what the arguments name. */
export const NO_AMBIENT_CREDENTIALS = { SSH_AUTH_SOCK: '', SFTUNNEL_CA_PASSWORD: undefined };

/**
 * Registers hooks that start a lab and a scratch directory for one `describe` block, and remove
 * both afterwards; read the fields inside tests.
 */
export function useCliLab(options: StartLabOptions): CliLabFixture {
  const fixture = {} as { lab: Lab; dir: string; ssh: string[] };
  beforeAll(async () => {
    fixture.lab = await startLab(options);
    fixture.dir = await mkdtemp(join(tmpdir(), 'sftunnel-ca-cli-'));
    const passwordFile = join(fixture.dir, 'fmc-password');
    await writeFile(passwordFile, `${fixture.lab.fmc.password}\n`, { mode: 0o600 });
    const { fmc } = fixture.lab;
    fixture.ssh = ['--fmc', `${fmc.username}@${fmc.address}:${fmc.sshPort}`, '--password-file', passwordFile, '--host-key', fmc.hostKeyFingerprint];
  }, 180_000);
  afterAll(async () => {
    await fixture.lab?.stop();
    await rm(fixture.dir, { recursive: true, force: true });
  });
  return fixture;
}
