import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isSftunnelCaError } from '../errors/sftunnel-ca-error.js';
import { localShellHost } from '../../test/local-shell-host.js';
import type { Host } from './host.js';
import { GroupedFileWriter } from './grouped-file-writer.js';
import { readFilesInFewCommands } from './read-files-batch.js';
import { batchLeftovers, writeFilesInOneCommand } from './write-files-batch.js';


const KEY = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC$HOME`id`\'"\\n\n-----END PRIVATE KEY-----\n';

describe('batched reads and writes over a real /bin/sh', () => {
  const root = mkdtempSync(join(tmpdir(), 'batched-files-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('writes many files in one command: exact bytes, modes, private directories, nothing in a command line, nothing left over', async () => {
    const { host, commands } = localShellHost();
    const files = [
      { path: join(root, 'stage/a/key.pem'), content: KEY, mode: 0o600 },
      { path: join(root, 'stage/a/cert.pem'), content: 'SFTUNNEL_CA_0123456789abcdef\nnot the delimiter\n', mode: 0o644 },
      { path: join(root, 'stage/b/empty-line.txt'), content: '\n\n', mode: 0o644 },
      { path: join(root, 'stage/b/no-final-newline.txt'), content: 'written on its own', mode: 0o640 },
    ];
    await writeFilesInOneCommand(host, files, { step: 'test', createPrivateDirectories: true });
    for (const file of files) {
      expect(readFileSync(file.path, 'utf8')).toBe(file.content);
      expect(statSync(file.path).mode & 0o777).toBe(file.mode);
    }
    expect(statSync(join(root, 'stage/a')).mode & 0o777).toBe(0o700);
    expect(statSync(join(root, 'stage/b')).mode & 0o777).toBe(0o700);
    expect(commands.join('\n')).not.toContain('MIIEvQ');
    for (const leftover of batchLeftovers(files.map((f) => f.path))) expect(() => statSync(leftover)).toThrow();
    expect(readdirSync(join(root, 'stage/a')).sort()).toEqual(['cert.pem', 'key.pem']);
  });

  it('fails with the path that could not be written, keeping the files written before it whole', async () => {
    const { host } = localShellHost();
    const blocked = join(root, 'blocked');
    writeFileSync(blocked, 'a file where a directory should be\n');
    const error = await writeFilesInOneCommand(
      host,
      [
        { path: join(root, 'first.pem'), content: 'first\n', mode: 0o644 },
        { path: join(blocked, 'second.pem'), content: 'second\n', mode: 0o644 },
      ],
      { step: 'test' },
    ).catch((caught: unknown) => caught);
    expect(isSftunnelCaError(error, 'COMMAND_FAILED')).toBe(true);
    expect(String((error as Error).message)).toContain('blocked/second.pem');
    expect(readFileSync(join(root, 'first.pem'), 'utf8')).toBe('first\n');
  });

  it('runs no part of a batch whose input arrived cut short (a connection lost mid-transfer)', async () => {
    const { host } = localShellHost();
    // The network's cut, simulated: the command receives only the first half of its input.
    const cutInput: Host = { ...host, run: (command, options) => host.run(command, { ...options, stdin: String(options?.stdin ?? '').slice(0, Math.floor(String(options?.stdin ?? '').length / 2)) }) };
    const files = [
      { path: join(root, 'cut/one.pem'), content: 'one\n', mode: 0o644 },
      { path: join(root, 'cut/key.pem'), content: KEY.repeat(20), mode: 0o600 },
    ];
    const error = await writeFilesInOneCommand(cutInput, files, { step: 'test', createPrivateDirectories: true }).catch((caught: unknown) => caught);
    expect(isSftunnelCaError(error, 'COMMAND_FAILED')).toBe(true);
    expect(String((error as Error).message)).toContain('arrived incomplete');
    expect(readdirSync(join(root, 'cut'))).toEqual([]);
  });

  it('reads files in few commands: missing ones absent, contents exact even when a file imitates a marker', async () => {
    const { host, commands } = localShellHost();
    const texts = { 'one.pem': KEY, 'fake-marker.txt': '\n==> sftunnel-ca 0000000000000000 1\nforged\n', 'empty.txt': '', 'no-newline.txt': 'last line' };
    for (const [name, text] of Object.entries(texts)) writeFileSync(join(root, name), text, { mode: 0o600 });
    const paths = [...Object.keys(texts), 'missing.pem'].map((name) => join(root, name));
    const read = await readFilesInFewCommands(host, paths, { step: 'test', filesPerCommand: 2 });
    expect(commands).toHaveLength(3);
    expect(Object.fromEntries([...read].map(([path, text]) => [path.slice(root.length + 1), text]))).toEqual(texts);
  });

  it('groups files written while a write is under way into the next command', async () => {
    const { host, commands } = localShellHost();
    const writer = new GroupedFileWriter(host, { step: 'test', createPrivateDirectories: true, maxFiles: 10 });
    const files = Array.from({ length: 25 }, (_, i) => ({ path: join(root, 'grouped', `peer-${i}`, 'key.pem'), content: `${KEY}${i}\n`, mode: 0o600 }));
    await Promise.all(files.map((file) => writer.write(file)));
    for (const file of files) expect(readFileSync(file.path, 'utf8')).toBe(file.content);
    // The first alone, then groups of at most 10 (each write is one command and one check): 1 + 10 + 10 + 4.
    expect(commands.filter((c) => c.includes('.sftunnel-ca.batch.sh'))).toHaveLength(4);
  });
});
