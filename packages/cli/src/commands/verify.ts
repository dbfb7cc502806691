import type { InspectedCaKey } from '@sftunnel-ca/core';
import { Command, Option } from 'commander';
import type { CliIo } from '../cli-io.js';
import type { DeviceVerification } from '../device-verification.js';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';
import { writeJson, writeText } from '../output.js';
import { addSshOptions, parseSshTarget, resolveSshOptions, sharedSshOptions, type SshFlags } from '../ssh-options.js';
import { parseWholeNumber } from '../whole-number.js';
import { caKeyOption, layoutWithCaKey } from '../ca-key-option.js';

/** The `schema` of `verify --json` documents. */
export const VERIFY_SCHEMA_ID = 'sftunnel-ca/verify/v1';

/** The options of `verify`. */
interface VerifyFlags extends SshFlags {
  readonly fmc: string;
  readonly devices: string;
  readonly concurrency?: string;
  readonly caKey?: string;
  readonly json?: boolean;
}

/** `sftunnel-ca verify`: after a renew or a copy, check every device against the FMC. Reads only. */
export function verifyCommand(io: CliIo, setExitCode: (code: ExitCode) => void): Command {
  const command = new Command('verify')
    .summary('check every device’s files, chain, key and tunnel against the FMC (after renew or copy)')
    .description(
      'After a renew or a copy, check each device of the inventory over SSH: its cacert.pem, sftunnel-cert.pem and ' +
        'sftunnel-key.pem hold the FMC’s current InternalCA and the certificate and key the FMC made for it (sha256), the ' +
        'certificate is issued by the current InternalCA and valid now, the key is the certificate’s, and the FMC shows its ' +
        'tunnel up; and on the FMC, that the InternalCA’s key (--ca-key) belongs to the live CA, since the FMC signs every ' +
        'device it registers with it. Reads only; nothing is changed. Exit 0 when every check passes, 1 otherwise.',
    )
    .addOption(new Option('--fmc <user@host[:port]>', 'the FMC, over SSH').makeOptionMandatory())
    .addOption(new Option('--devices <inventory>', 'the devices to check and how to reach them: a devices.csv, or a YAML/JSON inventory').makeOptionMandatory())
    .addOption(new Option('--concurrency <n>', 'devices checked at once (default 16)'))
    .addOption(caKeyOption())
    .addOption(new Option('--json', `print one JSON document (schema ${VERIFY_SCHEMA_ID})`))
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  $ sftunnel-ca verify --fmc admin@192.0.2.10 --password-file ~/.fmc-password --devices devices.csv\n' +
        '  $ sftunnel-ca verify --fmc admin@fmc.example.net --devices inventory.yaml --json\n',
    )
    .action(async (flags: VerifyFlags) => {
      const [{ inspectFmc }, { SshHost, runPool }, { inventoryConnect }, { resolveDeviceCredentials }, { readFmcReference, verifyDevice }, { matchDevicesToFmc, readDevicesFile }, { FleetProgress }, { readFmcTunnels }] = await Promise.all([
        import('@sftunnel-ca/core'),
        import('@sftunnel-ca/transport'),
        import('../device-connect.js'),
        import('../device-credentials.js'),
        import('../device-verification.js'),
        import('../devices-file.js'),
        import('../fleet-progress.js'),
        import('../fmc-tunnels.js'),
      ]);
      const concurrency = parseWholeNumber(flags.concurrency, '--concurrency', 1);
      const devicesFile = await readDevicesFile(flags.devices, io.env);
      const fmc = await SshHost.connect(await resolveSshOptions(io, parseSshTarget(flags.fmc, '--fmc'), flags));
      let devices: DeviceVerification[];
      let caKey: InspectedCaKey;
      const now = io.now();
      try {
        const inspection = await inspectFmc(fmc, { now, layout: await layoutWithCaKey(flags.caKey) });
        caKey = inspection.caKey;
        const rows = matchDevicesToFmc(devicesFile, inspection);
        const credentials = await resolveDeviceCredentials(io, [...rows.values()], devicesFile.path);
        const tunnels = new Map((await readFmcTunnels(fmc)).map((peer) => [peer.address, peer.state]));
        const reference = await readFmcReference(fmc, inspection, tunnels);
        const progress = new FleetProgress(io, 'verify');
        progress.total = rows.size;
        const connect = progress.track(inventoryConnect(credentials, sharedSshOptions(flags)), (row) => row.name);
        const targets = inspection.devices.flatMap((device) => {
          const row = rows.get(device.uuid);
          return row === undefined ? [] : [{ device: { ...device, name: device.name ?? row.name, address: device.address ?? row.address }, row }];
        });
        const outcomes = await progress.run(() =>
          runPool(
            targets,
            async ({ device, row }) => {
              const host = await connect(row, new AbortController().signal);
              try {
                return await verifyDevice(host, device, reference, now);
              } finally {
                await host.close();
              }
            },
            { ...(concurrency === undefined ? {} : { concurrency }) },
          ),
        );
        devices = outcomes.map((outcome) =>
          outcome.ok ? outcome.value : unreachable(outcome.item.device, tunnels.get(outcome.item.device.address) ?? 'unknown', outcome.error),
        );
      } finally {
        await fmc.close();
      }
      const passed = devices.filter((device) => device.ok).length;
      if (flags.json === true) writeJson(io, VERIFY_SCHEMA_ID, { fmc: flags.fmc, checkedAt: now.toISOString(), caKey, passed, failed: devices.length - passed, devices });
      else writeText(io, `${formatCaKey(caKey)}\n${formatVerification(flags.fmc, devices, passed)}`);
      setExitCode(passed === devices.length && caKey.state === 'matches' ? EXIT_CODES.OK : EXIT_CODES.FAILED);
    });
  return addSshOptions(command);
}

function unreachable(device: { uuid: string; name: string; address: string }, tunnel: DeviceVerification['tunnel'], error: unknown): DeviceVerification {
  const failed = { ok: false, problem: 'not checked' };
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  return { uuid: device.uuid, name: device.name, address: device.address, ok: false, files: failed, chain: failed, key: failed, tunnel, error: typeof code === 'string' ? `${code}: ${message}` : message };
}

/** The FMC's own check: the InternalCA's key where the layout says, belonging to the live CA (it signs every device registered later). */
function formatCaKey(caKey: InspectedCaKey): string {
  const said = { matches: 'ok (belongs to the live InternalCA)', missing: 'FAIL: missing (FMC_CA_KEY_MISSING)', mismatch: 'FAIL: not the live InternalCA’s key (FMC_CA_KEY_MISMATCH)' }[caKey.state];
  return `  FMC CA key ${caKey.path}: ${said}`;
}

function formatVerification(fmc: string, devices: readonly DeviceVerification[], passed: number): string {
  const mark = (ok: boolean): string => (ok ? 'ok' : 'FAIL');
  const lines = devices.map((d) => {
    const problems = [d.error, d.files.problem, d.chain.problem, d.key.problem].filter((p) => p !== undefined && p !== 'not checked');
    return `  ${d.name.padEnd(16)} ${d.address.padEnd(15)} files ${mark(d.files.ok).padEnd(4)} chain ${mark(d.chain.ok).padEnd(4)} key ${mark(d.key.ok).padEnd(4)} tunnel ${d.tunnel}${problems.length === 0 ? '' : `\n      ${problems.join('\n      ')}`}`;
  });
  return [`${fmc}: ${passed} of ${devices.length} devices pass`, ...lines].join('\n');
}
