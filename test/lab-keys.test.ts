/**
 * The suite's one key pool (lab-keys-global-setup.ts): every lab of the run takes its keys from the
 * file `SFTUNNEL_CA_LAB_KEYS` names, and the lab refuses a file that is not a private file of
 * RSA-2048 keys, before it starts anything.
 */
import { execFile } from 'node:child_process';
import { createPublicKey, generateKeyPairSync, type KeyObject, X509Certificate } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ftdPeerFiles } from '@sftunnel-ca/core';
import { LAB_KEYS_VARIABLE, startLab } from '@sftunnel-ca/lab';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_KEYS_VARIABLE as SET_UP_VARIABLE } from './lab-keys-global-setup.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const spki = (key: KeyObject | string): string => (typeof key === 'string' ? createPublicKey(key) : key).export({ type: 'spki', format: 'der' }).toString('base64');

describe('the lab key pool of the suite', () => {
  let dir: string;
  beforeAll(async () => {
    // Outside the tree the suite-wide secret audit reads: the loose key file is made on purpose.
    dir = await mkdtemp(join(process.env['SFTUNNEL_CA_AUDIT_TMPDIR'] ?? tmpdir(), 'lab-keys-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('is named by the lab’s variable, and a lab’s device certificates carry its keys', async () => {
    expect(SET_UP_VARIABLE).toBe(LAB_KEYS_VARIABLE);
    const file = process.env[LAB_KEYS_VARIABLE] ?? '';
    expect(file, 'set by lab-keys-global-setup.ts').not.toBe('');
    const pool = new Set((await readFile(file, 'utf8')).match(/-----BEGIN PRIVATE KEY-----[\s\S]*?-----END PRIVATE KEY-----/g)?.map(spki));
    expect(pool.size).toBe(8);
    const lab = await startLab({ devices: 3 });
    try {
      for (const device of lab.devices) {
        const pem = await lab.readFile(device.name, ftdPeerFiles(lab.layout, lab.fmc.uuid).sftunnelCertificate);
        expect(pool.has(spki(new X509Certificate(pem).publicKey)), device.name).toBe(true);
      }
    } finally {
      await lab.stop();
    }
  });

  /** Starts a lab of one device in a process of its own, with `SFTUNNEL_CA_LAB_KEYS` naming `file`. */
  const startWith = (file: string): Promise<{ code: number; stderr: string }> =>
    new Promise((resolve) => {
      const script = "import('@sftunnel-ca/lab').then(async ({ startLab }) => { await (await startLab({ devices: 1 })).stop(); }).catch((e) => { console.error(e.code, e.message); process.exit(3); })";
      execFile(process.execPath, ['--input-type=module', '-e', script], { cwd: repo, env: { ...process.env, [LAB_KEYS_VARIABLE]: file } }, (error, _stdout, stderr) => {
        resolve({ code: error === null ? 0 : Number(error.code), stderr });
      });
    });

  it('refuses a file that is loose, missing, a directory, empty of keys or of another size, naming it and what to do', async () => {
    const loose = join(dir, 'loose.pem');
    await writeFile(loose, await readFile(process.env[LAB_KEYS_VARIABLE] ?? '', 'utf8'), { mode: 0o644 });
    await chmod(loose, 0o644);
    const empty = join(dir, 'empty.pem');
    await writeFile(empty, 'no keys here\n', { mode: 0o600 });
    const small = join(dir, 'small.pem');
    await writeFile(small, generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), { mode: 0o600 });
    const folder = join(dir, 'folder');
    await mkdir(folder);
    const cases: Array<[string, string]> = [
      [loose, 'has mode 644'],
      [join(dir, 'missing.pem'), 'cannot be read (ENOENT)'],
      [folder, 'is not a regular file'],
      [empty, 'holds no PEM private key'],
      [small, 'key 1 is RSA-1024'],
    ];
    for (const [file, why] of cases) {
      const { code, stderr } = await startWith(file);
      expect(code, file).toBe(3);
      expect(stderr, file).toContain(`INVALID_ARGUMENT ${LAB_KEYS_VARIABLE}=${file}: ${why}`);
      expect(stderr, file).toContain('unset it to let the lab generate its keys');
    }
  });
});
