import { spawn } from 'node:child_process';
import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SftunnelStatusPeer } from '@sftunnel-ca/core';
import type { LabCaState, LabProfileName, StartLabOptions } from '@sftunnel-ca/lab';
import { Command, Option } from 'commander';
import type { CliIo } from '../cli-io.js';
import { CliUsageError } from '../cli-usage-error.js';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';
import { defaultLabStateDir, processAlive, readLabState, removeLabState, writeLabState, type LabState } from '../lab-state.js';
import { loadLab } from '../optional-packages.js';
import { writeJson, writeText } from '../output.js';
import { quote } from '../resume-command.js';
import { parseWholeNumber } from '../whole-number.js';

/** The `schema` of `lab status --json` documents. */
export const LAB_STATUS_SCHEMA_ID = 'sftunnel-ca/lab-status/v1';

const BIN = fileURLToPath(new URL('../bin/sftunnel-ca.js', import.meta.url));

/** Options of `lab up` (and of the hidden `lab serve` it starts). */
interface LabUpFlags {
  readonly devices: string;
  readonly caState: LabCaState;
  readonly caDays?: string;
  readonly down: string;
  readonly ha?: boolean;
  readonly profile?: string;
  readonly stateDir?: string;
  readonly foreground?: boolean;
  readonly json?: boolean;
}

const stateDirOption = (io: CliIo): Option =>
  new Option('--state-dir <dir>', 'where the lab’s description, password, known_hosts and devices.csv live').default(defaultLabStateDir(io.env));

/** `sftunnel-ca lab up|down|status`: a persistent lab for rehearsal. */
export function labCommand(io: CliIo, setExitCode: (code: ExitCode) => void): Command {
  const lab = new Command('lab')
    .summary('run a simulated FMC and FTD fleet on this machine, to rehearse')
    .description(
      'A simulated FMC and FTDs on loopback addresses, over real SSH (CLI → expert → sudo su) and real TLS on 8305, ' +
        'that stays up between commands. Its password, known_hosts and a devices.csv are written to the state directory.',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  $ sftunnel-ca lab up --devices 20 --ca-state expired --down 5\n  $ sftunnel-ca lab up --devices 3 --profile fmc-7,ftd-6.4-hw,ftd-7-virtual,fp4100-module\n  $ sftunnel-ca lab status\n  $ sftunnel-ca lab down\n',
    );
  const upOptions = (command: Command): Command =>
    command
      .addOption(new Option('--devices <n>', 'how many FTDs').default('20'))
      .addOption(new Option('--ca-state <state>', 'the InternalCA at start').choices(['valid', 'expiring', 'expired']).default('expired'))
      .addOption(new Option('--ca-days <n>', 'days left (expiring) or since expiry (expired)'))
      .addOption(new Option('--down <n>', 'how many tunnels are down at start').default('0'))
      .addOption(new Option('--ha', 'add an HA peer FMC with its own InternalCA'))
      .addOption(
        new Option('--profile <names>', `releases whose login shells the appliances reproduce, comma-separated: an FMC profile for the FMC, FTD profiles shared out over the devices in turn (${PROFILE_NAMES})`),
      )
      .addOption(stateDirOption(io))
      .addOption(new Option('--json', 'print the lab’s description as JSON'));
  lab.addCommand(
    upOptions(new Command('up').summary('start the lab in the background').addOption(new Option('--foreground', 'stay in the foreground until Ctrl-C'))).action(async (flags: LabUpFlags) => {
      await labUp(io, flags);
    }),
  );
  lab.addCommand(upOptions(new Command('serve')).action(async (flags: LabUpFlags) => serve(io, flags)), { hidden: true });
  lab.addCommand(
    new Command('status')
      .summary('show the lab’s appliances and tunnels')
      .addOption(stateDirOption(io))
      .addOption(new Option('--json', `print one JSON document (schema ${LAB_STATUS_SCHEMA_ID})`))
      .action(async (flags: { stateDir: string; json?: boolean }) => setExitCode(await labStatus(io, flags))),
  );
  lab.addCommand(
    new Command('down')
      .summary('stop the lab and remove everything it made')
      .addOption(stateDirOption(io))
      .action(async (flags: { stateDir: string }) => labDown(io, flags.stateDir)),
  );
  return lab;
}

async function labUp(io: CliIo, flags: LabUpFlags): Promise<void> {
  const stateDir = flags.stateDir ?? defaultLabStateDir(io.env);
  await loadLab('lab up'); // refused here, with the install command, rather than in the background process
  const running = await readLabState(stateDir);
  if (running !== undefined && processAlive(running.pid)) {
    throw new CliUsageError(`a lab is already up (pid ${running.pid}, ${stateDir}); run sftunnel-ca lab down first`);
  }
  if (flags.foreground === true) {
    await serve(io, flags);
    return;
  }
  await removeLabState(stateDir);
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const logPath = join(stateDir, 'lab.log');
  const log = await open(logPath, 'w', 0o600);
  const args = ['lab', 'serve', '--devices', flags.devices, '--ca-state', flags.caState, '--down', flags.down, '--state-dir', stateDir];
  if (flags.caDays !== undefined) args.push('--ca-days', flags.caDays);
  if (flags.ha === true) args.push('--ha');
  if (flags.profile !== undefined) args.push('--profile', flags.profile);
  const child = spawn(process.execPath, [BIN, ...args], { detached: true, stdio: ['ignore', log.fd, log.fd], env: { ...io.env } });
  child.unref();
  await log.close();
  const state = await waitForState(stateDir, child.pid ?? -1, logPath);
  report(io, state, flags.json === true);
}

async function waitForState(stateDir: string, pid: number, logPath: string): Promise<LabState> {
  for (let waited = 0; waited < 180_000; waited += 200) {
    const state = await readLabState(stateDir);
    if (state?.pid === pid) return state;
    if (!processAlive(pid)) throw new CliUsageError(`the lab did not start; see ${logPath}`);
    await sleep(200);
  }
  throw new CliUsageError(`the lab did not start within 3 minutes; see ${logPath}`);
}

async function serve(io: CliIo, flags: LabUpFlags): Promise<void> {
  const stateDir = flags.stateDir ?? defaultLabStateDir(io.env);
  const devices = parseWholeNumber(flags.devices, '--devices', 1) ?? 20;
  const down = parseWholeNumber(flags.down, '--down', 0) ?? 0;
  const caDays = parseWholeNumber(flags.caDays, '--ca-days', 0);
  if (down > devices) throw new CliUsageError(`--down ${down} is more than --devices ${devices}`);
  const { startLab } = await loadLab('lab serve');
  const lab = await startLab({
    ...labProfiles(flags.profile, devices),
    caState: flags.caState,
    ...(caDays === undefined ? {} : { caDays }),
    tunnels: down === 0 ? 'up' : { down: Array.from({ length: down }, (_, index) => index) },
    ha: flags.ha === true,
  });
  const state = await writeLabState(stateDir, lab, process.pid, io.now());
  if (flags.foreground === true) report(io, state, flags.json === true);
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  await lab.stop();
  await removeLabState(stateDir);
}

/** The lab's profiles, for help (the lab is loaded only when it runs, and checks the names itself). */
const PROFILE_NAMES = 'ftd-6.4-hw, ftd-7-virtual, fp4100-module, fmc-6.2-bash, fmc-7';

/**
 * `--profile fmc-7,ftd-6.4-hw,fp4100-module` as startLab's options: the FMC profile for the FMC(s),
 * the FTD profiles given to the devices in turn (FTD-0001 the first, FTD-0002 the second, …).
 */
export function labProfiles(text: string | undefined, devices: number): Pick<StartLabOptions, 'devices'> & Partial<Pick<StartLabOptions, 'profile'>> {
  if (text === undefined) return { devices };
  const names = text.split(',').map((name) => name.trim()).filter((name) => name !== '');
  if (names.length === 0) throw new CliUsageError(`--profile takes ${PROFILE_NAMES} (comma-separated), got ${JSON.stringify(text)}`);
  const profiles = names as LabProfileName[];
  const fmc = profiles.filter((name) => name.startsWith('fmc-'));
  const ftd = profiles.filter((name) => !name.startsWith('fmc-'));
  if (fmc.length > 1) throw new CliUsageError(`--profile names more than one FMC profile: ${fmc.join(', ')}`);
  return {
    devices: Array.from({ length: devices }, (_, i) => (ftd.length === 0 ? {} : { profile: ftd[i % ftd.length] as LabProfileName })),
    ...(fmc[0] === undefined ? {} : { profile: fmc[0] }),
  };
}

function report(io: CliIo, state: LabState, json: boolean): void {
  if (json) {
    const { schema, ...body } = state;
    writeJson(io, schema, body);
    return;
  }
  const line = (a: LabState['fmc']): string => `  ${a.name.padEnd(12)} ${a.role.padEnd(4)} ${a.username}@${a.address}:${a.sshPort}  ${a.hostKeyFingerprint}`;
  writeText(
    io,
    [
      `Lab up (pid ${state.pid}): ${state.devices.length} FTDs`,
      line(state.fmc),
      ...(state.secondaryFmc === undefined ? [] : [line(state.secondaryFmc)]),
      ...state.devices.slice(0, 5).map(line),
      ...(state.devices.length > 5 ? [`  … and ${state.devices.length - 5} more (sftunnel-ca lab status${stateDirArgument(io, dirname(state.files.password))})`] : []),
      '',
      `password file  ${state.files.password}`,
      `known_hosts    ${state.files.knownHosts}`,
      `devices.csv    ${state.files.devicesCsv}`,
      '',
      'Try:',
      `  sftunnel-ca check --fmc ${state.fmc.username}@${state.fmc.address}:${state.fmc.sshPort} --password-file ${state.files.password} --known-hosts ${state.files.knownHosts}`,
      `  sftunnel-ca lab down${stateDirArgument(io, dirname(state.files.password))}`,
    ].join('\n'),
  );
}

/** ` --state-dir DIR` for a command that must find this lab again, when it is not in the default place. */
function stateDirArgument(io: CliIo, stateDir: string): string {
  return stateDir === defaultLabStateDir(io.env) ? '' : ` --state-dir ${quote(stateDir)}`;
}

async function labStatus(io: CliIo, flags: { stateDir: string; json?: boolean }): Promise<ExitCode> {
  const state = await readLabState(flags.stateDir);
  if (state === undefined || !processAlive(state.pid)) {
    if (flags.json === true) writeJson(io, LAB_STATUS_SCHEMA_ID, { up: false, stateDir: flags.stateDir });
    else writeText(io, `No lab is up (${flags.stateDir}). Start one with: sftunnel-ca lab up`);
    return EXIT_CODES.FAILED;
  }
  const peers = await fmcTunnelStatus(state);
  const byAddress = new Map(peers.map((peer) => [peer.address, peer]));
  const devices = state.devices.map((device) => ({ ...device, tunnel: byAddress.get(device.address)?.state ?? 'unknown' }));
  if (flags.json === true) {
    writeJson(io, LAB_STATUS_SCHEMA_ID, { up: true, pid: state.pid, fmc: state.fmc, devices });
    return EXIT_CODES.OK;
  }
  const up = devices.filter((device) => device.tunnel === 'up').length;
  writeText(io, [`Lab up (pid ${state.pid}), FMC ${state.fmc.address}: ${up} of ${devices.length} tunnels up`, ...devices.map((d) => `  ${d.name.padEnd(12)} ${d.address.padEnd(15)} ${d.tunnel}`)].join('\n'));
  return EXIT_CODES.OK;
}

/** Asks the lab's FMC, over SSH as a user would, for `sftunnel_status.pl`. */
async function fmcTunnelStatus(state: LabState): Promise<readonly SftunnelStatusPeer[]> {
  const [{ Secret }, { connectPinned }, { readFmcTunnels }] = await Promise.all([import('@sftunnel-ca/core'), import('../pinned-ssh.js'), import('../fmc-tunnels.js')]);
  const host = await connectPinned(state.fmc, new Secret((await readFile(state.files.password, 'utf8')).trim()));
  try {
    return await readFmcTunnels(host);
  } finally {
    await host.close();
  }
}

async function labDown(io: CliIo, stateDir: string): Promise<void> {
  const state = await readLabState(stateDir);
  if (state === undefined || !processAlive(state.pid)) {
    await removeLabState(stateDir);
    writeText(io, `No lab was up (${stateDir}). A lab started with --state-dir is stopped with the same --state-dir.`);
    return;
  }
  process.kill(state.pid, 'SIGTERM');
  for (let waited = 0; processAlive(state.pid); waited += 100) {
    if (waited > 60_000) throw new CliUsageError(`the lab (pid ${state.pid}) did not stop within a minute; kill it with: kill ${state.pid}`);
    await sleep(100);
  }
  await removeLabState(stateDir);
  writeText(io, `Lab stopped (pid ${state.pid}); ${stateDir} removed.`);
}
