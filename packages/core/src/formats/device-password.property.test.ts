import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { onlyCodedErrors } from '../../test/expect-coded-error.js';
import { fuzzRuns } from '../testing/fuzz-runs.js';
import { DevicePassword } from './device-password.js';

describe('DevicePassword.fromCell', () => {
  it('property: throws nothing but coded errors on any cell, and its errors never echo the cell', () => {
    const cell = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ maxLength: 30 }).map((s) => `env:${s}`), fc.string({ maxLength: 30 }).map((s) => `file:${s}`));
    fc.assert(
      fc.property(cell, (text) => {
        try {
          DevicePassword.fromCell(text);
        } catch (error) {
          onlyCodedErrors(() => {
            throw error;
          });
          if (text.length > 8) expect((error as Error).message).not.toContain(text);
        }
      }),
      { numRuns: fuzzRuns() },
    );
  });
});
