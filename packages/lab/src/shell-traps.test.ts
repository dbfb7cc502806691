import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../transport/test/wait-for.js';
import { startLab, type Lab } from './index.js';
import { KeystrokeSession } from './testing/keystrokes.js';

describe('shell traps: an appliance shell ends as bash does', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ devices: 1 });
  }, 60_000);
  afterAll(() => lab.stop());

  const rootSession = (): Promise<KeystrokeSession> => KeystrokeSession.openAsRoot(lab.devices[0]!);

  it('when the SSH connection drops, the root shell runs its HUP trap, then its EXIT trap', async () => {
    const device = lab.devices[0]!.name;
    const session = await rootSession();
    await session.line(`d=$(mktemp -d /tmp/.hangup.XXXXXXXX); echo "a private key" > "$d/in"; echo "$d"`, /# $/);
    const scratch = /^\/tmp\/\.hangup\.[A-Za-z0-9]{8}$/m.exec(session.transcript)?.[0] ?? '';
    expect(existsSync(lab.path(device, `${scratch}/in`))).toBe(true);
    await session.line(`trap 'echo hup >> /var/tmp/traps; exit 129' HUP TERM`, /# $/);
    await session.line(`trap 'echo exit >> /var/tmp/traps; rm -rf -- "$d"' EXIT`, /# $/);
    expect(await session.line('trap -p', /# $/)).toContain(`trap -- 'echo hup >> /var/tmp/traps; exit 129' SIGHUP\ntrap -- 'echo hup >> /var/tmp/traps; exit 129' SIGTERM\ntrap -- 'echo exit >> /var/tmp/traps; rm -rf -- "$d"' EXIT\n`);
    expect(existsSync(lab.path(device, '/var/tmp/traps'))).toBe(false);

    session.client.destroy(); // the network goes: no exit, no close of the channel by the client
    await waitFor(() => !existsSync(lab.path(device, scratch))); // the EXIT trap removes the directory
    expect(readFileSync(lab.path(device, '/var/tmp/traps'), 'utf8')).toBe('hup\nexit\n');
  });

  it('`exit` runs the EXIT trap of the shell it leaves only; traps reset, ignore and refuse unknown signals', async () => {
    const device = lab.devices[0]!.name;
    const session = await rootSession();
    try {
      expect(await session.line('trap "echo nothing > /var/tmp/reset" EXIT; trap - EXIT; trap -p EXIT; echo "[$?]"', /# $/)).toContain('\n[0]\n');
      expect(await session.line(`trap '' HUP; trap -p`, /# $/)).toContain(`trap -- '' SIGHUP\n`);
      expect(await session.line('trap "echo x" SIGNOPE; echo "[$?]"', /# $/)).toContain('bash: trap: SIGNOPE: invalid signal specification\n[1]\n');
      await session.line(`trap 'echo bye > /var/tmp/bye' 0`, /# $/);
      await session.line('exit', /\$ $/);
      expect(readFileSync(lab.path(device, '/var/tmp/bye'), 'utf8')).toBe('bye\n');
      expect(existsSync(lab.path(device, '/var/tmp/reset'))).toBe(false);
      // The admin shell has traps of its own: none.
      expect(await session.line('trap -p; echo "[$?]"', /\$ $/)).toBe(`trap -p; echo "[$?]"\n[0]\nadmin@${device}:~$ `);
    } finally {
      session.close();
    }
  });
});
