import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isSftunnelCaError } from '../errors/sftunnel-ca-error.js';
import { localShellHost } from '../../test/local-shell-host.js';
import type { Host } from './host.js';
import { copyOnHost } from '../renewal/copy-on-host.js';
import { readFilesInFewCommands } from './read-files-batch.js';
import { sha256 } from './sha256.js';
import { refuseSymlinksCommand } from './symlink-guard.js';
import { writeFilesInOneCommand } from './write-files-batch.js';


async function codeOf(action: () => Promise<unknown>): Promise<{ code: string; file: string | undefined }> {
  try {
    await action();
    return { code: 'accepted', file: undefined };
  } catch (error) {
    if (isSftunnelCaError(error)) return { code: error.code, file: error.file };
    throw error;
  }
}

/** Every entry under a directory with its content (or link target): to show nothing was written. */
function snapshot(directory: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(directory, { recursive: true, withFileTypes: true })) {
    const full = join(entry.parentPath, entry.name);
    out[full] = lstatSync(full).isSymbolicLink() ? 'link' : entry.isDirectory() ? 'dir' : readFileSync(full, 'utf8');
  }
  return out;
}

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

describe('renewal › writes refuse symbolic links at every level, in the command that writes', () => {
  const root = mkdtempSync(join(tmpdir(), 'symlink-guard-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const { host } = localShellHost();

  /** A fresh case: a real peer directory, a victim directory elsewhere, and a file in each. */
  function layout(name: string): { peers: string; victim: string } {
    const peers = join(root, name, 'var/sf/peers');
    const victim = join(root, name, 'home/admin/elsewhere');
    mkdirSync(peers, { recursive: true });
    mkdirSync(victim, { recursive: true });
    writeFileSync(join(victim, 'cacert.pem'), 'victim\n');
    return { peers, victim };
  }

  it('the guard command names the first link and exits 86; plain paths and missing ones pass', async () => {
    const { peers, victim } = layout('guard');
    symlinkSync(victim, join(peers, 'uuid'));
    const refused = await host.run(refuseSymlinksCommand([join(peers, 'uuid', 'cacert.pem')]));
    expect(refused.code).toBe(86);
    expect(refused.stderr).toContain(join(peers, 'uuid'));
    expect((await host.run(`${refuseSymlinksCommand([join(peers, 'other', 'missing.pem'), join(root, "it's quoted")])} && echo through`)).stdout).toBe('through\n');
    symlinkSync(join(root, 'nowhere'), join(peers, 'dangling.pem'));
    expect((await host.run(refuseSymlinksCommand([join(peers, 'dangling.pem')]))).code).toBe(86);
  });

  it('a batch write into a symlinked peer directory is refused and writes nothing through it', async () => {
    const { peers, victim } = layout('batch-dir');
    symlinkSync(victim, join(peers, 'uuid'));
    const before = snapshot(join(root, 'batch-dir'));
    const outcome = await codeOf(() =>
      writeFilesInOneCommand(host, [{ path: join(peers, 'uuid', 'cacert.pem.sftunnel-ca.new'), content: PEM, mode: 0o644 }], { step: 'write' }),
    );
    expect(outcome).toEqual({ code: 'DEVICE_PATH_SYMLINK', file: join(peers, 'uuid') });
    expect(snapshot(join(root, 'batch-dir'))).toEqual(before);
  });

  it('a batch write whose destination file or a path it must leave alone (refuseSymlinksAt) is a link is refused', async () => {
    const { peers, victim } = layout('batch-file');
    mkdirSync(join(peers, 'uuid'));
    symlinkSync(join(victim, 'cacert.pem'), join(peers, 'uuid', 'cacert.pem'));
    const before = snapshot(join(root, 'batch-file'));
    expect(await codeOf(() => writeFilesInOneCommand(host, [{ path: join(peers, 'uuid', 'cacert.pem'), content: PEM, mode: 0o644 }], { step: 'write' }))).toEqual({
      code: 'DEVICE_PATH_SYMLINK',
      file: join(peers, 'uuid', 'cacert.pem'),
    });
    const pending = join(peers, 'uuid', 'cacert.pem.sftunnel-ca.new');
    expect(
      await codeOf(() => writeFilesInOneCommand(host, [{ path: pending, content: PEM, mode: 0o644 }], { step: 'write', refuseSymlinksAt: [join(peers, 'uuid', 'cacert.pem')] })),
    ).toEqual({ code: 'DEVICE_PATH_SYMLINK', file: join(peers, 'uuid', 'cacert.pem') });
    expect(snapshot(join(root, 'batch-file'))).toEqual(before);
    expect(readFileSync(join(victim, 'cacert.pem'), 'utf8')).toBe('victim\n');
  });

  it('a copy on the FMC refuses a symlinked certs_pushed directory, destination, or backup name; nothing copied', async () => {
    const { peers, victim } = layout('copy');
    const staging = join(root, 'copy', 'var/tmp/certs/1/peers/uuid');
    mkdirSync(staging, { recursive: true });
    writeFileSync(join(staging, 'sftunnel-cert.pem'), PEM);
    const copy = (destination: string) => ({ source: join(staging, 'sftunnel-cert.pem'), destination, sha256: sha256(PEM), mode: 0o644, backupSuffix: '.backup' });
    const now = new Date(1_750_000_000_000);
    // certs_pushed a link to a directory elsewhere
    symlinkSync(victim, join(peers, 'certs_pushed'));
    const before = snapshot(join(root, 'copy'));
    expect(await codeOf(() => copyOnHost(host, [copy(join(peers, 'certs_pushed', 'sftunnel-cert.pem'))], { step: 'fmc-switch', now }))).toEqual({
      code: 'DEVICE_PATH_SYMLINK',
      file: join(peers, 'certs_pushed'),
    });
    expect(snapshot(join(root, 'copy'))).toEqual(before);
    // a real directory whose backup name is a dangling link: `cp -p` would create its target
    mkdirSync(join(peers, 'real'));
    writeFileSync(join(peers, 'real', 'sftunnel-cert.pem'), 'old\n');
    symlinkSync(join(victim, 'planted.pem'), join(peers, 'real', 'sftunnel-cert.pem.backup'));
    const before2 = snapshot(join(root, 'copy'));
    expect(await codeOf(() => copyOnHost(host, [copy(join(peers, 'real', 'sftunnel-cert.pem'))], { step: 'fmc-switch', now }))).toEqual({
      code: 'DEVICE_PATH_SYMLINK',
      file: join(peers, 'real', 'sftunnel-cert.pem.backup'),
    });
    expect(snapshot(join(root, 'copy'))).toEqual(before2);
  });

  it('reads for a replacement refuse links when asked, and read through them otherwise', async () => {
    const { peers, victim } = layout('read');
    symlinkSync(victim, join(peers, 'uuid'));
    const path = join(peers, 'uuid', 'cacert.pem');
    expect(await codeOf(() => readFilesInFewCommands(host, [path], { step: 'inspect', refuseSymlinks: true }))).toEqual({ code: 'DEVICE_PATH_SYMLINK', file: join(peers, 'uuid') });
    expect((await readFilesInFewCommands(host, [path], { step: 'inspect' })).get(path)).toBe('victim\n');
  });

  it('a copy batch with the guard stays within a bounded command length, and copies every file', async () => {
    const base = join(root, 'many', 'var/sf/peers');
    const staging = join(root, 'many', 'var/tmp/certs/1796538541/peers');
    const commands: string[] = [];
    const recording: Host = { ...host, run: (command, options) => (commands.push(command), host.run(command, options)) };
    const copies = Array.from({ length: 45 }, (_, i) => {
      const uuid = `0f6a${String(i).padStart(4, '0')}-7c1e-4d2b-9a3f-${'5'.repeat(12)}`;
      mkdirSync(join(base, uuid, 'certs_pushed'), { recursive: true });
      mkdirSync(join(staging, uuid), { recursive: true });
      const content = `${PEM}${i}\n`;
      writeFileSync(join(staging, uuid, 'sftunnel-cert.pem'), content);
      writeFileSync(join(base, uuid, 'certs_pushed', 'sftunnel-cert.pem'), 'old\n');
      return { source: join(staging, uuid, 'sftunnel-cert.pem'), destination: join(base, uuid, 'certs_pushed', 'sftunnel-cert.pem'), sha256: sha256(content), mode: 0o644, backupSuffix: '.backup' };
    });
    const replaced = await copyOnHost(recording, copies, { step: 'fmc-switch', now: new Date(1_750_000_000_000) });
    expect(Object.keys(replaced)).toHaveLength(45);
    const copying = commands.filter((c) => c.includes('sftunnel-ca.tmp'));
    expect(copying.length).toBeGreaterThanOrEqual(3);
    for (const command of copying) expect(command.length).toBeLessThanOrEqual(24_000);
  });
});
