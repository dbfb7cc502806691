import type { ApplianceLayout } from '@sftunnel-ca/core';
import { Option } from 'commander';

/**
 * Where the vendor keeps the InternalCA's key (`DEFAULT_APPLIANCE_LAYOUT.fmc.caKey` in core), for
 * the help text: `--help` builds without loading core. `ca-key-option.test.ts` holds the two equal.
 */
export const VENDOR_CA_KEY_PATH = '/etc/sf/ca_root/cakey.pem';

/** `--ca-key PATH`: where the FMC keeps the InternalCA's key, when it is not the layout's default. */
export function caKeyOption(): Option {
  return new Option('--ca-key <path>', `where the FMC keeps the InternalCA’s private key (default ${VENDOR_CA_KEY_PATH}); renew installs the new key there`);
}

/**
 * The appliance layout of a command: the vendor's, with the CA key where `--ca-key` says.
 *
 * @param caKey - the `--ca-key` value, if any (an absolute, normalised path; `INVALID_ARGUMENT`, exit 2, otherwise)
 */
export async function layoutWithCaKey(caKey: string | undefined): Promise<ApplianceLayout> {
  const { DEFAULT_APPLIANCE_LAYOUT, defineApplianceLayout } = await import('@sftunnel-ca/core');
  return caKey === undefined ? DEFAULT_APPLIANCE_LAYOUT : defineApplianceLayout({ fmc: { caKey } });
}
