import { createHash } from 'node:crypto';
import { isSftunnelCaError } from '@sftunnel-ca/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkKnownHosts,
  entryMatchesHost,
  fingerprintSha256,
  formatKnownHostsLine,
  knownHostName,
  parseKnownHosts,
  readKeyType,
} from './known-hosts.js';

function blob(type: string, body: string): Buffer {
  const name = Buffer.from(type);
  const data = Buffer.from(body);
  const head = Buffer.alloc(4);
  head.writeUInt32BE(name.length);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  return Buffer.concat([head, name, len, data]);
}

const keyA = blob('ssh-ed25519', 'a'.repeat(32));
const keyB = blob('ssh-ed25519', 'b'.repeat(32));
const rsa = blob('ssh-rsa', 'r'.repeat(64));

describe('known_hosts', () => {
  it('names hosts as OpenSSH does', () => {
    expect(knownHostName('FTD.example', 22)).toBe('ftd.example');
    expect(knownHostName('127.0.0.1', 2222)).toBe('[127.0.0.1]:2222');
  });

  it('matches patterns, wildcards and negations', () => {
    const [entry] = parseKnownHosts(`ftd-*.lab,!ftd-9.lab,[10.0.0.1]:2222 ssh-ed25519 ${keyA.toString('base64')}`);
    expect(entry).toBeDefined();
    if (entry === undefined) return;
    expect(entryMatchesHost(entry, 'ftd-1.lab')).toBe(true);
    expect(entryMatchesHost(entry, 'ftd-9.lab')).toBe(false);
    expect(entryMatchesHost(entry, '[10.0.0.1]:2222')).toBe(true);
    expect(entryMatchesHost(entry, '10.0.0.1')).toBe(false);
    expect(entryMatchesHost(entry, 'ftdx1.lab')).toBe(false);
  });

  it('gives known, mismatch (with the recorded fingerprint), unknown and revoked verdicts', () => {
    const entries = parseKnownHosts(
      [`# fleet`, `ftd1 ssh-ed25519 ${keyA.toString('base64')}`, `ftd2 ssh-rsa ${rsa.toString('base64')}`, `@revoked * ssh-ed25519 ${keyB.toString('base64')} old`].join(
        '\n',
      ),
    );
    expect(checkKnownHosts(entries, 'ftd1', 22, keyA)).toEqual({ status: 'known', line: 2 });
    expect(checkKnownHosts(entries, 'ftd1', 22, blob('ssh-ed25519', 'c'.repeat(32)))).toEqual({
      status: 'mismatch',
      expected: [fingerprintSha256(keyA)],
      lines: [2],
    });
    expect(checkKnownHosts(entries, 'ftd2', 22, keyA)).toEqual({ status: 'unknown' });
    expect(checkKnownHosts(entries, 'ftd3', 22, keyA)).toEqual({ status: 'unknown' });
    expect(checkKnownHosts(entries, 'ftd1', 22, keyB)).toEqual({ status: 'revoked', line: 4 });
  });

  it('property: reads back what it writes, plain and hashed', () => {
    fc.assert(
      fc.property(fc.domain(), fc.integer({ min: 1, max: 65535 }), fc.boolean(), (host, port, hashed) => {
        const entries = parseKnownHosts(formatKnownHostsLine(host, port, keyA, { hashed }));
        expect(checkKnownHosts(entries, host, port, keyA).status).toBe('known');
        expect(checkKnownHosts(entries, `x${host}`, port, keyA).status).toBe('unknown');
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 100) },
    );
  });

  it('computes fingerprints like ssh-keygen -l', () => {
    const expected = createHash('sha256').update(keyA).digest('base64').replace(/=+$/, '');
    expect(fingerprintSha256(keyA)).toBe(`SHA256:${expected}`);
    expect(readKeyType(rsa)).toBe('ssh-rsa');
  });

  it('rejects malformed lines with their line number', () => {
    const error = (() => {
      try {
        parseKnownHosts(`ok ssh-ed25519 ${keyA.toString('base64')}\nbroken-line-without-key\n`, 'kh');
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(isSftunnelCaError(error, 'KNOWN_HOSTS_INVALID')).toBe(true);
    expect(error).toMatchObject({ file: 'kh', line: 2 });
    expect(() => parseKnownHosts(`h ssh-rsa ${keyA.toString('base64')}`)).toThrow(/does not decode as ssh-rsa/);
  });
});
