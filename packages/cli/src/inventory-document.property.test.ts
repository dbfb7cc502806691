import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzRuns } from '@sftunnel-ca/core/testing';
import { onlyCliErrors } from '../test/only-cli-errors.js';
import { parseInventoryDocument } from './inventory-document.js';

const PASSWORD = 'S3cret-inline-password';

/** Inventories: well formed devices with odd values, wrong types, unknown keys, YAML noise. */
const device = fc.dictionary(
  fc.constantFrom('name', 'address', 'user', 'password', 'port', 'keyFile', 'jumpHost', 'role', 'other'),
  fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.constant(PASSWORD), fc.constantFrom('env:FTD_PASSWORD', 'file:', 'env:', 'ftd', 'fmc', 'ha-peer'), fc.constant(null), fc.array(fc.string({ maxLength: 4 }), { maxLength: 2 })),
);
const document = fc.oneof(
  fc.array(device, { maxLength: 4 }).map((devices) => JSON.stringify({ devices })),
  fc.array(device, { maxLength: 4 }).map((devices) => JSON.stringify(devices)),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 120 }),
  fc.array(fc.tuple(fc.constantFrom('- ', '  ', 'devices:\n  - '), fc.constantFrom('name', 'address', 'user', 'port', 'password'), fc.string({ maxLength: 10 })), { maxLength: 6 }).map((lines) => lines.map(([lead, key, value]) => `${lead}${key}: ${value}`).join('\n')),
);

describe('parseInventoryDocument', () => {
  it('property: throws nothing but coded errors on any document, and never echoes an inline password', () => {
    fc.assert(
      fc.property(document, (text) => {
        try {
          parseInventoryDocument(text, 'inventory.yaml');
        } catch (error) {
          onlyCliErrors(() => {
            throw error;
          });
          expect((error as Error).message).not.toContain(PASSWORD);
        }
      }),
      { numRuns: fuzzRuns() },
    );
  });
});
