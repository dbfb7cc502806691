import fc from 'fast-check';
import { beforeAll, describe, it } from 'vitest';
import { onlyCodedErrors } from '../../test/expect-coded-error.js';
import { damagedPem, pemShapedText } from '../../test/fuzz-inputs.js';
import { fuzzRuns } from '../testing/fuzz-runs.js';
import { Certificate } from './certificate.js';
import { createCertificateRevocationList, CertificateRevocationList } from './certificate-revocation-list.js';
import { createInternalCA } from './internal-ca-generator.js';

describe('certificate and CRL import', () => {
  const real = { certificate: '', crl: '' };
  beforeAll(async () => {
    const now = new Date('2025-06-01T00:00:00Z');
    const ca = await createInternalCA({ fmcUuid: '6d0ae5b2-0d8c-11ef-9e5a-8f1d3a9c2b01', now });
    real.certificate = ca.certificate.pem;
    real.crl = (await createCertificateRevocationList({ ca, now })).pem;
  });

  it('property: Certificate.fromPem and allFromPem throw nothing but coded errors, on damaged certificates and arbitrary text', () => {
    fc.assert(
      fc.property(fc.oneof(damagedPem(real.certificate), pemShapedText()), (text) => {
        onlyCodedErrors(() => Certificate.fromPem(text));
        onlyCodedErrors(() => Certificate.allFromPem(text));
      }),
      { numRuns: fuzzRuns() },
    );
  });

  it('property: Certificate.fromDer throws nothing but coded errors on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (der) => onlyCodedErrors(() => Certificate.fromDer(der))),
      { numRuns: fuzzRuns() },
    );
  });

  it('property: CertificateRevocationList.fromPem throws nothing but coded errors, on damaged CRLs and arbitrary text', () => {
    fc.assert(
      fc.property(fc.oneof(damagedPem(real.crl), pemShapedText()), (text) => onlyCodedErrors(() => CertificateRevocationList.fromPem(text))),
      { numRuns: fuzzRuns() },
    );
  });
});
