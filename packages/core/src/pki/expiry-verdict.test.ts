import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratch, type Scratch } from '../../test/openssl.js';
import { sharedFixturePath } from '../../test/shared-fixture.js';
import { expiryVerdict, formatVendorExpiryCheck } from './expiry-verdict.js';
import { createInternalCA } from './internal-ca-generator.js';
import type { InternalCA } from './internal-ca.js';
import { issueSftunnelCertificate } from './sftunnel-certificate.js';

const run = promisify(execFile);
const VENDOR_CHECK = sharedFixturePath('expiry-check.sh');
const DAY = 86_400_000;

describe('expiryVerdict', () => {
  describe('against the vendor’s one-line check', () => {
    let work: Scratch;
    let ca: InternalCA;

    beforeAll(async () => {
      work = await scratch();
      ca = await createInternalCA({ fmcUuid: 'cdb123c8-4347-11ef-aca1-f3aa241412a1', now: new Date(Date.now() - 60 * DAY) });
    });
    afterAll(() => work.remove());

    // Half-day offsets keep each moment away from a day boundary while both checks run.
    it.each([
      ['more than 30 days left', 45.5 * DAY, 'valid', 45],
      ['within 30 days', 10.5 * DAY, 'expiring', 10],
      ['expired', -5.5 * DAY, 'expired', 5],
    ] as const)('prints what the vendor prints: %s', async (_label, offset, kind, days) => {
      const now = Date.now();
      const issued = await issueSftunnelCertificate({ ca, peerUuid: 'c8d5d5c6-87c9-11ef-a993-b9831565bc4e', now: new Date(now - 40 * DAY), notAfter: new Date(now + offset) });
      const path = await work.write(`cert-${kind}.pem`, issued.certificate.pem);
      const vendor = await run('bash', [VENDOR_CHECK], { env: { ...process.env, CERT_PATH: path, TZ: 'UTC' }, encoding: 'utf8' });
      const ours = expiryVerdict(issued.certificate, new Date());
      expect(ours.kind).toBe(kind);
      expect(ours.days).toBe(days);
      expect(formatVendorExpiryCheck(ours)).toBe(vendor.stdout);
    });
  });

  describe('at the boundaries, in whole seconds as the vendor counts', () => {
    const notAfter = new Date('2034-10-09T10:12:50Z');
    const at = (msBefore: number): Date => new Date(notAfter.getTime() - msBefore);

    it('is expired, 0 days ago, at the very second of notAfter', () => {
      expect(expiryVerdict(notAfter, notAfter)).toMatchObject({ kind: 'expired', days: 0, healthAlert: 'error' });
    });

    it('counts whole days since expiry, rounding down', () => {
      expect(expiryVerdict(notAfter, at(-(3 * DAY + DAY - 1000)))).toMatchObject({ kind: 'expired', days: 3 });
    });

    it('is expiring with exactly 30 days left and valid one second earlier', () => {
      expect(expiryVerdict(notAfter, at(30 * DAY))).toMatchObject({ kind: 'expiring', days: 30, healthAlert: 'warning' });
      expect(expiryVerdict(notAfter, at(30 * DAY + 1000))).toMatchObject({ kind: 'valid', days: 30, healthAlert: 'warning' });
    });

    it('raises the health warning from 90 days before expiry', () => {
      expect(expiryVerdict(notAfter, at(90 * DAY)).healthAlert).toBe('warning');
      expect(expiryVerdict(notAfter, at(90 * DAY + 1000)).healthAlert).toBe('none');
    });

    it('ignores milliseconds as date +%s does', () => {
      expect(expiryVerdict(notAfter, new Date(notAfter.getTime() + 999))).toMatchObject({ kind: 'expired', days: 0 });
      expect(expiryVerdict(notAfter, new Date(notAfter.getTime() - 1))).toMatchObject({ kind: 'expiring', days: 0 });
    });

    it('words the verdict as the vendor does', () => {
      expect(expiryVerdict(notAfter, at(3646 * DAY)).message).toBe(
        'The certificate is valid for more than 30 days.\nIt is valid for 3646 more days.\n' +
          'There is no immediate need to perform action but this depends on how far the expiry date is in the future.',
      );
    });
  });
});
