import { describe, expect, it } from 'vitest';
import { NO_AMBIENT_CREDENTIALS, useCliLab } from './cli-lab.js';
import { runBinary, type BinaryRun } from './run-binary.js';
import { runInProcess } from './run-in-process.js';

/** A run's output with what differs from one run to the next (moments, durations, the staging directory named by the second) masked. */
function comparable(run: BinaryRun): BinaryRun {
  const mask = (text: string): string =>
    text
      .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<moment>')
      .replace(/\b\d+(\.\d+)? ?(ms|s)\b/g, '<duration>')
      .replace(/\/var\/tmp\/certs\/\d+/g, '<staging>');
  return { stdout: mask(run.stdout), stderr: mask(run.stderr), code: run.code };
}

/**
 * Most CLI tests run the commands in their own process (run-in-process.ts); this one checks that
 * what they see is what an operator sees from the built binary: the same output and exit code for
 * the same arguments, on success and on each kind of failure. Renew and rollback run through the
 * binary, so a command that left a connection or a timer behind (a binary that never exits) fails here.
 */
describe('the built binary and runCli in a test’s process: the same output and exit code', () => {
  const fixture = useCliLab({ devices: 2, caState: 'expiring', caDays: 20 });
  const env = NO_AMBIENT_CREDENTIALS;
  const both = async (args: readonly string[]): Promise<BinaryRun> => {
    const [binary, inProcess] = await Promise.all([runBinary(args, { env }), runInProcess(args, { env })]);
    expect(comparable(inProcess), args.join(' ')).toEqual(comparable(binary));
    return binary;
  };

  it('prints the version and refuses a bad option (exit 2) alike', async () => {
    expect((await both(['--version'])).code).toBe(0);
    expect((await both(['check', '--bogus'])).code).toBe(2);
    expect((await both(['renew', '--fmc', 'admin@127.0.0.1:1', '--password', 'x'])).code).toBe(2);
  });

  it('reads the lab alike: check (exit 5, the CA expires within 30 days), status, an unknown host key (exit 7)', async () => {
    const { ssh, lab } = fixture;
    expect((await both(['check', ...ssh, '--json'])).code).toBe(5);
    expect((await both(['status', ...ssh, '--json'])).code).toBe(0);
    expect((await both(['status', ...ssh])).code).toBe(0);
    const wrongKey = ssh.map((argument) => (argument === lab.fmc.hostKeyFingerprint ? `SHA256:${'A'.repeat(43)}` : argument));
    expect((await both(['status', ...wrongKey])).code).toBe(7);
  });

  it('plans alike, renews and rolls back through the binary (which exits when done), and verifies alike in between', async () => {
    const { lab, sshKnownHosts } = fixture;
    const devices = await fixture.writeDevicesCsv('devices.csv', lab.devices);
    expect((await both(['plan', ...sshKnownHosts, '--devices', devices])).code).toBe(0);
    const renewed = await runBinary(['renew', ...sshKnownHosts, '--devices', devices, '--yes', '--json'], { env });
    expect(renewed.code, renewed.stderr).toBe(0);
    expect((await both(['verify', ...sshKnownHosts, '--devices', devices, '--json'])).code).toBe(0);
    const rolledBack = await runBinary(['rollback', ...sshKnownHosts, '--devices', devices, '--yes', '--json'], { env });
    expect(rolledBack.code, rolledBack.stderr).toBe(0);
  });
});
