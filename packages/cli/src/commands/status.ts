import { Command, Option } from 'commander';
import type { CliIo } from '../cli-io.js';
import { writeJson, writeText } from '../output.js';
import { addSshOptions, parseSshTarget, resolveSshOptions, type SshFlags } from '../ssh-options.js';

/** The `schema` of `status --json` documents. */
export const STATUS_SCHEMA_ID = 'sftunnel-ca/status/v1';

/** The options of `status`. */
interface StatusFlags extends SshFlags {
  readonly fmc: string;
  readonly json?: boolean;
}

/** `sftunnel-ca status`: the FMC's InternalCA and, per device, its certificate and tunnel. Reads only. */
export function statusCommand(io: CliIo): Command {
  const command = new Command('status')
    .summary('show the InternalCA and each device’s certificate and tunnel')
    .description(
      'Inspect the FMC over SSH: its InternalCA (the vendor’s verdict), and for every device it manages the certificate it ' +
        'pushed (notAfter, verdict) and the tunnel as sftunnel_status.pl shows it. Reads only; nothing is changed.',
    )
    .addOption(new Option('--fmc <user@host[:port]>', 'the FMC to inspect, over SSH').makeOptionMandatory())
    .addOption(new Option('--json', `print one JSON document (schema ${STATUS_SCHEMA_ID})`))
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  $ sftunnel-ca status --fmc admin@fmc.example.net --password-file ~/.fmc-password\n' +
        '  $ sftunnel-ca status --fmc admin@fmc.example.net --known-hosts ./known_hosts --json\n',
    )
    .action(async (flags: StatusFlags) => {
      const [{ inspectFmc }, { SshHost }, { readFmcTunnels }] = await Promise.all([import('@sftunnel-ca/core'), import('@sftunnel-ca/transport'), import('../fmc-tunnels.js')]);
      const fmc = await SshHost.connect(await resolveSshOptions(io, parseSshTarget(flags.fmc, '--fmc'), flags));
      try {
        const now = io.now();
        const inspection = await inspectFmc(fmc, { now });
        const tunnels = new Map((await readFmcTunnels(fmc)).map((peer) => [peer.address, peer.state]));
        const devices = inspection.devices.map((device) => ({
          uuid: device.uuid,
          name: device.name ?? device.uuid,
          address: device.address ?? '',
          certificateNotAfter: device.pushedCertificate.certificate.notAfter.toISOString(),
          certificateVerdict: device.pushedCertificate.verdict.kind,
          tunnel: (device.address === undefined ? undefined : tunnels.get(device.address)) ?? 'unknown',
        }));
        const ca = { subject: inspection.ca.certificate.subject, notAfter: inspection.ca.certificate.notAfter.toISOString(), verdict: inspection.ca.verdict.kind, days: inspection.ca.verdict.days };
        if (flags.json === true) {
          writeJson(io, STATUS_SCHEMA_ID, { fmc: flags.fmc, checkedAt: now.toISOString(), ca, devices });
          return;
        }
        const up = devices.filter((device) => device.tunnel === 'up').length;
        writeText(
          io,
          [
            `${flags.fmc}: InternalCA ${ca.subject}, notAfter ${ca.notAfter} (${ca.verdict}, ${ca.days} days); ${up} of ${devices.length} tunnels up`,
            ...devices.map((d) => `  ${d.name.padEnd(12)} ${d.address.padEnd(15)} tunnel ${d.tunnel.padEnd(8)} certificate ${d.certificateVerdict} (notAfter ${d.certificateNotAfter})`),
          ].join('\n'),
        );
      } finally {
        await fmc.close();
      }
    });
  return addSshOptions(command);
}
