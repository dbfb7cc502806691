import { isSftunnelCaError } from '@sftunnel-ca/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzRuns } from '@sftunnel-ca/core/testing';
import { checkKnownHosts, formatKnownHosts, parseKnownHosts } from './known-hosts.js';

const ED25519 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl';

/** An ssh-ed25519 public key blob (RFC 8709: string type, string 32-byte key) from its 32 bytes. */
function ed25519Blob(bytes: Uint8Array): Buffer {
  const field = (value: Buffer): Buffer => Buffer.concat([Buffer.from([0, 0, 0, value.length]), value]);
  return Buffer.concat([field(Buffer.from('ssh-ed25519')), field(Buffer.from(bytes))]);
}

/** A well-formed known_hosts line for other hosts than the one checked, with any ed25519 key. */
const otherHostLine = fc
  .tuple(fc.oneof(fc.domain(), fc.ipV4()), fc.uint8Array({ minLength: 32, maxLength: 32 }))
  .filter(([host]) => host !== 'fmc.example')
  .map(([host, key]) => `${host} ssh-ed25519 ${ed25519Blob(key).toString('base64')}`);

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
          // Every line that is neither blank nor a comment became one entry, numbered as in the file.
          const meaningful = lines.flatMap((l) => l.split(/\r?\n/)).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
          expect(entries).toHaveLength(meaningful.length);
          const verdict = checkKnownHosts(entries, 'fmc.example', 22, Buffer.from(ED25519.split(' ')[1] ?? '', 'base64'));
          expect(['known', 'unknown', 'mismatch', 'revoked']).toContain(verdict.status);
        } catch (error) {
          if (!isSftunnelCaError(error)) throw error;
          expect(error.code).toBe('KNOWN_HOSTS_INVALID');
        }
      }),
      { numRuns: fuzzRuns() },
    );
  });

  it("property: among other hosts' entries, the host's own line is found: its key is known (at its line), another key of its type a mismatch", () => {
    fc.assert(
      fc.property(fc.array(otherHostLine, { maxLength: 6 }), fc.nat(), fc.uint8Array({ minLength: 32, maxLength: 32 }), (others, at, otherKey) => {
        const position = at % (others.length + 1);
        const lines = [...others.slice(0, position), `fmc.example ${ED25519}`, ...others.slice(position)];
        const entries = parseKnownHosts(lines.join('\n'));
        expect(entries).toHaveLength(lines.length);
        const own = Buffer.from(ED25519.split(' ')[1] ?? '', 'base64');
        expect(checkKnownHosts(entries, 'fmc.example', 22, own)).toEqual({ status: 'known', line: position + 1 });
        const another = ed25519Blob(otherKey);
        fc.pre(!another.equals(own));
        expect(checkKnownHosts(entries, 'fmc.example', 22, another)).toMatchObject({ status: 'mismatch', lines: [position + 1] });
        // On another port the host is another name: nothing recorded.
        expect(checkKnownHosts(entries, 'fmc.example', 2222, own)).toEqual({ status: 'unknown' });
      }),
      { numRuns: fuzzRuns() },
    );
  });

  it('property: formatKnownHosts writes a file that trusts exactly the hosts given, each on its port', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(fc.integer({ min: 1, max: 254 }), fc.integer({ min: 1, max: 65535 }), fc.uint8Array({ minLength: 32, maxLength: 32 })), { maxLength: 5, selector: ([a]) => a }), (hosts) => {
        const known = hosts.map(([last, sshPort, key]) => ({ address: `127.0.0.${last}`, sshPort, hostPublicKey: `ssh-ed25519 ${ed25519Blob(key).toString('base64')} lab` }));
        const text = formatKnownHosts(known);
        expect(text.endsWith('\n') || text === '').toBe(true);
        const entries = parseKnownHosts(text);
        expect(entries).toHaveLength(known.length);
        for (const [index, host] of known.entries()) {
          expect(checkKnownHosts(entries, host.address, host.sshPort, ed25519Blob(hosts[index]![2]))).toEqual({ status: 'known', line: index + 1 });
        }
      }),
      { numRuns: fuzzRuns() },
    );
  });
});
