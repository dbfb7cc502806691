import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzRuns } from '@sftunnel-ca/core/testing';
import { onlyCliErrors } from '../test/only-cli-errors.js';
import { parseSshTarget } from './ssh-options.js';

describe('parseSshTarget', () => {
  it('property: throws nothing but usage errors on any target', () => {
    const text = fc.oneof(fc.string({ maxLength: 40 }), fc.tuple(fc.string({ maxLength: 8 }), fc.oneof(fc.domain(), fc.ipV4(), fc.ipV6().map((a) => `[${a}]`)), fc.integer({ min: -5, max: 99999 })).map(([u, h, p]) => `${u}@${h}:${p}`));
    fc.assert(
      fc.property(text, (input) => onlyCliErrors(() => parseSshTarget(input, '--fmc'))),
      { numRuns: fuzzRuns() },
    );
  });

  it('property: reads back user, host and port', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z][a-z0-9_-]{0,10}$/), fc.oneof(fc.domain(), fc.ipV4()), fc.integer({ min: 1, max: 65535 }), (user, host, port) => {
        expect(parseSshTarget(`${user}@${host}:${port}`, '--fmc')).toEqual({ username: user, host, port });
      }),
      { numRuns: fuzzRuns() },
    );
  });
});
