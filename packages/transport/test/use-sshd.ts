import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Secret } from '@sftunnel-ca/core';
import { afterAll, beforeAll } from 'vitest';
import type { SshHostOptions } from '../src/ssh-host.js';
import { startSshd, type Sshd, type SshdOptions } from './sshd.js';
import { TEST_USERS } from './test-users.js';

/** How an FTD takes a password: keyboard-interactive only. */
export const FTD_LIKE_LOGIN: readonly string[] = ['PasswordAuthentication no', 'KbdInteractiveAuthentication yes'];

/** A real sshd for the tests of a file or a `describe` block, and what they need to reach it. */
export interface SshdFixture {
  /** The server. */
  readonly sshd: Sshd;
  /** A private working directory, removed afterwards. */
  readonly work: string;
  /** A known_hosts file that trusts the server. */
  readonly knownHosts: string;
  /** Options of an SshHost logging in as the test admin (password) and reaching root through `expert`. */
  expertOptions(extra?: Partial<SshHostOptions>): SshHostOptions;
}

/**
 * Starts a real OpenSSH sshd before the tests of the enclosing file or `describe` and stops it
 * after, with a working directory and a known_hosts file that trusts it.
 *
 * @param options - the server's options, or a function of the working directory (e.g. to write keys there first)
 */
export function useSshd(options: SshdOptions | ((work: string) => SshdOptions) = {}): SshdFixture {
  let started: { readonly sshd: Sshd; readonly work: string; readonly knownHosts: string } | undefined;
  beforeAll(async () => {
    const work = mkdtempSync(join(tmpdir(), 'sftca-sshd-test-'));
    const sshd = await startSshd(typeof options === 'function' ? options(work) : options);
    const knownHosts = join(work, 'known_hosts');
    writeFileSync(knownHosts, `${sshd.knownHostsLine}\n`);
    started = { sshd, work, knownHosts };
  });
  afterAll(async () => {
    await started?.sshd.stop();
    if (started !== undefined) rmSync(started.work, { recursive: true, force: true });
  });
  const running = (): NonNullable<typeof started> => {
    if (started === undefined) throw new Error('useSshd: the server is reached only from the tests it was set up for');
    return started;
  };
  return {
    get sshd() {
      return running().sshd;
    },
    get work() {
      return running().work;
    },
    get knownHosts() {
      return running().knownHosts;
    },
    expertOptions: (extra = {}) => ({
      name: 'ftd-lab',
      host: running().sshd.host,
      port: running().sshd.port,
      username: TEST_USERS.admin.name,
      password: new Secret(TEST_USERS.admin.password),
      strategy: 'expert',
      hostKeys: { knownHostsFiles: [running().knownHosts] },
      ...extra,
    }),
  };
}
