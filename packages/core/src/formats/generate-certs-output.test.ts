import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectCodedError } from '../../test/expect-coded-error.js';
import { fuzzRuns } from '../testing/fuzz-runs.js';
import { sharedFixture } from '../../test/shared-fixture.js';
import { parseFailedPush } from './failed-push.js';
import { formatGenerateCertsFailures, parseGenerateCertsOutput } from './generate-certs-output.js';

const SESSION = sharedFixture('generate-certs-run.txt');
const FAILED_PUSH_FILE = '/var/tmp/certs/1728915794/FAILED_PUSH';

describe('parseGenerateCertsOutput', () => {
  it('does read the failed pushes and the FAILED_PUSH path from the fixture session', () => {
    const output = parseGenerateCertsOutput(SESSION);
    expect(output.failedPushFile).toBe(FAILED_PUSH_FILE);
    expect(output.failures).toHaveLength(6);
    expect(output.failures[0]).toEqual({
      deviceName: 'BSNS-1120-1',
      destinationPath: '/var/sf/peers/cdb123c8-4347-11ef-aca1-f3aa241412a1/cacert.pem',
      line: 14,
    });
    expect(new Set(output.failures.map((f) => f.deviceName))).toEqual(new Set(['BSNS-1120-1', 'EMEA-FPR3110-08']));
  });

  it('does agree with the FAILED_PUSH file of the same run', () => {
    const fromFile = parseFailedPush(sharedFixture('FAILED_PUSH')).entries.map((e) => `${e.deviceName} ${e.destinationPath}`);
    const fromConsole = parseGenerateCertsOutput(SESSION).failures.map((f) => `${f.deviceName} ${f.destinationPath}`);
    expect(fromConsole).toEqual(fromFile);
  });

  it('property: reads back what formatGenerateCertsFailures writes, and never throws', () => {
    const notice = fc.record({ deviceName: fc.stringMatching(/^[^\n\r\u2028\u2029]{1,24}$/), destinationPath: fc.stringMatching(/^\/[\x21-\x7e]{0,30}$/) });
    fc.assert(
      fc.property(fc.array(notice, { minLength: 1, maxLength: 6 }), fc.string({ maxLength: 100 }), (failures, noise) => {
        const text = formatGenerateCertsFailures({ failures, failedPushFile: FAILED_PUSH_FILE });
        const parsed = parseGenerateCertsOutput(text);
        expect(parsed.failures.map(({ deviceName, destinationPath }) => ({ deviceName, destinationPath }))).toEqual(failures);
        expect(parsed.failedPushFile).toBe(FAILED_PUSH_FILE);
        parseGenerateCertsOutput(noise);
      }),
      { numRuns: fuzzRuns() },
    );
  });
});

describe('formatGenerateCertsFailures', () => {
  it('does write the vendor’s lines as the fixture shows them', () => {
    const { failures } = parseGenerateCertsOutput(SESSION);
    const expected = SESSION.slice(SESSION.indexOf('Failed to push'), SESSION.indexOf('\nScalars'));
    expect(formatGenerateCertsFailures({ failures, failedPushFile: FAILED_PUSH_FILE })).toBe(expected);
  });

  it('does write nothing without failures, and refuses what it cannot write', () => {
    expect(formatGenerateCertsFailures({ failures: [], failedPushFile: FAILED_PUSH_FILE })).toBe('');
    expectCodedError(() => formatGenerateCertsFailures({ failures: [{ deviceName: 'a\nb', destinationPath: '/x' }], failedPushFile: FAILED_PUSH_FILE }), 'INVALID_ARGUMENT');
    expectCodedError(() => formatGenerateCertsFailures({ failures: [{ deviceName: 'a', destinationPath: '/x y' }], failedPushFile: FAILED_PUSH_FILE }), 'INVALID_ARGUMENT');
    expectCodedError(() => formatGenerateCertsFailures({ failures: [{ deviceName: 'a', destinationPath: '/x' }], failedPushFile: '/a b' }), 'INVALID_ARGUMENT');
  });
});
