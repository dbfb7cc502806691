/**
 * The secret audit itself: it must find what it is there to find, and nothing else.
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretTreeAudit } from './audit-tree.js';
import { secretMaterialIn } from './secret-material.js';

const LAB_PASSWORD = 'sftca-lab-pw-AbCdEfGhIjKlMnOp';
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pkcs8 = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const pkcs1 = rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const bodyOf = (pem: string): string => pem.split('\n').slice(1, -2).join('');
const run = promisify(execFile);

describe('secret audit › what counts as secret material', () => {
  it('finds lab passwords, test users’ passwords and RSA private keys, armoured or bare', () => {
    expect(secretMaterialIn(`login: ${LAB_PASSWORD}`)).toEqual(['a lab password']);
    expect(secretMaterialIn('echo Ops-t3st-pw/77e0 | sudo -S')).toEqual(['the password of sftca-ops']);
    expect(secretMaterialIn(pkcs8)).toEqual(['private-key armour', 'an RSA private key body (PKCS#8)']);
    expect(secretMaterialIn(pkcs1)).toEqual(['private-key armour', 'an RSA private key body (PKCS#1)']);
    expect(secretMaterialIn(`key=${bodyOf(pkcs8)}`)).toEqual(['an RSA private key body (PKCS#8)']);
    expect(secretMaterialIn(`key=${bodyOf(pkcs1)}`)).toEqual(['an RSA private key body (PKCS#1)']);
    expect(secretMaterialIn('a wrong one: hunter2', ['hunter2'])).toEqual(['the secret hunt…']);
  });

  it('finds nothing in public material: a public key, a certificate, a fingerprint', async () => {
    expect(secretMaterialIn(rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString())).toEqual([]);
    expect(secretMaterialIn(rsa.publicKey.export({ type: 'pkcs1', format: 'pem' }).toString())).toEqual([]);
    const { stdout: certificate } = await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', '/dev/null', '-subj', '/CN=audit', '-days', '1']);
    expect(certificate).toContain('BEGIN CERTIFICATE');
    expect(secretMaterialIn(certificate)).toEqual([]);
    expect(secretMaterialIn('SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8 sftca-lab-pw-')).toEqual([]);
  });
});

describe('secret audit › files', () => {
  let root = '';
  beforeAll(async () => {
    // Outside the tree the suite-wide audit reads around this file: these leaks are made on purpose.
    root = await mkdtemp(join(process.env['SFTUNNEL_CA_AUDIT_TMPDIR'] ?? tmpdir(), 'audit-tree-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('holds journals, appliance logs and loose files to their rules; reads a changed file again, an unchanged one never', async () => {
    const at = (...parts: string[]): string => join(root, ...parts);
    const lab = at('sftunnel-ca-lab-x1', 'FTD-1');
    await mkdir(join(lab, 'ngfw', 'var', 'log'), { recursive: true });
    await mkdir(join(lab, 'var', 'sf', 'peers'), { recursive: true });
    await mkdir(at('clone', '.git'), { recursive: true });
    await mkdir(at('node_modules', 'ssh2', 'test'), { recursive: true });
    await writeFile(join(lab, 'ngfw', 'var', 'log', 'messages'), `sftunnel: loaded ${pkcs8}`);
    await writeFile(join(lab, 'var', 'sf', 'peers', 'sftunnel-key.pem'), pkcs8, { mode: 0o600 });
    await writeFile(join(lab, 'var', 'sf', 'peers', 'notes'), `password ${LAB_PASSWORD}`);
    await writeFile(at('renew.journal'), `{"type":"start","at":"2026-11-23T00:00:00.000Z"}\n{"type":"note","text":"${LAB_PASSWORD}"}\n`, { mode: 0o600 });
    await writeFile(at('loose.journal'), '{"type":"start","at":"2026-11-23T00:00:00.000Z"}\n', { mode: 0o644 });
    await writeFile(at('password'), `${LAB_PASSWORD}\n`, { mode: 0o600 });
    await writeFile(at('key-for-all.pem'), pkcs1, { mode: 0o644 });
    await writeFile(at('report.txt'), 'nothing secret here', { mode: 0o644 });
    await writeFile(at('clone', 'fixture-key.pem'), pkcs8, { mode: 0o644 });
    await writeFile(at('node_modules', 'ssh2', 'test', 'id_rsa'), pkcs1, { mode: 0o644 });

    const audit = new SecretTreeAudit();
    const breaches = (await audit.scan(root)).map((line) => line.replace(`${root}/`, ''));
    expect(breaches.sort()).toEqual(
      [
        'key-for-all.pem: an RSA private key body (PKCS#1) in a file of mode 0644',
        'key-for-all.pem: private-key armour in a file of mode 0644',
        'loose.journal: a journal of mode 0644',
        'renew.journal: a lab password in a journal',
        'sftunnel-ca-lab-x1/FTD-1/ngfw/var/log/messages: an RSA private key body (PKCS#8) on an appliance log',
        'sftunnel-ca-lab-x1/FTD-1/ngfw/var/log/messages: private-key armour on an appliance log',
        'sftunnel-ca-lab-x1/FTD-1/var/sf/peers/notes: a lab password on an appliance',
      ].sort(),
    );
    expect(audit.counts).toEqual({ operatorFiles: 5, journals: 2, applianceFiles: 3, applianceLogs: 1 });
    expect(await audit.scan(root)).toEqual([]); // nothing changed: nothing read again
    await writeFile(at('report.txt'), `now it leaks ${LAB_PASSWORD}`, { mode: 0o644 });
    expect((await audit.scan(root)).map((line) => line.replace(`${root}/`, ''))).toEqual(['report.txt: a lab password in a file of mode 0644']);
  });
});

describe('secret audit › what child processes print', () => {
  it('every Node child started by a test copies its stdout, its stderr and its argv where the audit reads them', async () => {
    const copies = process.env['SFTUNNEL_CA_AUDIT_OUTPUT'] ?? '';
    expect(copies, 'audit-setup.ts runs around this file').not.toBe('');
    const child = run(process.execPath, ['-e', 'process.stdout.write("to stdout\\n"); process.stderr.write("to stderr\\n"); console.log(process.pid)']);
    const { stdout } = await child;
    const pid = stdout.trim().split('\n').at(-1) ?? '';
    expect(await readFile(join(copies, `${pid}.out`), 'utf8')).toBe(`to stdout\nto stderr\n${pid}\n`);
    expect(JSON.parse(await readFile(join(copies, `${pid}.argv`), 'utf8'))).toEqual([process.execPath, '-e', expect.stringContaining('process.stdout.write')]);
  });
});
