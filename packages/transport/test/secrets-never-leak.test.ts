import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { useSshd } from './use-sshd.js';
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
  const server = useSshd();

  it('holds for a login, an escalation, and their failures', async () => {
    const secrets = [TEST_USERS.admin.password, 'Wr0ng-sudo-pw/xyz', 'Wr0ng-login-pw/abc'];
    const events: TransportEvent[] = [];
    const seen: string[] = [];
    const options = (extra: Partial<SshHostOptions>): SshHostOptions =>
      server.expertOptions({ name: 'ftd-secret', retry: { attempts: 1 }, onEvent: (event) => events.push(event), ...extra });
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
