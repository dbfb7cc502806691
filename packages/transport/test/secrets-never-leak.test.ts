import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, type Sshd } from './sshd.js';
import { TEST_USERS } from './test-users.js';
import { Secret } from '@sftunnel-ca/core';
import { SshHost, type SshHostOptions } from '../src/ssh-host.js';
import type { TransportEvent } from '../src/transport-event.js';

describe('Secret', () => {
  it('never shows its value except through reveal()', () => {
    const secret = new Secret('hunter2-very-secret');
    const shown = [inspect(secret), inspect({ secret }, { depth: Infinity, showHidden: true }), JSON.stringify({ secret }), `${secret}`, String(secret)];
    for (const text of shown) expect(text).not.toContain('hunter2');
    expect(secret.reveal()).toBe('hunter2-very-secret');
    expect(new Secret(Buffer.from('bytes')).revealText()).toBe('bytes');
  });
});

describe('passwords never leak (scanning errors, events and inspected objects)', () => {
  let sshd: Sshd;
  let work: string;
  let knownHosts: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'sftca-secret-'));
    sshd = await startSshd();
    knownHosts = join(work, 'known_hosts');
    writeFileSync(knownHosts, `${sshd.knownHostsLine}\n`);
  });
  afterAll(async () => {
    await sshd?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('holds for a login, an escalation, and their failures', async () => {
    const secrets = [TEST_USERS.admin.password, 'Wr0ng-sudo-pw/xyz', 'Wr0ng-login-pw/abc'];
    const events: TransportEvent[] = [];
    const seen: string[] = [];
    const options = (extra: Partial<SshHostOptions>): SshHostOptions => ({
      name: 'ftd-secret',
      host: sshd.host,
      port: sshd.port,
      username: TEST_USERS.admin.name,
      password: new Secret(TEST_USERS.admin.password),
      strategy: 'expert',
      hostKeys: { knownHostsFiles: [knownHosts] },
      retry: { attempts: 1 },
      onEvent: (event) => events.push(event),
      ...extra,
    });
    const record = (value: unknown): void => {
      seen.push(inspect(value, { depth: Infinity, showHidden: true }), JSON.stringify(value) ?? '', String(value));
      if (value instanceof Error) seen.push(value.message, value.stack ?? '');
    };

    const good = options({});
    const host = await SshHost.connect(good);
    record(host);
    record(good);
    await host.run('true');
    await host.close();

    for (const bad of [
      options({ sudoPassword: new Secret(secrets[1] ?? '') }),
      options({ password: new Secret(secrets[2] ?? '') }),
      options({ strategy: 'direct', password: new Secret(secrets[2] ?? '') }),
    ]) {
      record(bad);
      const error = await SshHost.connect(bad).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(Error);
      record(error);
      record((error as Error).cause);
    }
    record(events);
    expect(events.length).toBeGreaterThan(10);

    const everything = seen.join('\n');
    for (const secret of secrets) expect(everything).not.toContain(secret);
    expect(everything).toContain('ESCALATION_FAILED');
    expect(everything).toContain('AUTH_FAILED');
  });
});
