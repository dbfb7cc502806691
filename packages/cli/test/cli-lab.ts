import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab, type Lab, type LabAppliance, type StartLabOptions } from '@sftunnel-ca/lab';
import { formatKnownHosts } from '@sftunnel-ca/transport';
import { afterAll, beforeAll } from 'vitest';

/** A lab, a scratch directory, and the SSH arguments that reach its FMC (password file 0600, pinned host key). */
export interface CliLabFixture {
  readonly lab: Lab;
  readonly dir: string;
  /** `--fmc user@address:port --password-file <0600 file> --host-key SHA256:…` */
  readonly ssh: readonly string[];
  /** The lab's password (every appliance's), in a 0600 file. */
  readonly passwordFile: string;
  /** The binary's environment: no ambient credentials, and its state (journals) in the scratch directory. */
  readonly env: NodeJS.ProcessEnv;
  /** A known_hosts of every appliance of the lab. */
  readonly knownHosts: string;
  /** `--fmc … --password-file … --known-hosts … --strategy expert`: the FMC and every device trusted by known_hosts. */
  readonly sshKnownHosts: readonly string[];
  /**
   * Writes a devices.csv (with the port column) of `appliances` in the scratch directory, each
   * password a `file:` reference to {@link CliLabFixture.passwordFile} unless `password` says otherwise.
   */
  writeDevicesCsv(name: string, appliances: readonly LabAppliance[], options?: { port?: (appliance: LabAppliance) => number; password?: string }): Promise<string>;
}

/** No agent and no password in the environment: the binary must use what the arguments name. */
export const NO_AMBIENT_CREDENTIALS = { SSH_AUTH_SOCK: '', SFTUNNEL_CA_PASSWORD: undefined };

/**
 * Registers hooks that start a lab and a scratch directory for one `describe` block, and remove
 * both afterwards; read the fields inside tests.
 */
export function useCliLab(options: StartLabOptions): CliLabFixture {
  const fixture = {} as { -readonly [K in keyof CliLabFixture]: CliLabFixture[K] };
  beforeAll(async () => {
    fixture.lab = await startLab(options);
    fixture.dir = await mkdtemp(join(tmpdir(), 'sftunnel-ca-cli-'));
    fixture.env = { ...NO_AMBIENT_CREDENTIALS, XDG_STATE_HOME: fixture.dir };
    fixture.passwordFile = join(fixture.dir, 'fmc-password');
    await writeFile(fixture.passwordFile, `${fixture.lab.fmc.password}\n`, { mode: 0o600 });
    fixture.knownHosts = join(fixture.dir, 'known_hosts');
    await writeFile(fixture.knownHosts, formatKnownHosts(fixture.lab.appliances));
    const { fmc } = fixture.lab;
    const target = `${fmc.username}@${fmc.address}:${fmc.sshPort}`;
    fixture.ssh = ['--fmc', target, '--password-file', fixture.passwordFile, '--host-key', fmc.hostKeyFingerprint];
    fixture.sshKnownHosts = ['--fmc', target, '--password-file', fixture.passwordFile, '--known-hosts', fixture.knownHosts, '--strategy', 'expert'];
    fixture.writeDevicesCsv = async (name, appliances, rowOptions = {}) => {
      const path = join(fixture.dir, name);
      const csv = fixture.lab.devicesCsv({ appliances, password: rowOptions.password ?? `file:${fixture.passwordFile}`, port: rowOptions.port });
      await writeFile(path, csv, { mode: 0o600 });
      return path;
    };
  }, 180_000);
  afterAll(async () => {
    await fixture.lab?.stop();
    await rm(fixture.dir, { recursive: true, force: true });
  });
  return fixture;
}
