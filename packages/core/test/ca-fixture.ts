import { afterAll, beforeAll } from 'vitest';
import { createInternalCA } from '../src/pki/internal-ca-generator.js';
import type { InternalCA } from '../src/pki/internal-ca.js';
import { scratch, type Scratch } from './openssl.js';

/** A scratch directory holding a new InternalCA as `cacert.pem`, for one `describe` block. */
export interface CaFixture {
  readonly work: Scratch;
  readonly ca: InternalCA;
  readonly caPath: string;
}

/**
 * Registers `beforeAll`/`afterAll` hooks that make a {@link CaFixture} and remove it afterwards;
 * read its fields inside tests (they are set once `beforeAll` has run).
 */
export function useCaFixture(params: { readonly fmcUuid: string; readonly now: Date }): CaFixture {
  const fixture = {} as { work: Scratch; ca: InternalCA; caPath: string };
  beforeAll(async () => {
    fixture.work = await scratch();
    fixture.ca = await createInternalCA(params);
    fixture.caPath = await fixture.work.write('cacert.pem', fixture.ca.certificate.pem);
  });
  afterAll(() => fixture.work.remove());
  return fixture;
}
