import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInternalCA, issueSftunnelCertificate } from '@sftunnel-ca/core';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectValidDocument as expectValid } from './json-schema.js';
import { BINARY } from './run-binary.js';
import { runInProcess } from './run-in-process.js';

const DAY = 86_400_000;
const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/domain/', import.meta.url));

describe('sftunnel-ca check and diagnose', () => {
  let dir: string;
  const certs: Record<'valid' | 'expiring' | 'expired', string> = { valid: '', expiring: '', expired: '' };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sftunnel-ca-cli-'));
    const now = Date.now();
    const ca = await createInternalCA({ fmcUuid: 'cdb123c8-4347-11ef-aca1-f3aa241412a1', now: new Date(now - 60 * DAY) });
    for (const [kind, offset] of [['valid', 400.5 * DAY], ['expiring', 12.5 * DAY], ['expired', -3.5 * DAY]] as const) {
      const issued = await issueSftunnelCertificate({ ca, peerUuid: 'c8d5d5c6-87c9-11ef-a993-b9831565bc4e', now: new Date(now - 30 * DAY), notAfter: new Date(now + offset) });
      certs[kind] = join(dir, `${kind}.pem`);
      await writeFile(certs[kind], issued.certificate.pem);
    }
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it.each([
    ['valid', 0, 'The certificate is valid for more than 30 days.\nIt is valid for 400 more days.'],
    ['expiring', 5, 'The certificate will expire within the next 30 days!\nIt is ONLY valid for 12 more days.'],
    ['expired', 6, 'The certificate has expired 3 days ago.'],
  ] as const)('check --file prints the vendor’s verdict and exits by it: %s', async (kind, code, text) => {
    const run = await runInProcess(['check', '--file', certs[kind]]);
    expect(run.code).toBe(code);
    expect(run.stdout).toContain(text);
    expect(run.stderr).toBe('');
  });

  it('check --json prints one document valid against its schema', async () => {
    const run = await runInProcess(['check', '--file', certs.expiring, '--json']);
    const document = JSON.parse(run.stdout) as { verdict: string; days: number };
    expectValid('sftunnel-ca/check/v1', document);
    expect(document).toMatchObject({ verdict: 'expiring', days: 12 });
    expect(run.code).toBe(5);
  });

  it('check --at moves the moment of the check', async () => {
    const run = await runInProcess(['check', '--file', certs.valid, '--at', new Date(Date.now() + 500 * DAY).toISOString().slice(0, 10), '--json']);
    expect(JSON.parse(run.stdout)).toMatchObject({ verdict: 'expired' });
    expect(run.code).toBe(6);
  });

  it('check of a file that is not a certificate exits 2 with the code, the file and what to do', async () => {
    const run = await runInProcess(['check', '--file', join(FIXTURES, 'devices.csv')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('PEM_INVALID');
    expect(run.stderr).toContain('devices.csv');
    expect(run.stderr).toContain('what to do:');
    const json = await runInProcess(['check', '--file', join(FIXTURES, 'devices.csv'), '--json']);
    expectValid('sftunnel-ca/error/v1', JSON.parse(json.stderr));
    expect(json.stdout).toBe('');
  });

  it('diagnose explains the fixture logs, in text and as a valid document', async () => {
    const files = [join(FIXTURES, 'messages-ftd.log'), join(FIXTURES, 'messages-fmc.log')];
    const text = await runInProcess(['diagnose', ...files]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('CA_EXPIRED: err 10:certificate has expired');
    expect(text.stdout).toContain('depth 1, issuer /title=InternalCA/OU=Intrusion Management System/CN=06f5f3ca-c77b-11e2-81bf-884d9d11f3ef/O=Sourcefire, Inc.');
    expect(text.stdout).toContain('PEER_REJECTED_EXPIRED');
    expect(text.stdout).toContain('do not reboot or upgrade anything');
    const json = await runInProcess(['diagnose', ...files, '--json']);
    const document = JSON.parse(json.stdout) as { causes: Record<string, number> };
    expectValid('sftunnel-ca/diagnose/v1', document);
    expect(document.causes).toEqual({ CA_EXPIRED: 1, PEER_REJECTED_EXPIRED: 1 });
  });

  it.each([['--password=hunter2-Secret'], ['--password', 'hunter2-Secret'], ['--sudo-password=hunter2-Secret'], ['--passphrase', 'hunter2-Secret']])(
    'refuses a secret on the command line (%s) without echoing it',
    async (...secretArguments) => {
      const run = await runInProcess(['check', '--file', certs.valid, ...secretArguments]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('is refused');
      expect(run.stderr).toContain('SFTUNNEL_CA_PASSWORD');
      expect(run.stderr + run.stdout).not.toContain('hunter2');
    },
  );

  it('teaches itself: --help on the program and each command, with examples and exit codes', async () => {
    const top = await runInProcess(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toContain('Exit codes:');
    for (const command of ['check', 'status', 'diagnose', 'plan', 'renew', 'copy', 'verify', 'rollback', 'lab', 'demo']) {
      expect(top.stdout).toContain(command);
      const help = await runInProcess([command, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/Examples:\n {2}\$ sftunnel-ca /);
    }
  });

  it('stops quietly when its reader closes the pipe early (`sftunnel-ca copy --help | head`)', async () => {
    const child = spawn(process.execPath, [BINARY, 'copy', '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // the reader is gone before the first byte is written: every write meets EPIPE
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const [code] = (await once(child, 'close')) as [number | null];
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  });

  it('exits 2 on an unknown command or option, suggesting the right one', async () => {
    const typo = await runInProcess(['chek']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('Did you mean check?');
    expect((await runInProcess(['check', '--bogus'])).code).toBe(2);
  });
});
