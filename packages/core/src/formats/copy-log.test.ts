import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectCodedError, onlyCodedErrors } from '../../test/expect-coded-error.js';
import { fuzzRuns } from '../testing/fuzz-runs.js';
import { sharedFixture } from '../../test/shared-fixture.js';
import { formatCopyLog, parseCopyLog, type CopyLogEventKind, type CopyLogRecord } from './copy-log.js';

const FIXTURE = sharedFixture('copy-run.log');
const at = (time: string): Date => new Date(`2024-11-12T${time}Z`);
const events = (...steps: [CopyLogEventKind, string][]): CopyLogRecord['events'] => steps.map(([kind, time]) => ({ kind, at: at(time) }));

/** The result records of the fixture's run, written by hand: one per device, as a copy run reports them. */
const RUN: readonly CopyLogRecord[] = [
  { device: 'FMCpri', events: events(['attempting', '14:07:36'], ['connected', '14:07:40'], ['not-ha-peer', '14:07:41'], ['closing', '14:07:41']) },
  {
    device: 'FTDv',
    events: events(['attempting', '14:07:41'], ['connected', '14:07:43'], ['copying', '14:07:44'], ['copied', '14:07:44'], ['restarting', '14:07:44'], ['closing', '14:07:44']),
  },
  { device: 'BSNS-1120-1', events: events(['attempting', '14:07:44'], ['could-not-connect', '14:08:04']) },
];

const KINDS: CopyLogEventKind[] = ['attempting', 'connected', 'not-ha-peer', 'copying', 'copied', 'restarting', 'closing', 'could-not-connect'];
const wholeSecond = fc.integer({ min: Date.UTC(1001, 0, 1) / 1000, max: Date.UTC(9998, 11, 31) / 1000 }).map((s) => new Date(s * 1000));
const record = fc.record({
  device: fc.string({ minLength: 1, maxLength: 16 }).filter((s) => !s.includes('\n')),
  events: fc
    .tuple(wholeSecond, fc.array(fc.record({ kind: fc.constantFrom(...KINDS), at: wholeSecond }), { maxLength: 7 }))
    .map(([first, rest]) => [{ kind: 'attempting' as const, at: first }, ...rest]),
});

describe('formatCopyLog', () => {
  it('does reproduce the fixture byte for byte from result records', () => {
    expect(formatCopyLog(RUN)).toBe(FIXTURE);
  });

  it('does write times on the FMC’s clock', () => {
    const [first] = formatCopyLog(RUN, { utcOffsetMinutes: 60 }).split('\n').slice(2);
    expect(first).toBe('2024-11-12 15:07:36 - Attempting connection to FMCpri');
  });

  it('does write why a device failed on a line of its own, and reads it back', () => {
    const failed: CopyLogRecord = {
      device: 'FMCsec',
      events: [...events(['attempting', '14:07:36'], ['connected', '14:07:40']), { kind: 'failed', at: at('14:07:41'), reason: 'RENEWAL_DEVICE_UNKNOWN: FMCpri has no peer directory' }, ...events(['closing', '14:07:41'])],
    };
    const log = formatCopyLog([failed]);
    expect(log.split('\n')[4]).toBe('2024-11-12 14:07:41 - Failed to copy certificates to FMCsec: RENEWAL_DEVICE_UNKNOWN: FMCpri has no peer directory');
    expect(parseCopyLog(log)).toEqual([failed]);
    for (const reason of [undefined, '', 'two\nlines']) {
      expectCodedError(() => formatCopyLog([{ device: 'x', events: [...events(['attempting', '14:07:36']), { kind: 'failed', at: at('14:07:37'), ...(reason === undefined ? {} : { reason }) }] }]), 'INVALID_ARGUMENT');
    }
  });

  it('does write a lone separator for an empty run', () => {
    expect(formatCopyLog([])).toBe('=====\n');
  });

  it('does refuse records it cannot write', () => {
    expectCodedError(() => formatCopyLog([{ device: 'x', events: [] }]), 'INVALID_ARGUMENT');
    expectCodedError(() => formatCopyLog([{ device: 'x', events: events(['connected', '14:07:36']) }]), 'INVALID_ARGUMENT');
    expectCodedError(() => formatCopyLog([{ device: 'a\nb', events: events(['attempting', '14:07:36']) }]), 'INVALID_ARGUMENT');
    expectCodedError(() => formatCopyLog([{ device: 'x', events: [{ kind: 'attempting', at: new Date(Number.NaN) }] }]), 'INVALID_ARGUMENT');
    expectCodedError(() => formatCopyLog(RUN, { utcOffsetMinutes: 1.5 }), 'INVALID_ARGUMENT');
  });
});

describe('parseCopyLog', () => {
  it('does read the fixture into one record per device', () => {
    expect(parseCopyLog(FIXTURE)).toEqual(RUN);
  });

  it('does read times on the FMC’s clock back to the same instants', () => {
    expect(parseCopyLog(formatCopyLog(RUN, { utcOffsetMinutes: -300 }), { utcOffsetMinutes: -300 })).toEqual(RUN);
  });

  it('does refuse a log out of shape with the line number', () => {
    const lines = FIXTURE.split('\n');
    const cases: [string, number][] = [
      [FIXTURE.slice(0, -1), 22],
      [FIXTURE.replace('=====\n', ''), 1],
      [FIXTURE.replace('14:07:40 - Connected', '14:07:40 Connected'), 4],
      [FIXTURE.replace('2024-11-12 14:07:40', '2024-11-31 14:07:40'), 4],
      [FIXTURE.replace('Connected to FMCpri', 'Connected to FTDv'), 4],
      [FIXTURE.replace('14:07:36 - Attempting connection to FMCpri', '14:07:36 - Connected to FMCpri'), 3],
      [lines.slice(0, 7).join('\n').concat('\n'), 8],
      [`=====\n\n\n=====\n`, 3],
    ];
    for (const [text, line] of cases) expect(expectCodedError(() => parseCopyLog(text, { file: 'copy.log' }), 'COPY_LOG_SYNTAX').line).toBe(line);
  });

  it('property: reads back every run formatCopyLog writes', () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 5 }), fc.integer({ min: -720, max: 840 }), (records, utcOffsetMinutes) => {
        const text = formatCopyLog(records, { utcOffsetMinutes });
        expect(parseCopyLog(text, { utcOffsetMinutes })).toEqual(records);
      }),
      { numRuns: fuzzRuns() },
    );
  });

  it('property: throws nothing but coded errors on arbitrary input', () => {
    const lines = fc.array(fc.oneof(fc.constantFrom('=====', '', '2024-11-12 14:07:36 - Attempting connection to A', '2024-11-12 14:07:36 - Connected to A'), fc.string({ maxLength: 30 })), { maxLength: 8 });
    fc.assert(
      fc.property(fc.oneof(lines.map((l) => l.join('\n')), fc.string({ unit: 'binary', maxLength: 120 })), (text) => onlyCodedErrors(() => parseCopyLog(text))),
      { numRuns: fuzzRuns() },
    );
  });
});
