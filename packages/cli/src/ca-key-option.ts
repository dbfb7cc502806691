import { DEFAULT_APPLIANCE_LAYOUT, defineApplianceLayout, type ApplianceLayout } from '@sftunnel-ca/core';
import { Option } from 'commander';

/** `--ca-key PATH`: where the FMC keeps the InternalCA's key, when it is not the layout's default. */
export function caKeyOption(): Option {
  return new Option('--ca-key <path>', `where the FMC keeps the InternalCA’s private key (default ${DEFAULT_APPLIANCE_LAYOUT.fmc.caKey}); renew installs the new key there`);
}

/**
 * The appliance layout of a command: the vendor's, with the CA key where `--ca-key` says.
 *
 * @param caKey - the `--ca-key` value, if any (an absolute, normalised path; `INVALID_ARGUMENT`, exit 2, otherwise)
 */
export function layoutWithCaKey(caKey: string | undefined): ApplianceLayout {
  return caKey === undefined ? DEFAULT_APPLIANCE_LAYOUT : defineApplianceLayout({ fmc: { caKey } });
}
