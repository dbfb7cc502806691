import { describe, expect, it } from 'vitest';
import { expectCodedError } from '../../test/expect-coded-error.js';
import { fixedHotfixFor } from './fixed-hotfix.js';
import { parseFmcVersion } from './fmc-version.js';

describe('fixedHotfixFor', () => {
  it('does give the vendor’s fixed hotfix for each release line', () => {
    const table: [string, string][] = [
      ['7.0.0', '7.0.6.99-9'],
      ['7.0.6', '7.0.6.99-9'],
      ['7.2.0', '7.2.9.99-4'],
      ['7.2.5', '7.2.9.99-4'],
      ['7.2.5.1', '7.2.9.99-4'],
      ['7.2.9', '7.2.9.99-4'],
      ['7.3.0', '7.3.1.99-4'],
      ['7.3.1', '7.3.1.99-4'],
      ['7.4.0', '7.4.2.99-5'],
      ['7.4.2-172', '7.4.2.99-5'],
      ['7.6.0', '7.6.0.99-5'],
    ];
    for (const [version, hotfix] of table) expect(fixedHotfixFor(version)).toMatchObject({ kind: 'apply-hotfix', hotfix, message: expect.stringContaining(hotfix) });
  });

  it('does say 7.1.x has no hotfix and to use the copy or manual method', () => {
    const verdict = fixedHotfixFor('7.1.0.3');
    expect(verdict).toMatchObject({ kind: 'no-hotfix', hotfix: undefined });
    expect(verdict.message).toMatch(/7\.1\.x is end of maintenance.*copy or manual method/);
    expect(fixedHotfixFor('6.6.5').kind).toBe('no-hotfix');
  });

  it('does recognise an installed hotfix', () => {
    expect(fixedHotfixFor('7.2.9.99-4')).toMatchObject({ kind: 'hotfix-installed', hotfix: '7.2.9.99-4' });
    expect(fixedHotfixFor('7.2.9.99-2').kind).toBe('apply-hotfix');
  });

  it('does give a clear verdict outside the table', () => {
    expect(fixedHotfixFor('7.6.1')).toMatchObject({ kind: 'not-affected', message: expect.stringContaining('6.2.3–7.6.0') });
    expect(fixedHotfixFor('7.7.0').kind).toBe('not-affected');
    for (const version of ['7.0.7', '7.2.10', '7.4.3', '7.5.0', '6.2.2']) {
      expect(fixedHotfixFor(version)).toMatchObject({ kind: 'unknown', hotfix: undefined, message: expect.stringContaining('copy or manual method') });
    }
  });

  it('does accept a parsed version and refuse text that is not one', () => {
    expect(fixedHotfixFor(parseFmcVersion('7.2.5')).version.text).toBe('7.2.5');
    expectCodedError(() => fixedHotfixFor('latest'), 'VERSION_INVALID');
  });
});
