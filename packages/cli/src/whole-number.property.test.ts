import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzRuns } from '@sftunnel-ca/core/testing';
import { onlyCliErrors } from '../test/only-cli-errors.js';
import { parseWholeNumber } from './whole-number.js';

describe('parseWholeNumber', () => {
  it('property: throws nothing but usage errors, and what it returns is a whole number of at least the minimum', () => {
    const text = fc.oneof(fc.string({ maxLength: 20 }), fc.double().map(String), fc.bigInt().map(String), fc.constantFrom('1e3', '0x10', ' 7 ', '', 'Infinity', 'NaN', '-0'));
    fc.assert(
      fc.property(text, fc.integer({ min: 0, max: 10 }), (input, minimum) =>
        onlyCliErrors(() => {
          const value = parseWholeNumber(input, '--concurrency', minimum);
          expect(Number.isInteger(value) && (value ?? -1) >= minimum).toBe(true);
        }),
      ),
      { numRuns: fuzzRuns() },
    );
  });
});
