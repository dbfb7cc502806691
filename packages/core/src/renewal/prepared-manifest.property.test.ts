import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSftunnelCaError } from '../errors/sftunnel-ca-error.js';
import { fuzzRuns } from '../testing/fuzz-runs.js';
import type { PreparedRenewal } from './prepared-manifest.js';
import { parsePreparedManifest } from './prepared-manifest.js';

const WHERE = { host: 'FMCpri', file: '/var/tmp/certs/1750000000/manifest.json' };
const DIR = '/var/tmp/certs/1750000000';

const sha = fc.stringMatching(/^[0-9a-f]{64}$/);
const staged = (name: string): fc.Arbitrary<{ path: string; sha256: string }> => fc.record({ path: fc.constant(`${DIR}/${name}`), sha256: sha });
const summary = fc.record({ fingerprintSha256: sha, serial: fc.stringMatching(/^[0-9a-f]{1,40}$/), notAfter: fc.constant('2036-06-15T00:00:00.000Z'), verdict: fc.constantFrom('expired', 'expiring', 'valid'), days: fc.integer({ min: -3650, max: 3650 }) });
const stagedCertificate = (name: string) => fc.tuple(staged(name), summary).map(([file, certificate]) => ({ ...file, certificate }));

/** Manifests as prepareRenewal writes them. */
const manifest: fc.Arbitrary<PreparedRenewal> = fc.record({
  version: fc.constant(1 as const),
  fmcUuid: fc.uuid(),
  stagingDirectory: fc.constant(DIR),
  preparedAt: fc.constant('2026-06-15T00:00:00.000Z'),
  basedOn: fc.record({ caFingerprintSha256: sha, deviceUuids: fc.array(fc.uuid(), { maxLength: 3 }) }),
  ca: stagedCertificate('cacert.pem'),
  caKey: staged('cakey.pem'),
  crl: staged('crl.pem'),
  fmc: fc.record({ certificate: stagedCertificate('fmc/sftunnel-cert.pem'), key: staged('fmc/sftunnel-key.pem') }),
  devices: fc.array(fc.uuid().chain((uuid) => fc.record({ uuid: fc.constant(uuid), certificate: stagedCertificate(`peers/${uuid}/sftunnel-cert.pem`), key: staged(`peers/${uuid}/sftunnel-key.pem`) })), { maxLength: 3 }),
});

/** A copy of `value` with the field at `path` (keys or indexes) replaced, or removed when `replacement` is undefined. */
function alter(value: unknown, path: readonly (string | number)[], replacement: unknown): unknown {
  if (path.length === 0 || typeof value !== 'object' || value === null) return replacement;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  const copy = (Array.isArray(value) ? [...(value as unknown[])] : { ...value }) as Record<string | number, unknown>;
  if (rest.length === 0 && replacement === undefined) delete copy[head];
  else copy[head] = alter(copy[head], rest, replacement);
  return copy;
}

/** Every path to a field of a JSON value, the value itself included. */
function fieldPaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return [prefix, ...Object.entries(value).flatMap(([key, child]) => fieldPaths(child, [...prefix, Array.isArray(value) ? Number(key) : key]))];
}

describe('parsePreparedManifest', () => {
  it('property: reads back every manifest prepareRenewal writes', () => {
    fc.assert(
      fc.property(manifest, (m) => {
        expect(parsePreparedManifest(JSON.stringify(m, null, 2), WHERE)).toEqual(m);
      }),
      { numRuns: fuzzRuns() },
    );
  });

  it('property: a manifest with any field removed or replaced, any JSON, any text: read or RENEWAL_STAGING_CORRUPT, nothing else', () => {
    const damaged = fc.oneof(
      manifest.chain((m) => fc.tuple(fc.constantFrom(...fieldPaths(m)), fc.option(fc.jsonValue(), { nil: undefined })).map(([path, replacement]) => JSON.stringify(alter(m, path, replacement)))),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 60 }),
    );
    let refused = 0;
    fc.assert(
      fc.property(damaged, (text) => {
        try {
          parsePreparedManifest(text, WHERE);
        } catch (error) {
          if (!isSftunnelCaError(error, 'RENEWAL_STAGING_CORRUPT')) throw error;
          refused += 1;
        }
      }),
      { numRuns: fuzzRuns() },
    );
    expect(refused).toBeGreaterThan(0);
  });

  it('refuses a staged file outside its staging directory: a path climbing out, elsewhere, or relative', () => {
    fc.assert(
      fc.property(manifest, fc.constantFrom(`${DIR}/../../../etc/sf/ca_root/cacert.pem`, '/etc/shadow', 'cacert.pem', `${DIR}`, `${DIR}/`, `${DIR}x/cacert.pem`, `${DIR}/peers/`), (m, path) => {
        const text = JSON.stringify({ ...m, caKey: { ...m.caKey, path } });
        expect(() => parsePreparedManifest(text, WHERE)).toThrow(expect.objectContaining({ code: 'RENEWAL_STAGING_CORRUPT' }) as Error);
      }),
      { numRuns: 50 },
    );
  });
});
