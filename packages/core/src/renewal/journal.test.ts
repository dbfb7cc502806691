import { appendFile, chmod, chown, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isSftunnelCaError } from '../errors/sftunnel-ca-error.js';
import { RenewalJournal } from './journal.js';

const run = { fmcUuid: 'c8d5d5c6-87c9-11ef-a993-b9831565bc4e', stagingDirectory: '/var/tmp/certs/1767225600' };
const device = '0f6f2a4c-1b7e-4c1e-9a55-3d2a4b7c9e01';
const now = new Date('2026-01-01T00:00:00Z');

describe('RenewalJournal', () => {
  let dir: string;
  let path: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'journal-'));
    path = join(dir, 'renewal.journal');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('creates a 0600 file, records steps, and reopens with them (what a resumed run skips)', async () => {
    const journal = await RenewalJournal.open(path, run, now);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const before = { caFingerprintSha256: 'aa', certificateFingerprintSha256: 'bb' };
    await journal.record({ type: 'delivered', uuid: device, backups: { '/var/sf/peers/x/cacert.pem': '/var/sf/peers/x/cacert.pem.backup' }, before });
    await journal.record({ type: 'fmc-switched', backups: {} });
    expect(await RenewalJournal.peek(path)).toEqual(run);
    const reopened = await RenewalJournal.open(path, run, now);
    expect(reopened.delivered(device)?.before).toEqual(before);
    expect(reopened.renewed(device)).toBe(false);
    expect(reopened.fmcSwitch).toBeDefined();
    await reopened.record({ type: 'renewed', uuid: device });
    expect(reopened.renewed(device)).toBe(true);
    await reopened.record({ type: 'rolled-back', uuid: device });
    expect(reopened.renewed(device)).toBe(false);
    expect(reopened.delivered(device)).toBeUndefined();
    expect(await readFile(path, 'utf8')).not.toMatch(/PRIVATE KEY/);
  });

  it('ignores a partial last line (a run killed while appending) but refuses other damage', async () => {
    await RenewalJournal.open(path, run, now);
    await appendFile(path, '{"type":"deliv');
    expect((await RenewalJournal.open(path, run, now)).entries).toHaveLength(1);
    await appendFile(path, '\n{"type":"renewed","uuid":"x"}\n');
    await expect(RenewalJournal.open(path, run, now)).rejects.toMatchObject({ code: 'JOURNAL_INVALID', message: expect.stringContaining(`line 2 of ${path}`) });
  });

  it('skips blank lines, and names a damaged line by its number in the file', async () => {
    await RenewalJournal.open(path, run, now);
    await appendFile(path, '\n\n{"type":"renewed","uuid":"x"}\n\n');
    expect((await RenewalJournal.open(path, run, now)).renewed('x')).toBe(true);
    await appendFile(path, 'not json\n{"type":"renewed","uuid":"y"}\n');
    await expect(RenewalJournal.open(path, run, now)).rejects.toMatchObject({ code: 'JOURNAL_INVALID', line: 6 });
  });

  it('refuses a journal of another run, of another FMC, one that others may read, and one of another user', async () => {
    await RenewalJournal.open(path, run, now);
    await expect(RenewalJournal.open(path, { ...run, stagingDirectory: '/var/tmp/certs/1' }, now)).rejects.toSatisfy((e) => isSftunnelCaError(e, 'JOURNAL_INVALID'));
    await expect(RenewalJournal.open(path, { ...run, fmcUuid: '00000000-0000-4000-8000-000000000000' }, now)).rejects.toSatisfy((e) => isSftunnelCaError(e, 'JOURNAL_OTHER_FMC'));
    await chmod(path, 0o644);
    await expect(RenewalJournal.peek(path)).rejects.toSatisfy((e) => isSftunnelCaError(e, 'JOURNAL_INVALID'));
    await chmod(path, 0o600);
    const uid = process.getuid?.() ?? 0;
    await chown(path, uid + 1, uid + 1);
    await expect(RenewalJournal.peek(path)).rejects.toMatchObject({ code: 'JOURNAL_INVALID', message: expect.stringContaining(`owned by uid ${uid + 1}, not by you`) });
  });

  it('refuses, before a run starts, a journal path no journal can be written at; a missing one in a directory is a new run', async () => {
    await expect(RenewalJournal.peek(path)).resolves.toBeUndefined();
    await writeFile(`${path}.file`, 'x');
    for (const where of [join(`${path}.file`, 'x.journal'), join(`${path}.missing`, 'x.journal')]) {
      await expect(RenewalJournal.peek(where), where).rejects.toMatchObject({ code: 'JOURNAL_INVALID', message: expect.stringContaining('pass a --journal in an existing directory') });
    }
    await expect(RenewalJournal.open(join(`${path}.missing`, 'x.journal'), run, now)).rejects.toSatisfy((e) => isSftunnelCaError(e, 'JOURNAL_INVALID'));
  });
});
