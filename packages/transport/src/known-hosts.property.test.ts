import { isSftunnelCaError } from '@sftunnel-ca/core';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { fuzzRuns } from '../../core/test/fuzz-runs.js';
import { checkKnownHosts, parseKnownHosts } from './known-hosts.js';

const ED25519 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl';

/** known_hosts lines: well formed, markers, hashed names, wrong key types, broken base64, noise. */
const line = fc.oneof(
  fc.tuple(fc.constantFrom('', '@revoked ', '@cert-authority ', '@bogus '), fc.oneof(fc.domain(), fc.ipV4(), fc.constant('|1|c2FsdA==|aGFzaA=='), fc.constant('|1|x')), fc.constantFrom(ED25519, 'ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl', 'ssh-ed25519 !!!', 'ssh-ed25519')).map(([m, h, k]) => `${m}${h} ${k}`),
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
);

describe('parseKnownHosts', () => {
  it('property: throws nothing but coded errors on arbitrary files, and what it accepts can be checked against', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 5 }), (lines) => {
        try {
          const entries = parseKnownHosts(lines.join('\n'));
          checkKnownHosts(entries, 'fmc.example', 22, Buffer.from(ED25519.split(' ')[1] ?? '', 'base64'));
        } catch (error) {
          if (!isSftunnelCaError(error)) throw error;
        }
      }),
      { numRuns: fuzzRuns() },
    );
  });
});
