/**
 * The model and the commands of the lifecycle model test (lifecycle-model.test.ts). The model
 * keeps, per FMC, a stack of generations: what the lab started with, then one per renewal run,
 * each with the live files from before that run (its rollback target, by sha256), the FAILED_PUSH
 * it wrote, the devices it was expected to strand there, and the devices forced back off it.
 * Each command acts on the lab through the CLI (or the lab's own hands: faults, tunnel
 * restarts, registering a device), checks what it alone promises, updates the model, and then
 * checks issue 20's invariants.
 */
import type { AsyncCommand } from 'fast-check';
import { invariantBreaches, holdsFmcSet, journalEntries, snapshotDifferences, type CliRun, type FleetSnapshot, type InvariantExpectations, type LifecycleLab } from './lifecycle-model-lab.js';

/** One renewal run of an FMC and what it left, or the lab's own start (no journal). */
export interface Generation {
  /** `lab` or the journal's file name. */
  readonly label: string;
  /** The run's journal (`undefined` for the lab's start). */
  readonly journal: string | undefined;
  /** What the FMC and each device held before the run: what rolling it back must restore. */
  readonly before: FleetSnapshot | undefined;
  /** The FAILED_PUSH the run wrote, if any. */
  readonly failedPush: string | undefined;
  /** Devices the run could not or was told not to give new files (unreachable, left out). */
  readonly stranded: Set<string>;
  /** Devices the run gave the new set. */
  readonly delivered: Set<string>;
  /** Devices rolled back alone (`--force`) after this run switched the FMC. */
  readonly forced: Set<string>;
}

/** What the model knows of one FMC. */
export interface FmcModel {
  readonly name: string;
  /** Oldest first; the last is live. */
  readonly generations: Generation[];
}

/** The model of the lab's life. */
export interface LifecycleModel {
  /** Every device the FMC(s) manage, in the lab's order. */
  readonly devices: string[];
  readonly fmcs: readonly FmcModel[];
  /** The fleet may grow (registrations) up to this many devices. */
  readonly maxDevices: number;
}

/** A command of the model. */
export type LifecycleCommand = AsyncCommand<LifecycleModel, LifecycleLab, false>;

/** The initial model of a lab. */
export function initialModel(world: LifecycleLab, maxDevices: number): LifecycleModel {
  return {
    devices: world.deviceNames,
    fmcs: world.fmcs.map((fmc) => ({ name: fmc.name, generations: [{ label: 'lab', journal: undefined, before: undefined, failedPush: undefined, stranded: new Set(), delivered: new Set(), forced: new Set() }] })),
    maxDevices,
  };
}

const live = (fmc: FmcModel): Generation => fmc.generations.at(-1) as Generation;
const fmcOf = (model: Readonly<LifecycleModel>, index: number): FmcModel => model.fmcs[index % model.fmcs.length] as FmcModel;
/** How a command names the FMC it acts on: nothing for the primary, `@secondary` for the HA peer. */
const at = (fmcIndex: number): string => (fmcIndex % 2 === 1 ? '@secondary' : '');

/** A step that broke what it or the invariants promise: names the step, each breach, and what came before. */
export class LifecycleBreach extends Error {
  constructor(step: string, breaches: readonly string[], trace: readonly string[]) {
    super(`after ${step}:\n  - ${breaches.join('\n  - ')}\nsteps so far:\n  ${trace.join('\n  ')}`);
    this.name = 'LifecycleBreach';
    this.stack = `${this.name}: ${this.message}`; // the breaches say where; a stack would only bury them
  }
}

/** What the invariants expect of each FMC, from the model. */
function expectations(model: LifecycleModel): Map<string, InvariantExpectations> {
  return new Map(
    model.fmcs.map((fmc) => {
      const generation = live(fmc);
      return [fmc.name, { devices: model.devices, failedPush: generation.failedPush, stranded: new Set([...generation.stranded].filter((d) => model.devices.includes(d))), forced: generation.forced }];
    }),
  );
}

/** Checks the invariants after a step; throws a {@link LifecycleBreach} naming every breach, with the step's own. */
export async function assertStep(model: LifecycleModel, world: LifecycleLab, step: string, own: readonly string[] = []): Promise<void> {
  const breaches = [...own, ...(await invariantBreaches(world, expectations(model)))];
  if (breaches.length > 0) throw new LifecycleBreach(step, breaches, world.trace);
}

function describeRun(run: CliRun): string {
  // A crash prints its stack and the Node version last: show where it was thrown, else the last lines.
  const tail = (text: string): string => {
    const lines = text.trim().split('\n');
    const thrown = lines.findIndex((line) => /^\S*Error\b|^\s+throw |Uncaught/.test(line));
    return (thrown >= 0 ? lines.slice(Math.max(0, thrown - 2), thrown + 6) : lines.slice(-3)).join(' ⏎ ').slice(0, 1500);
  };
  return `exit ${run.code ?? 'killed'}${run.stderr.trim() === '' ? '' : `, stderr: ${tail(run.stderr)}`}`;
}

/** A flag the CLI does not know yet: said as a breach, so the step still fails and says why. */
function unknownOption(run: CliRun, flag: string): string | undefined {
  return /unknown option/i.test(run.stderr) && run.stderr.includes(flag) ? `[cli] the CLI does not know ${flag} yet (${describeRun(run)})` : undefined;
}

interface RenewResultDocument {
  readonly result?: { readonly failedPushPath?: string; readonly fmcSwitched?: boolean; readonly devices?: ReadonlyArray<{ readonly name: string; readonly outcome: string }> };
}

function renewDocument(run: CliRun): RenewResultDocument {
  try {
    return JSON.parse(run.stdout) as RenewResultDocument;
  } catch {
    return {};
  }
}

/** How a renewal command varies: the whole fleet, one device unreachable, one left out by name, or one missing from the inventory and not named. */
export type RenewKind = 'fleet' | 'unreachable' | 'leave-out' | 'partial-inventory';

/**
 * `renew` of one FMC through the CLI. `fleet`: every device in devices.csv (exit 0, all renewed).
 * `unreachable`: one device's SSH refuses connections (a lab fault), `--allow-unreachable` (exit 1,
 * FAILED_PUSH lists it). `leave-out`: one device missing from devices.csv and named with
 * `--leave-out` (it goes to FAILED_PUSH). `partial-inventory`: one device missing and not named
 * (refused, exit 2, nothing changed). With `killAfter`, the run is killed (SIGKILL) once its journal
 * holds that many entries (counted modulo the run's length) and resumed with the same `--journal`.
 */
export class RenewCommand implements LifecycleCommand {
  constructor(
    readonly kind: RenewKind,
    readonly pick: number,
    readonly fmcIndex: number,
    readonly killAfter?: number,
  ) {}

  check(model: Readonly<LifecycleModel>): boolean {
    return this.kind === 'fleet' || model.devices.length >= 2;
  }

  async run(model: LifecycleModel, world: LifecycleLab): Promise<void> {
    const fmc = fmcOf(model, this.fmcIndex);
    const devices = [...model.devices];
    const target = this.kind === 'fleet' ? undefined : devices[this.pick % devices.length];
    const inventory = this.kind === 'leave-out' || this.kind === 'partial-inventory' ? devices.filter((d) => d !== target) : devices;
    const journal = world.nextJournal();
    const args = ['renew', ...world.sshArgs(fmc.name), '--devices', await world.devicesCsv(inventory), '--yes', '--json', '--journal', journal];
    if (this.kind === 'unreachable') args.push('--allow-unreachable');
    if (this.kind === 'leave-out' && target !== undefined) args.push('--leave-out', target);
    const step = `${this.toString()}${target === undefined ? '' : ` [${target}]`} on ${fmc.name}, journal ${journal.split('/').at(-1) ?? ''}`;
    const before = await world.snapshot(fmc.name, devices);
    const own: string[] = [];

    let run: CliRun;
    if (this.kind === 'unreachable' && target !== undefined) await world.lab.setFaults(target, { unreachable: true });
    try {
      if (this.killAfter === undefined) {
        run = await world.runCli(args);
      } else {
        const entries = 1 + (this.killAfter % (2 * devices.length + 1));
        const first = await world.runCli(args, { killWhenJournal: { path: journal, entries } });
        const staging = (await journalEntries(journal)).find((e) => e['type'] === 'start')?.['stagingDirectory'];
        if (first.killed && typeof staging === 'string') {
          world.trace.push(`${step}: killed (SIGKILL) at ${entries} journal entries; resuming with --staging ${staging}`);
          run = await world.runCli([...args, '--staging', staging]);
        } else {
          world.trace.push(`${step}: ${first.killed ? 'killed before its journal named a staging directory; run again' : 'finished before the kill'}`);
          run = first.killed ? await world.runCli(args) : first;
        }
      }
    } finally {
      if (this.kind === 'unreachable' && target !== undefined) await world.lab.setFaults(target, {});
    }
    world.trace.push(`${step}: ${describeRun(run)}`);
    const after = await world.snapshot(fmc.name, devices);

    const notKnown = unknownOption(run, '--leave-out');
    if (notKnown !== undefined) {
      own.push(notKnown);
      return assertStep(model, world, step, own);
    }
    if (this.kind === 'partial-inventory') {
      // Coverage: a run that would switch the FMC while a managed device gets no new files is refused, naming it.
      if (run.code !== 2) own.push(`[coverage] a renew whose devices.csv misses ${target ?? '?'} (not named with --leave-out) was not refused with exit 2 (${describeRun(run)})`);
      else if (target !== undefined && !(run.stderr + run.stdout).includes(target)) own.push(`[coverage] the refusal does not name ${target}`);
      own.push(...snapshotDifferences(before, after, 'a refused run changed it: held'));
      return assertStep(model, world, step, own);
    }

    const expectedCodes = this.kind === 'fleet' ? [0] : this.kind === 'unreachable' ? [1] : [0, 1];
    if (run.code === undefined || !expectedCodes.includes(run.code)) {
      own.push(`[renew] exit ${run.code ?? 'killed'}, expected ${expectedCodes.join(' or ')} (${describeRun(run)})`);
      // Refused before it changed anything: no new generation; the invariants still hold or not.
      if (snapshotDifferences(before, after, '').length === 0) return assertStep(model, world, step, own);
    }
    const document = renewDocument(run);
    const failedPush = document.result?.failedPushPath;
    const stranded = new Set(target === undefined || this.kind === 'fleet' ? [] : [target]);
    if (stranded.size > 0 && failedPush === undefined) own.push(`[failed-push] ${[...stranded].join(', ')} got no new files, but the run wrote no FAILED_PUSH`);
    if (after.fmc[world.lab.layout.fmc.caCertificate] === before.fmc[world.lab.layout.fmc.caCertificate]) own.push(`[renew] ${fmc.name}'s CA did not change`);
    const delivered = new Set(devices.filter((d) => !stranded.has(d)));
    for (const device of delivered) {
      const wrong = holdsFmcSet(after, world.lab, fmc.name, device);
      if (wrong !== undefined) own.push(`[renew] ${wrong}`);
    }
    for (const device of stranded) {
      const was = before.devices.get(device);
      const is = after.devices.get(device);
      if (JSON.stringify(was) !== JSON.stringify(is)) own.push(`[renew] ${device} was to get no new files, but its files changed`);
    }
    fmc.generations.push({ label: journal.split('/').at(-1) ?? journal, journal, before, failedPush, stranded, delivered, forced: new Set() });
    return assertStep(model, world, step, own);
  }

  toString(): string {
    const kill = this.killAfter === undefined ? '' : `, SIGKILL after ${this.killAfter} and resume`;
    const what = this.kind === 'fleet' ? 'whole fleet' : `${this.kind} #${this.pick}`;
    return `renew(${what}${kill})${at(this.fmcIndex)}`;
  }
}

/**
 * `rollback --journal J` of the whole fleet of one FMC, J the live generation's run: every device
 * and the FMC hold, by sha256, what they held before J (the previous generation). When devices
 * were registered or forced back since J, refusing (exit 2, nothing changed) is also right.
 */
export class RollbackFleetCommand implements LifecycleCommand {
  constructor(readonly fmcIndex: number) {}

  check(model: Readonly<LifecycleModel>): boolean {
    return fmcOf(model, this.fmcIndex).generations.length >= 2;
  }

  async run(model: LifecycleModel, world: LifecycleLab): Promise<void> {
    const fmc = fmcOf(model, this.fmcIndex);
    const generation = live(fmc);
    const before = generation.before as FleetSnapshot;
    const journal = generation.journal as string;
    const devices = [...model.devices];
    const step = `${this.toString()} on ${fmc.name}, journal ${generation.label}`;
    const pre = await world.snapshot(fmc.name, devices);
    const run = await world.runCli(['rollback', ...world.sshArgs(fmc.name), '--devices', await world.devicesCsv(devices), '--journal', journal, '--yes', '--json']);
    world.trace.push(`${step}: ${describeRun(run)}`);
    const after = await world.snapshot(fmc.name, devices);
    const own: string[] = [];
    const registeredSince = devices.filter((d) => !before.devices.has(d));
    const complicated = registeredSince.length > 0 || generation.forced.size > 0;
    if (complicated && run.code === 2) {
      own.push(...snapshotDifferences(pre, after, 'a refused rollback changed it: held'));
      return assertStep(model, world, step, own);
    }
    if (run.code !== 0) own.push(`[rollback] exit ${run.code ?? 'killed'}, expected 0${complicated ? ' (or 2, refused)' : ''} (${describeRun(run)})`);
    // The previous generation, exactly; devices registered since keep what they hold.
    own.push(...snapshotDifferences(before, after, `before ${generation.label} it held`));
    const kept: FleetSnapshot = { fmc: {}, devices: new Map(registeredSince.map((d) => [d, pre.devices.get(d) ?? {}])) };
    own.push(...snapshotDifferences(kept, after, 'registered since, it held'));
    if (run.code === 0) fmc.generations.pop();
    return assertStep(model, world, step, own);
  }

  toString(): string {
    return `rollback(fleet)${at(this.fmcIndex)}`;
  }
}

/**
 * `rollback <device> --journal J` after J switched the FMC: refused without `--force` (nothing
 * changed), done with it: that device holds what it held before J, nothing else changes, and the
 * model marks it forced off the live CA (its tunnel may drop).
 */
export class RollbackDeviceCommand implements LifecycleCommand {
  constructor(
    readonly pick: number,
    readonly fmcIndex: number,
  ) {}

  #eligible(model: Readonly<LifecycleModel>): string[] {
    const generation = live(fmcOf(model, this.fmcIndex));
    if (generation.before === undefined) return [];
    return model.devices.filter((d) => generation.delivered.has(d) && !generation.forced.has(d) && generation.before?.devices.has(d) === true);
  }

  check(model: Readonly<LifecycleModel>): boolean {
    return this.#eligible(model).length > 0;
  }

  async run(model: LifecycleModel, world: LifecycleLab): Promise<void> {
    const fmc = fmcOf(model, this.fmcIndex);
    const generation = live(fmc);
    const eligible = this.#eligible(model);
    const device = eligible[this.pick % eligible.length] as string;
    const devices = [...model.devices];
    const step = `${this.toString()} [${device}] on ${fmc.name}, journal ${generation.label}`;
    const csv = await world.devicesCsv(devices);
    const args = ['rollback', device, ...world.sshArgs(fmc.name), '--devices', csv, '--journal', generation.journal as string, '--yes', '--json'];
    const own: string[] = [];

    const pre = await world.snapshot(fmc.name, devices);
    const unforced = await world.runCli(args);
    world.trace.push(`${step}, without --force: ${describeRun(unforced)}`);
    const afterUnforced = await world.snapshot(fmc.name, devices);
    if (unforced.code === 0) own.push(`[rollback] a single-device rollback after ${fmc.name} switched was not refused without --force (exit 0)`);
    own.push(...snapshotDifferences(pre, afterUnforced, 'without --force (refused) it held'));
    if (own.length > 0) return assertStep(model, world, step, own);

    const forced = await world.runCli([...args, '--force']);
    world.trace.push(`${step}, --force: ${describeRun(forced)}`);
    const after = await world.snapshot(fmc.name, devices);
    const notKnown = unknownOption(forced, '--force');
    if (notKnown !== undefined) return assertStep(model, world, step, [notKnown]);
    if (forced.code !== 0) own.push(`[rollback] rollback ${device} --force: exit ${forced.code ?? 'killed'}, expected 0 (${describeRun(forced)})`);
    const expected: FleetSnapshot = {
      fmc: pre.fmc,
      devices: new Map(devices.map((d) => [d, d === device ? (generation.before?.devices.get(d) ?? {}) : (pre.devices.get(d) ?? {})])),
    };
    own.push(...snapshotDifferences(expected, after, `expected (${device} as before ${generation.label}, the rest unchanged)`));
    if (forced.code === 0) generation.forced.add(device);
    return assertStep(model, world, step, own);
  }

  toString(): string {
    return `rollback(device #${this.pick}, --force)${at(this.fmcIndex)}`;
  }
}

/** `pmtool restartbyid sftunnel` on every FMC and every device (the invariants then restart every device again). */
export class RestartCommand implements LifecycleCommand {
  check(): boolean {
    return true;
  }

  async run(model: LifecycleModel, world: LifecycleLab): Promise<void> {
    await world.restartEverything();
    world.trace.push('restart every tunnel');
    return assertStep(model, world, this.toString());
  }

  toString(): string {
    return 'restart(all tunnels)';
  }
}

/** Registers a new device with the FMC(s): signed with the CA key each FMC holds, its tunnel tried at once. */
export class RegisterCommand implements LifecycleCommand {
  check(model: Readonly<LifecycleModel>): boolean {
    return model.devices.length < model.maxDevices;
  }

  async run(model: LifecycleModel, world: LifecycleLab): Promise<void> {
    const device = await world.lab.registerDevice();
    await world.writeKnownHosts();
    model.devices.push(device.name);
    const tunnels = world.lab.tunnels().filter((t) => t.device === device.name);
    world.trace.push(`register ${device.name}: tunnels ${tunnels.map((t) => `${t.manager} ${t.state}${t.lastError === undefined ? '' : ` (${t.lastError.code})`}`).join(', ')}`);
    const own = tunnels.filter((t) => t.state !== 'connected').map((t) => `[register] ${device.name}, registered with ${t.manager}, cannot bring its tunnel up: ${t.lastError?.side ?? '?'} side ${t.lastError?.code ?? '?'} ${t.lastError?.message ?? ''}`);
    return assertStep(model, world, `${this.toString()} [${device.name}]`, own);
  }

  toString(): string {
    return 'register(new device)';
  }
}
