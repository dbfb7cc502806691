import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzRuns } from '@sftunnel-ca/core/testing';
import { onlyCliErrors } from '../test/only-cli-errors.js';
import { parseMaxFailures } from './max-failures.js';

describe('parseMaxFailures', () => {
  it('property: throws nothing but usage errors on any argument', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 20 }), fc.stringMatching(/^-?\d{0,22}%{0,2}$/)), (text) => onlyCliErrors(() => parseMaxFailures(text))),
      { numRuns: fuzzRuns() },
    );
  });

  it('property: reads back every count and every percentage up to 100', () => {
    fc.assert(
      fc.property(fc.nat({ max: 1_000_000 }), fc.nat({ max: 100 }), (count, percent) => {
        expect(parseMaxFailures(String(count))).toBe(count);
        expect(parseMaxFailures(`${percent}%`)).toBe(`${percent}%`);
      }),
      { numRuns: fuzzRuns() },
    );
  });
});
