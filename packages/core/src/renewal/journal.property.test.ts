import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSftunnelCaError } from '../errors/sftunnel-ca-error.js';
import { fuzzRuns } from '../testing/fuzz-runs.js';
import { RenewalJournal } from './journal.js';

const RUN = { fmcUuid: '6d0ae5b2-0d8c-11ef-9e5a-8f1d3a9c2b01', stagingDirectory: '/var/tmp/certs/1750000000' };
const START = JSON.stringify({ type: 'start', at: '2025-06-15T00:00:00.000Z', ...RUN });
const UUID = 'c8d5d5c6-87c9-11ef-a993-b9831565bc4e';

/** Well-formed entries of the run, after its start. */
const entry = fc.constantFrom(
  JSON.stringify({ type: 'delivered', uuid: UUID, backups: {}, before: {} }),
  JSON.stringify({ type: 'renewed', uuid: UUID }),
  JSON.stringify({ type: 'fmc-switched', backups: {} }),
  JSON.stringify({ type: 'rolled-back', uuid: UUID }),
);

/** Journal lines: real entries, entries with fields missing or of the wrong type, any JSON value, broken JSON. */
const line = fc.oneof(
  fc.constantFrom(
    START,
    JSON.stringify({ type: 'delivered', uuid: UUID, backups: {}, before: {} }),
    JSON.stringify({ type: 'renewed', uuid: UUID }),
    JSON.stringify({ type: 'fmc-switched', backups: {} }),
    JSON.stringify({ type: 'rolled-back', uuid: UUID }),
  ),
  fc.record({ type: fc.constantFrom('start', 'delivered', 'renewed', 'fmc-switched', 'rolled-back', 'other'), uuid: fc.jsonValue(), backups: fc.jsonValue() }, { requiredKeys: ['type'] }).map((e) => JSON.stringify(e)),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 40 }),
);

describe('RenewalJournal, reading a journal file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'journal-property-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('property: peek, open and the lookups throw nothing but coded errors, whatever the file holds', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.array(line, { maxLength: 6 }), fc.boolean(), async (startsRight, lines, endsWithNewline) => {
        const path = join(dir, `journal-${n++}`);
        const text = [...(startsRight ? [START] : []), ...lines].join('\n') + (endsWithNewline ? '\n' : '');
        await writeFile(path, text, { mode: 0o600 });
        await chmod(path, 0o600);
        try {
          // What peek reports is the run the file starts with, never anything made up.
          expect(await RenewalJournal.peek(path)).toMatchObject(RUN);
          // Blank lines are skipped, so the run is the first line that is not blank.
          expect(text.split('\n').find((l) => l !== '')).toBe(START);
          const journal = await RenewalJournal.open(path, RUN, new Date('2025-06-15T00:00:00Z'));
          expect(journal.entries[0]).toMatchObject({ type: 'start', ...RUN });
          journal.delivered(UUID);
          journal.renewed(UUID);
          void journal.fmcSwitch;
        } catch (error) {
          if (!isSftunnelCaError(error)) throw error;
          expect(error.code).toBe('JOURNAL_INVALID');
        }
      }),
      { numRuns: fuzzRuns() },
    );
  });

  it('property: a journal of well-formed entries reads back whole, and its lookups say what its last entries say', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(entry, { maxLength: 8 }), async (lines) => {
        const path = join(dir, `whole-${n++}`);
        await writeFile(path, `${[START, ...lines].join('\n')}\n`, { mode: 0o600 });
        expect(await RenewalJournal.peek(path)).toMatchObject(RUN);
        const journal = await RenewalJournal.open(path, RUN, new Date('2025-06-15T00:00:00Z'));
        expect(journal.entries.map((e) => e.type)).toEqual(['start', ...lines.map((l) => (JSON.parse(l) as { type: string }).type)]);
        const types = lines.map((l) => (JSON.parse(l) as { type: string }).type);
        // A device's state is its last entry's: delivered, renewed, or rolled back (neither).
        const deviceLast = types.filter((type) => type !== 'fmc-switched').at(-1);
        expect(journal.renewed(UUID)).toBe(deviceLast === 'renewed');
        expect(journal.delivered(UUID) !== undefined).toBe(deviceLast === 'delivered');
        expect(journal.fmcSwitch !== undefined).toBe(types.includes('fmc-switched'));
      }),
      { numRuns: fuzzRuns() },
    );
  });
});
