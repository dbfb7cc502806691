import { createConnection } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startLab, type Lab } from './index.js';
import { connectClient, execOn, KeystrokeSession } from './testing/keystrokes.js';
import { oneOfEachFault } from './testing/one-of-each-fault.js';

function failure(promise: Promise<unknown>): Promise<Error & { code?: string; level?: string }> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error as Error & { code?: string; level?: string },
  );
}

/** The `slow` device's latency per command (what it costs a renewal is measured in the benchmark). */
const SLOW_MS = 300;

describe('faults, observed with ssh2', () => {
  let lab: Lab;
  beforeAll(async () => {
    const faults = oneOfEachFault(SLOW_MS);
    lab = await startLab({ devices: Object.keys(faults).map((name) => ({ name })), direct: true, faults });
  });
  afterAll(() => lab.stop());

  it('unreachable: the connection is refused, until the fault is lifted', async () => {
    expect((await failure(connectClient(lab.appliance('unreachable')))).code).toBe('ECONNREFUSED');
    await lab.setFaults('unreachable', {});
    (await connectClient(lab.appliance('unreachable'))).end();
  });

  it('silent: TCP is accepted but SSH never answers, so the client times out', async () => {
    const error = await failure(connectClient(lab.appliance('silent'), { readyTimeout: 500 }));
    expect(error.level).toBe('client-timeout');
  });

  it('wrong credentials: authentication fails', async () => {
    expect((await failure(connectClient(lab.appliance('wrong-credentials')))).level).toBe('client-authentication');
  });

  it('host key changed: the key presented is not the one whose fingerprint the lab reports', async () => {
    const error = await failure(connectClient(lab.appliance('host-key-changed')));
    expect(error.message).toMatch(/Host denied \(verification failed\)/);
    (await connectClient(lab.appliance('disk-full'))).end(); // the same verifier accepts an appliance without the fault
  });

  it('disk full: shell redirections, cp and SFTP writes fail with No space left on device; truncation and /tmp work', async () => {
    const client = await connectClient(lab.appliance('disk-full'), { username: 'root' });
    const write = await execOn(client, 'echo data > /var/sf/x');
    expect(write).toMatchObject({ code: 1, stderr: 'bash: /var/sf/x: No space left on device\n' });
    expect((await execOn(client, 'cp /etc/hostname /var/sf/y; echo rc=$?')).stdout).toBe('rc=1\n');
    expect((await execOn(client, ': > /var/sf/z && echo truncated')).stdout).toBe('truncated\n');
    expect((await execOn(client, 'echo data > /tmp/x && cat /tmp/x')).stdout).toBe('data\n');
    const sftpError = await new Promise<Error>((resolve, reject) =>
      client.sftp((error, sftp) => (error ? reject(error) : sftp.writeFile('/var/sf/w', 'data', (e) => resolve(e ?? new Error('no error'))))),
    );
    expect(sftpError.message).toContain('No space left on device');
    client.end();
  });

  it('disk full: a failed redirection fails only its command, as in bash, and the script goes on', async () => {
    const client = await connectClient(lab.appliance('disk-full'), { username: 'root' });
    const script = [
      'echo a > /var/sf/x; echo "after=$?"',
      'echo b >> /var/sf/x || echo "or-else"',
      'f() { cat > /var/sf/x <<EOF',
      'c',
      'EOF',
      'echo "in-function=$?"; }; f',
      '{ echo d >&2; } 2> /var/sf/err; echo "group=$?"',
      'x=1; echo e > /var/sf/x; x=2; echo "x=$x"',
      'test -e /var/sf/x && wc -c < /var/sf/x',
    ].join('\n');
    const run = await execOn(client, script);
    client.end();
    expect(run.stdout).toBe('after=1\nor-else\nin-function=1\ngroup=1\nx=2\n0\n');
    expect(run.stderr).toBe(`${['x', 'x', 'x', 'err', 'x'].map((f) => `bash: /var/sf/${f}: No space left on device\n`).join('')}`);
    expect(run.code).toBe(0);
  });

  it('dropped after N bytes: the connection closes in the middle of a transfer', async () => {
    const client = await connectClient(lab.appliance('drop'), { username: 'root' });
    const closed = new Promise<void>((resolve) => client.on('close', () => resolve()));
    const outcome = execOn(client, 'cat > /tmp/big', 'x'.repeat(100_000)).catch((error: unknown) => error);
    await closed;
    await outcome;
    expect(await lab.readFile('drop', '/tmp/big').catch(() => 'missing')).not.toHaveLength(100_000);
  });

  it('pmtool failing: exits 1 and the tunnel is not restarted', async () => {
    const before = lab.tunnel('pmtool-fails').connectedSince;
    const client = await connectClient(lab.appliance('pmtool-fails'), { username: 'root' });
    const run = await execOn(client, 'pmtool restartbyid sftunnel');
    client.end();
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Unable to restart sftunnel');
    expect(lab.tunnel('pmtool-fails').connectedSince).toEqual(before);
  });

  it('slow: a command is held on a timer of the latency, and runs when that fires', async () => {
    const client = await connectClient(lab.appliance('slow'), { username: 'root' });
    // Timers faked once connected: the latency's timer fires only when the test moves time on.
    const realSetTimeout = globalThis.setTimeout;
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const fakeSetTimeout = globalThis.setTimeout;
    let latencyTimerSet!: () => void;
    const held = new Promise<void>((resolve) => (latencyTimerSet = resolve));
    // A wrapper put in place and taken out by hand, not vi.spyOn: restoring a spy made while the
    // timers were fake put the fake back after vi.useRealTimers, for whatever ran next in the process.
    globalThis.setTimeout = ((callback: () => void, ms?: number) => {
      if (ms === SLOW_MS) latencyTimerSet();
      return fakeSetTimeout(callback, ms);
    }) as typeof setTimeout;
    try {
      let done = false;
      const run = execOn(client, 'echo ran').finally(() => (done = true));
      // First the lab sets the latency's timer, and the command waits on it.
      expect(await Promise.race([held.then(() => 'held'), run.then(() => 'ran at once')])).toBe('held');
      await vi.advanceTimersByTimeAsync(SLOW_MS - 1);
      expect(done).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(await run).toEqual({ stdout: 'ran\n', stderr: '', code: 0 });
    } finally {
      globalThis.setTimeout = fakeSetTimeout;
      vi.useRealTimers();
      client.end();
    }
    expect(globalThis.setTimeout).toBe(realSetTimeout);
  });

  it('expert refused: the CLI answers and shows `> ` again', async () => {
    const session = await KeystrokeSession.open(lab.appliance('no-expert'));
    await session.waitFor(/> $/);
    const answer = await session.line('expert', /> $/);
    expect(answer).toContain('Permission denied');
    expect(await session.line('exp', /> $/)).toContain('Syntax error: Illegal parameter');
    session.close();
  });

  it('has no listener left after stop', async () => {
    const other = await startLab({ devices: 1 });
    const { address, sshPort } = other.devices[0]!;
    await other.stop();
    const refused = await new Promise<string | undefined>((resolve) => {
      const socket = createConnection({ host: address, port: sshPort });
      socket.on('connect', () => {
        socket.destroy();
        resolve(undefined);
      });
      socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code));
    });
    expect(refused).toBe('ECONNREFUSED');
  });
});
