/**
 * The secret audit itself: it must find what it is there to find, and nothing else.
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { defineApplianceLayout } from '../../packages/core/src/layout/appliance-layout.js';
import { runInProcess } from '../../packages/cli/test/run-in-process.js';
import { AppliancePlaces } from './appliance-places.js';
import { SecretTreeAudit } from './audit-tree.js';
import { watchDescendantArgv } from './descendant-argv.js';
import { secretMaterialIn } from './secret-material.js';

const LAB_PASSWORD = 'sftca-lab-pw-AbCdEfGhIjKlMnOp';
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pkcs8 = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const pkcs1 = rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const bodyOf = (pem: string): string => pem.split('\n').slice(1, -2).join('');
const run = promisify(execFile);
const FMC_UUID = 'cdb123c8-4347-11ef-aca1-f3aa241412a1';
const FTD_UUID = 'c8d5d5c6-87c9-11ef-a993-b9831565bc4e';

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
    await mkdir(join(lab, 'var', 'sf', 'peers', FMC_UUID), { recursive: true });
    await mkdir(at('clone', '.git'), { recursive: true });
    await mkdir(at('node_modules', 'ssh2', 'test'), { recursive: true });
    await writeFile(join(lab, 'ngfw', 'var', 'log', 'messages'), `sftunnel: loaded ${pkcs8}`);
    await writeFile(join(lab, 'var', 'sf', 'peers', FMC_UUID, 'sftunnel-key.pem'), pkcs8, { mode: 0o644 });
    await writeFile(join(lab, 'var', 'sf', 'peers', 'notes'), `password ${LAB_PASSWORD}`);
    await writeFile(at('renew.journal'), `{"type":"start","at":"2026-11-23T00:00:00.000Z"}\n{"type":"note","text":"${LAB_PASSWORD}"}\n`, { mode: 0o600 });
    await writeFile(at('loose.journal'), '{"type":"start","at":"2026-11-23T00:00:00.000Z"}\n', { mode: 0o644 });
    await writeFile(at('password'), `${LAB_PASSWORD}\n`, { mode: 0o600 });
    await writeFile(at('key-for-all.pem'), pkcs1, { mode: 0o644 });
    await writeFile(at('report.txt'), 'nothing secret here', { mode: 0o644 });
    await writeFile(at('clone', 'fixture-key.pem'), pkcs8, { mode: 0o644 });
    await writeFile(at('node_modules', 'ssh2', 'test', 'id_rsa'), pkcs1, { mode: 0o644 });

    const audit = new SecretTreeAudit();
    const breaches = audit.scan(root).map((line) => line.replace(`${root}/`, ''));
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
    expect(audit.counts).toEqual({ operatorFiles: 5, journals: 2, applianceFiles: 3, applianceLogs: 1, applianceOurs: 0 });
    expect(audit.scan(root)).toEqual([]); // nothing changed: nothing read again
    await writeFile(at('report.txt'), `now it leaks ${LAB_PASSWORD}`, { mode: 0o644 });
    expect(audit.scan(root).map((line) => line.replace(`${root}/`, ''))).toEqual(['report.txt: a lab password in a file of mode 0644']);
  });

  it('on appliances: keys only in live key paths, their generations and staging; what we leave 0600 at most, directories 0700', async () => {
    const parent = join(root, 'appliances');
    const lab = join(parent, 'sftunnel-ca-lab-x2');
    const put = async (appliance: string, path: string, content: string, mode: number): Promise<void> => {
      const full = join(lab, appliance, path);
      await mkdir(join(full, '..'), { recursive: true });
      await writeFile(full, content, { mode });
    };
    // Allowed: the live keys of both roles, their generations, the staging directory, and private files of ours.
    for (const scratch of [join(lab, 'FMC', 'tmp', '.sftunnel-ca.AbCd1234'), join(lab, 'FTD', 'tmp', '.sftunnel-ca.Ef5678gh')]) await mkdir(scratch, { recursive: true, mode: 0o700 });
    await put('FMC', '/etc/sf/keys/sftunnel-key.pem', pkcs8, 0o600);
    await put('FMC', '/etc/sf/ca_root/cakey.pem', pkcs1, 0o600);
    await put('FMC', '/etc/sf/ca_root/cakey.pem.backup', pkcs1, 0o600);
    await put('FMC', '/etc/sf/ca_root/cakey.pem.backup.1767225600000.1', pkcs1, 0o600);
    await put('FMC', `/var/sf/peers/${FTD_UUID}/certs_pushed/sftunnel-key.pem`, pkcs8, 0o600);
    await put('FMC', `/var/sf/peers/${FTD_UUID}/certs_pushed/sftunnel-key.pem.backup.20260101T000000Z`, pkcs8, 0o600);
    await put('FMC', `/var/tmp/certs/1767225600/peers/${FTD_UUID}/sftunnel-key.pem`, pkcs8, 0o600);
    await put('FMC', '/var/tmp/certs/1767225600/.sftunnel-ca.batch.sh', pkcs8, 0o600);
    await put('FMC', '/tmp/.sftunnel-ca.AbCd1234/err', 'cat: no such file\n', 0o600);
    await put('FTD', `/var/sf/peers/${FMC_UUID}/sftunnel-key.pem`, pkcs8, 0o644);
    await put('FTD', `/var/sf/peers/${FMC_UUID}/sftunnel-key.pem.sftunnel-ca.new`, pkcs8, 0o644);
    await put('FTD', `/var/sf/peers/${FMC_UUID}/cacert.pem.sftunnel-ca.new`, 'a certificate\n', 0o644);
    // A peer directory that is a link to a directory elsewhere on the appliance holds the live files all the same…
    await put('FTD-linked', '/home/admin/elsewhere/sftunnel-key.pem', pkcs8, 0o644);
    await mkdir(join(lab, 'FTD-linked', 'var', 'sf', 'peers'), { recursive: true });
    await symlink('../../../home/admin/elsewhere', join(lab, 'FTD-linked', 'var', 'sf', 'peers', FMC_UUID));
    // So does a live key that is a link to a file elsewhere.
    await put('FTD-linked-key', '/home/admin/victim.pem', pkcs1, 0o644);
    await mkdir(join(lab, 'FTD-linked-key', 'var', 'sf', 'peers', FMC_UUID), { recursive: true });
    await symlink('../../../../home/admin/victim.pem', join(lab, 'FTD-linked-key', 'var', 'sf', 'peers', FMC_UUID, 'sftunnel-key.pem'));
    const audit = new SecretTreeAudit();
    expect(audit.scan(parent)).toEqual([]);

    // A dropped session's standard input, a loose file and directory of ours, a key where none belongs.
    await put('FTD', '/tmp/.sftunnel-ca.Ef5678gh/in', pkcs8, 0o600);
    await put('FMC', '/tmp/.sftunnel-ca.AbCd1234/rc', '0\n', 0o644);
    await mkdir(join(lab, 'FTD', 'var', 'sf', 'peers', FMC_UUID, '.sftunnel-ca.lock'), { mode: 0o755 });
    await put('FTD', `/var/sf/peers/${FMC_UUID}/.sftunnel-ca.batch.sh`, 'umask 077\n', 0o644);
    await put('FTD', '/root/copy-of-key.pem', pkcs1, 0o600);
    await put('FTD', `/var/sf/peers/${FMC_UUID}/cacert.pem`, pkcs1, 0o644);
    await put('FMC', '/var/tmp/certs/stray-key.pem', pkcs1, 0o600);
    const breaches = audit.scan(parent).map((line) => line.replace(`${lab}/`, ''));
    expect(breaches.sort()).toEqual(
      [
        'FMC/tmp/.sftunnel-ca.AbCd1234/rc: a file of ours (/tmp/.sftunnel-ca.AbCd1234/rc) of mode 0644 on an appliance (0600 at most)',
        'FMC/var/tmp/certs/stray-key.pem: an RSA private key body (PKCS#1) on an appliance outside its live key paths and staging (/var/tmp/certs/stray-key.pem)',
        'FMC/var/tmp/certs/stray-key.pem: private-key armour on an appliance outside its live key paths and staging (/var/tmp/certs/stray-key.pem)',
        'FTD/root/copy-of-key.pem: an RSA private key body (PKCS#1) on an appliance outside its live key paths and staging (/root/copy-of-key.pem)',
        'FTD/root/copy-of-key.pem: private-key armour on an appliance outside its live key paths and staging (/root/copy-of-key.pem)',
        'FTD/tmp/.sftunnel-ca.Ef5678gh/in: an RSA private key body (PKCS#8) on an appliance outside its live key paths and staging (/tmp/.sftunnel-ca.Ef5678gh/in)',
        'FTD/tmp/.sftunnel-ca.Ef5678gh/in: private-key armour on an appliance outside its live key paths and staging (/tmp/.sftunnel-ca.Ef5678gh/in)',
        `FTD/var/sf/peers/${FMC_UUID}/.sftunnel-ca.batch.sh: a file of ours (/var/sf/peers/${FMC_UUID}/.sftunnel-ca.batch.sh) of mode 0644 on an appliance (0600 at most)`,
        `FTD/var/sf/peers/${FMC_UUID}/.sftunnel-ca.lock: a directory of ours (/var/sf/peers/${FMC_UUID}/.sftunnel-ca.lock) of mode 0755 on an appliance (0700 at most)`,
        `FTD/var/sf/peers/${FMC_UUID}/cacert.pem: an RSA private key body (PKCS#1) on an appliance outside its live key paths and staging (/var/sf/peers/${FMC_UUID}/cacert.pem)`,
        `FTD/var/sf/peers/${FMC_UUID}/cacert.pem: private-key armour on an appliance outside its live key paths and staging (/var/sf/peers/${FMC_UUID}/cacert.pem)`,
      ].sort(),
    );
    expect(audit.counts).toMatchObject({ applianceFiles: 20, applianceOurs: 7 });
  });

  it('on appliances: the live key paths of the layout the lab recorded', async () => {
    const parent = join(root, 'moved');
    const lab = join(parent, 'sftunnel-ca-lab-x3');
    const moved = defineApplianceLayout({ ftd: { peersDirectory: '/ngfw/var/sf/peers' }, fmc: { caKey: '/etc/sf/ca_root/ca-private.pem' } });
    await mkdir(join(lab, 'FTD', 'ngfw', 'var', 'sf', 'peers', FMC_UUID), { recursive: true });
    await mkdir(join(lab, 'FMC', 'etc', 'sf', 'ca_root'), { recursive: true });
    await writeFile(join(lab, 'FTD', 'ngfw', 'var', 'sf', 'peers', FMC_UUID, 'sftunnel-key.pem'), pkcs8, { mode: 0o644 });
    await writeFile(join(lab, 'FMC', 'etc', 'sf', 'ca_root', 'ca-private.pem'), pkcs8, { mode: 0o600 });
    expect(new SecretTreeAudit().scan(parent).length).toBe(4); // no layout recorded: the vendor's, where these are not live
    await writeFile(join(lab, AppliancePlaces.LAYOUT_FILE), JSON.stringify(moved));
    expect(new SecretTreeAudit().scan(parent)).toEqual([]);
  });
});

describe('secret audit › the /proc watch', () => {
  it('stops although a test faked the timers while it slept (a timer made then would never fire)', async () => {
    const watch = watchDescendantArgv(5);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      await sleep(50); // node:timers/promises: real, while the global setTimeout is fake
    } finally {
      vi.useRealTimers();
    }
    const child = await run(process.execPath, ['-e', 'setTimeout(() => {}, 100)']);
    expect(child.stderr).toBe('');
    await expect(watch.stop()).resolves.toBeInstanceOf(Map);
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

  it('a CLI run a test makes in its own process (run-in-process.ts) is copied as a child’s is: its arguments and all it printed', async () => {
    const copies = process.env['SFTUNNEL_CA_AUDIT_OUTPUT'] ?? '';
    const missing = join(copies, 'audit-marker-2.pem');
    const run = await runInProcess(['check', '--file', missing]);
    expect(run.code).toBe(2);
    const names = (await readdir(copies)).filter((name) => name.startsWith(`${process.pid}-in-process-`));
    const argv = await Promise.all(names.filter((name) => name.endsWith('.argv')).map(async (name) => [name, JSON.parse(await readFile(join(copies, name), 'utf8')) as string[]] as const));
    const [name] = argv.find(([, args]) => args.includes(missing)) ?? [];
    expect(name, names.join(' ')).toBeDefined();
    expect(await readFile(join(copies, (name ?? '').replace(/\.argv$/, '.out')), 'utf8')).toBe(`${run.stdout}${run.stderr}`);
    expect(run.stderr).toContain('audit-marker-2.pem');
  });

  it('records the exact argv of every process the file or a Node child starts, however briefly it lives', async () => {
    const copies = process.env['SFTUNNEL_CA_AUDIT_OUTPUT'] ?? '';
    const spawnedBy = async (pid: number): Promise<string[][]> =>
      (await readFile(join(copies, `${pid}.spawned`), 'utf8').catch(() => ''))
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as string[]);
    // A Node child starts `true` (a process that lives a millisecond, no poll would see it) with a marker in its argv.
    const { stdout } = await run(process.execPath, ['-e', 'require("node:child_process").execFile("true", ["audit-marker-1"], () => console.log(process.pid))']);
    expect(await spawnedBy(Number(stdout.trim()))).toEqual([['true', 'audit-marker-1']]);
    expect(await spawnedBy(process.pid)).toContainEqual([process.execPath, '-e', expect.stringContaining('audit-marker-1')]);
  });
});
