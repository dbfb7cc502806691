import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { onlyCodedErrors } from '../../test/expect-coded-error.js';
import { pemShapedText } from '../../test/fuzz-inputs.js';
import { fuzzRuns } from '../testing/fuzz-runs.js';
import { encodePem, parsePem } from './pem.js';

describe('parsePem', () => {
  it('property: throws nothing but coded errors on arbitrary input', () => {
    fc.assert(
      fc.property(pemShapedText(), (text) => onlyCodedErrors(() => parsePem(text))),
      { numRuns: fuzzRuns() },
    );
  });

  it('property: reads back the bytes (not empty) and labels encodePem writes, among other text', () => {
    const label = fc.stringMatching(/^[A-Z0-9]{1,8}( [A-Z0-9]{1,8}){0,2}$/);
    fc.assert(
      fc.property(fc.array(fc.tuple(label, fc.uint8Array({ minLength: 1, maxLength: 300 })), { minLength: 1, maxLength: 4 }), fc.stringMatching(/^[a-z ]{0,20}$/), (blocks, noise) => {
        const text = blocks.map(([l, der]) => `${noise}\n${encodePem(l, der)}`).join('');
        expect(parsePem(text).map((b) => [b.label, Array.from(b.der)])).toEqual(blocks.map(([l, der]) => [l, Array.from(der)]));
      }),
      { numRuns: fuzzRuns() },
    );
  });
});
