import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectCodedError, onlyCodedErrors } from '../../test/expect-coded-error.js';
import { fuzzRuns } from '../testing/fuzz-runs.js';
import { compareFmcVersions, parseFmcVersion } from './fmc-version.js';

describe('parseFmcVersion', () => {
  it('does read the forms the appliance prints', () => {
    expect(parseFmcVersion('7.2.5')).toEqual({ text: '7.2.5', major: 7, minor: 2, maintenance: 5, patch: 0, build: undefined });
    expect(parseFmcVersion('7.2.5.1')).toMatchObject({ maintenance: 5, patch: 1, build: undefined });
    expect(parseFmcVersion(' 7.4.2-172 ')).toMatchObject({ text: '7.4.2-172', major: 7, minor: 4, maintenance: 2, patch: 0, build: 172 });
    expect(parseFmcVersion('v6.7')).toMatchObject({ major: 6, minor: 7, maintenance: 0 });
  });

  it('does refuse what is not a version', () => {
    for (const text of ['', '7', '7.2.5.1.1', '7.2.x', '7.2.5-', 'seven', '7..2']) expectCodedError(() => parseFmcVersion(text), 'VERSION_INVALID');
  });

  it('does order versions', () => {
    const sorted = ['7.4.2-172', '7.2.10', '7.2.9.99-4', '7.2.9', '7.4.2'].map(parseFmcVersion).sort(compareFmcVersions).map((v) => v.text);
    expect(sorted).toEqual(['7.2.9', '7.2.9.99-4', '7.2.10', '7.4.2', '7.4.2-172']);
  });

  it('property: reads back the numbers of every version it is given, and throws only VERSION_INVALID', () => {
    const n = fc.nat(999_999);
    fc.assert(
      fc.property(n, n, n, fc.option(n, { nil: undefined }), fc.option(n, { nil: undefined }), fc.string({ maxLength: 20 }), (major, minor, maintenance, patch, build, noise) => {
        const text = `${major}.${minor}.${maintenance}${patch === undefined ? '' : `.${patch}`}${build === undefined ? '' : `-${build}`}`;
        expect(parseFmcVersion(text)).toEqual({ text, major, minor, maintenance, patch: patch ?? 0, build });
        onlyCodedErrors(() => parseFmcVersion(noise));
      }),
      { numRuns: fuzzRuns() },
    );
  });
});
