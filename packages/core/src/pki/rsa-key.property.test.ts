import fc from 'fast-check';
import { beforeAll, describe, it } from 'vitest';
import { isSftunnelCaError } from '../errors/sftunnel-ca-error.js';
import { onlyCodedErrors } from '../../test/expect-coded-error.js';
import { damagedPem, pemShapedText } from '../../test/fuzz-inputs.js';
import { fuzzRuns } from '../testing/fuzz-runs.js';
import { createInternalCA } from './internal-ca-generator.js';
import { importRsaPrivateKey, privateKeyPemForm, publicKeyInfoOfPrivateKey } from './rsa-key.js';

describe('private key import', () => {
  const real = { pkcs1: '' };
  beforeAll(async () => {
    const ca = await createInternalCA({ fmcUuid: '6d0ae5b2-0d8c-11ef-9e5a-8f1d3a9c2b01', now: new Date('2025-06-01T00:00:00Z') });
    real.pkcs1 = await ca.privateKeyPem();
  });

  it('property: privateKeyPemForm and publicKeyInfoOfPrivateKey throw nothing but coded errors, on damaged keys and arbitrary text', () => {
    fc.assert(
      fc.property(fc.oneof(damagedPem(real.pkcs1), pemShapedText()), (text) => {
        onlyCodedErrors(() => privateKeyPemForm(text));
        onlyCodedErrors(() => publicKeyInfoOfPrivateKey(text));
      }),
      { numRuns: fuzzRuns() },
    );
  });

  it('property: importRsaPrivateKey rejects with nothing but coded errors', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(damagedPem(real.pkcs1), pemShapedText()), async (text) => {
        await importRsaPrivateKey(text).catch((error: unknown) => {
          if (!isSftunnelCaError(error)) throw error;
        });
      }),
      { numRuns: fuzzRuns() },
    );
  });
});
