import { PassThrough, Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzRuns } from '@sftunnel-ca/core/testing';
import { onlyCliErrors } from '../test/only-cli-errors.js';
import { parseBackdate } from './backdate.js';
import type { CliIo } from './cli-io.js';
import { CliUsageError } from './cli-usage-error.js';
import { EXIT_CODES } from './exit-codes.js';
import { runCli } from './run-cli.js';

describe('parseBackdate', () => {
  it('reads minutes, hours and days as milliseconds', () => {
    expect(parseBackdate(undefined)).toBeUndefined();
    expect(parseBackdate('12h')).toBe(12 * 3_600_000);
    expect(parseBackdate('1d')).toBe(86_400_000);
    expect(parseBackdate('2d')).toBe(2 * 86_400_000);
    expect(parseBackdate('90m')).toBe(90 * 60_000);
    expect(parseBackdate('30d')).toBe(30 * 86_400_000);
  });

  it('refuses anything else with a usage error that says what it takes', () => {
    for (const text of ['', '1', '0h', '-1d', '1.5d', '1w', '31d', '721h', 'd', '1 d', 'one day', '1e3h']) {
      let error: unknown;
      try {
        parseBackdate(text);
      } catch (caught) {
        error = caught;
      }
      expect(error, text).toBeInstanceOf(CliUsageError);
      expect((error as Error).message).toContain('--backdate takes a whole number of minutes, hours or days');
    }
  });

  it('property: throws nothing but usage errors on any argument', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 12 }), fc.stringMatching(/^-?\d{0,9}[smhdw]?$/)), (text) => onlyCliErrors(() => parseBackdate(text))),
      { numRuns: fuzzRuns(), seed: 20 },
    );
  });

  it('makes plan and renew exit 2 before connecting to anything', async () => {
    for (const argv of [
      ['plan', '--fmc', 'admin@127.0.0.1:1', '--backdate', '1w'],
      ['renew', '--fmc', 'admin@127.0.0.1:1', '--devices', 'devices.csv', '--yes', '--backdate', '36h30m'],
    ]) {
      const stderr = new PassThrough();
      const chunks: Buffer[] = [];
      stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
      const io: CliIo = { stdout: new PassThrough(), stderr, stdin: Readable.from([]), env: {}, now: () => new Date('2026-11-23T00:00:00Z') };
      expect(await runCli(argv, io), argv.join(' ')).toBe(EXIT_CODES.USAGE);
      expect(Buffer.concat(chunks).toString('utf8')).toContain('--backdate takes a whole number');
    }
  });
});
