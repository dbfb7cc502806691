import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzRuns } from '@sftunnel-ca/core/testing';
import { onlyCliErrors } from '../test/only-cli-errors.js';
import { parseMoment } from './moment.js';

describe('parseMoment', () => {
  it('property: throws nothing but usage errors, and never returns an invalid date', () => {
    const text = fc.oneof(fc.string({ maxLength: 30 }), fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.stringMatching(/^\d{4}-\d{2}-\d{2}[T ]?[\d:.Z+-]{0,12}$/));
    fc.assert(
      fc.property(text, (input) => onlyCliErrors(() => expect(Number.isNaN(parseMoment(input, '--at').getTime())).toBe(false))),
      { numRuns: fuzzRuns() },
    );
  });
});
