import { readdir, readFile, mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectValidDocument } from './json-schema.js';
import { runBinary, type BinaryRun } from './run-binary.js';

interface DemoDocument {
  fmc: string;
  verified: number;
  failedPushPath: string | null;
  devices: Array<{ name: string; tunnelBefore: string; tunnelAfter: string; outcome: string; newCa: boolean }>;
}

/** Whether something accepts TCP connections on `host:port`. */
function listening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The command lines of this machine's processes that mention `text`. */
async function processesMentioning(text: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await readdir('/proc')).filter((entry) => /^\d+$/.test(entry))) {
    const commandLine = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (commandLine.includes(text)) found.push(commandLine.replaceAll('\0', ' '));
  }
  return found;
}

describe('sftunnel-ca demo (built binary)', () => {
  let temp: string;
  let run: BinaryRun;
  let document: DemoDocument;

  beforeAll(async () => {
    temp = await mkdtemp(join(tmpdir(), 'sftunnel-ca-demo-'));
    run = await runBinary(['demo', '--json'], { env: { TMPDIR: temp, SSH_AUTH_SOCK: '' } });
    document = JSON.parse(run.stdout) as DemoDocument;
  }, 600_000);
  afterAll(async () => {
    await rm(temp, { recursive: true, force: true });
  });

  it('renews an expired InternalCA on 20 FTDs, 5 tunnels down, and exits 0 with every tunnel up on the new CA', () => {
    expect(run.code, run.stderr).toBe(0);
    expectValidDocument('sftunnel-ca/demo/v1', document);
    expect(document.verified).toBe(20);
    expect(document.failedPushPath).toBeNull();
    expect(document.devices).toHaveLength(20);
    expect(document.devices.filter((device) => device.tunnelBefore === 'down')).toHaveLength(5);
    for (const device of document.devices) expect(device).toMatchObject({ tunnelAfter: 'up', outcome: 'renewed', newCa: true });
  });

  it('reports plain progress on stderr: the stages and one line per device done', () => {
    expect(run.stderr).toMatch(/^check: The certificate has expired \d+ days ago\. 15 of 20 tunnels up\.$/m);
    expect(run.stderr).toMatch(/^plan: new InternalCA/m);
    expect(run.stderr.split('\n').filter((line) => /^ {2}FTD-\d{4} .* renewed /.test(line))).toHaveLength(20);
    expect(run.stderr).toContain('verify: 20 of 20 tunnels up on the new CA');
    expect(run.stderr.trimEnd().endsWith('lab: stopped')).toBe(true);
  });

  it('leaves nothing behind: no listener, no process, no lab directory', async () => {
    const [, address = '', port = ''] = /@([^:]+):(\d+)$/.exec(document.fmc) ?? [];
    expect(await listening(address, Number(port))).toBe(false);
    expect(await processesMentioning(temp)).toEqual([]);
    expect(await readdir(temp)).toEqual([]);
  });
});
