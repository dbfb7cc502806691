import { DEFAULT_APPLIANCE_LAYOUT } from '@sftunnel-ca/core';
import { describe, expect, it } from 'vitest';
import { VENDOR_CA_KEY_PATH, caKeyOption, layoutWithCaKey } from './ca-key-option.js';

describe('caKeyOption', () => {
  it('names in its help the path core uses by default, without loading core to build the help', async () => {
    expect(VENDOR_CA_KEY_PATH).toBe(DEFAULT_APPLIANCE_LAYOUT.fmc.caKey);
    expect(caKeyOption().description).toContain(DEFAULT_APPLIANCE_LAYOUT.fmc.caKey);
    expect(await layoutWithCaKey(undefined)).toBe(DEFAULT_APPLIANCE_LAYOUT);
    expect((await layoutWithCaKey('/var/sf/keys/ca.pem')).fmc.caKey).toBe('/var/sf/keys/ca.pem');
  });
});
