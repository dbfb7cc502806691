import type { FmcPreflightProbe } from './preflight-probe.js';

/**
 * `ca-key`: the InternalCA's private key is where the layout says (`layout.fmc.caKey`) and belongs
 * to the live InternalCA. A renewal installs the new CA's key there, beside the new CA: the FMC
 * signs the certificate of every device it registers afterwards with it. Without a key that
 * matches, the renewal cannot know where the FMC signs from, so it is refused (`fail`): a device
 * registered next week would get a certificate its own CA does not verify.
 *
 * @example
 * ```ts
 * const report = await preflightRenewal(fmc, inspection, plan, { connect, now, probes: [caKeyProbe()] });
 * ```
 */
export function caKeyProbe(): FmcPreflightProbe {
  return {
    name: 'ca-key',
    scope: 'fmc',
    run({ inspection }) {
      const { path, state } = inspection.caKey;
      const pointAt = 'point the layout at the file that holds the InternalCA’s key (`fmc.caKey` of the layout; the CLI’s `--ca-key PATH`)';
      switch (state) {
        case 'matches':
          return Promise.resolve({ verdict: 'pass', message: `the InternalCA's key ${path} belongs to ${inspection.ca.path}` });
        case 'missing':
          return Promise.resolve({ verdict: 'fail', cause: 'FMC_CA_KEY_MISSING', message: `the InternalCA's key is not at ${path} on the FMC`, remedy: `${pointAt}; the renewal installs the new CA's key there, so it must be the file the FMC signs with` });
        case 'mismatch':
          return Promise.resolve({ verdict: 'fail', cause: 'FMC_CA_KEY_MISMATCH', message: `${path} on the FMC is not the key of the InternalCA ${inspection.ca.path}`, remedy: `${pointAt}; if an earlier renewal left an old key there, restore the key that matches the live CA first` });
      }
    },
  };
}
