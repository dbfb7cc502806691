/**
 * Issue 20's lifecycle model test: random sequences of what an FMC lives through — renewals (the
 * whole fleet; one device unreachable with `--allow-unreachable`; one left out with `--leave-out`;
 * one missing from the inventory and not named, which must be refused), a renewal killed (SIGKILL)
 * mid-run and resumed with the same `--journal`, rollbacks (the fleet; one device with `--force`
 * after the switch, refused without it), `pmtool restartbyid sftunnel` everywhere, and a device
 * registered with the FMC after a renewal — against a lab, through the CLI (`runCli` in process; the
 * built binary for the runs it kills), devices reached over `expert`. After every step (lifecycle-model-lab.ts): the FMC's CA key is its CA's; every
 * managed device's tunnel comes back after a restart unless the current FAILED_PUSH lists it;
 * rollback restores the previous generation by sha256; no device holds a mix of sets; no private
 * key outside the staging directory and the live paths. The lives the issue names run first, every
 * time (see FLEET_EXAMPLES). A second property does the same with an HA pair (each FMC renewed and
 * rolled back on its own).
 *
 * Seeded: `LIFECYCLE_SEED` (default fixed per property), replay a failure with the `LIFECYCLE_SEED`,
 * `LIFECYCLE_PATH` and `LIFECYCLE_REPLAY_PATH` printed with it. `LIFECYCLE_COMMANDS=renew,restart,…`
 * limits the commands (to look at one failure without the others); `LIFECYCLE_RUNS` sets the number
 * of random sequences. The normal suite runs the issue's 4 lives and 3 random sequences of up to 6
 * steps on 3–4 devices (2 for the HA pair); `SOAK=1` (`pnpm test:soak`) runs hundreds of up to 12.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { RegisterCommand, RenewCommand, RestartCommand, RollbackDeviceCommand, RollbackFleetCommand, assertStep, initialModel, type LifecycleCommand } from './lifecycle-model-commands.js';
import type { StartLabOptions } from '@sftunnel-ca/lab';
import { LifecycleLab } from './lifecycle-model-lab.js';

const SOAK = process.env['SOAK'] === '1';
/** The seeds: `LIFECYCLE_SEED` for both properties, else fixed defaults whose first sequences, between them, use most commands. */
const SEED = process.env['LIFECYCLE_SEED'] === undefined ? undefined : Number(process.env['LIFECYCLE_SEED']);
const FLEET_SEED = SEED ?? 6;
const HA_SEED = SEED ?? 12;
const PATH = process.env['LIFECYCLE_PATH'];
const REPLAY_PATH = process.env['LIFECYCLE_REPLAY_PATH'];
const ONLY = process.env['LIFECYCLE_COMMANDS']?.split(',').map((c) => c.trim()).filter((c) => c !== '');
const RUNS = Number(process.env['LIFECYCLE_RUNS'] ?? (SOAK ? 200 : 3));
const HA_RUNS = Number(process.env['LIFECYCLE_RUNS'] ?? (SOAK ? 100 : 2));
const MAX_COMMANDS = SOAK ? 12 : 6;
/** A budget for the whole property, shrinking included: a failure found is reported with the smallest sequence shrunk so far. */
const BUDGET_MS = SOAK ? 6 * 3_600_000 : 480_000;

/** The steps of each sequence run, printed at the end (what the property covered). */
const sequences: string[] = [];

/**
 * Sequences run first, every time: the lives issue 20 names (a device registered after a renewal,
 * then the renewal rolled back; two renewals rolled back one after the other; a device left out by
 * name; a renewal killed and resumed, then one device forced back).
 */
const FLEET_EXAMPLES: Array<[number, LifecycleCommand[]]> = [
  [3, [new RenewCommand('fleet', 0, 0), new RegisterCommand(), new RollbackFleetCommand(0)]],
  [3, [new RenewCommand('fleet', 0, 0), new RenewCommand('fleet', 0, 0), new RollbackFleetCommand(0), new RollbackFleetCommand(0)]],
  [3, [new RenewCommand('leave-out', 1, 0), new RestartCommand()]],
  [3, [new RenewCommand('fleet', 0, 0, 4), new RollbackDeviceCommand(0, 0)]],
];

/** A command's name in `LIFECYCLE_COMMANDS`. */
function commandName(step: LifecycleCommand): string {
  if (step instanceof RenewCommand) return step.killAfter !== undefined ? 'kill-and-resume' : step.kind === 'fleet' ? 'renew' : `renew-${step.kind}`;
  if (step instanceof RollbackFleetCommand) return 'rollback';
  if (step instanceof RollbackDeviceCommand) return 'rollback-device';
  return step instanceof RestartCommand ? 'restart' : 'register';
}

/** The commands by name (the names `LIFECYCLE_COMMANDS` takes). */
function commandArbitraries(fmcIndex: fc.Arbitrary<number>): Array<[string, fc.Arbitrary<LifecycleCommand>]> {
  return [
    ['renew', fmcIndex.map((f) => new RenewCommand('fleet', 0, f))],
    ['renew-unreachable', fc.tuple(fc.nat(7), fmcIndex).map(([pick, f]) => new RenewCommand('unreachable', pick, f))],
    ['renew-leave-out', fc.tuple(fc.nat(7), fmcIndex).map(([pick, f]) => new RenewCommand('leave-out', pick, f))],
    ['renew-partial-inventory', fc.tuple(fc.nat(7), fmcIndex).map(([pick, f]) => new RenewCommand('partial-inventory', pick, f))],
    ['kill-and-resume', fc.tuple(fc.nat(40), fmcIndex).map(([kill, f]) => new RenewCommand('fleet', 0, f, kill))],
    ['rollback', fmcIndex.map((f) => new RollbackFleetCommand(f))],
    ['rollback-device', fc.tuple(fc.nat(7), fmcIndex).map(([pick, f]) => new RollbackDeviceCommand(pick, f))],
    ['restart', fc.constant(new RestartCommand())],
    ['register', fc.constant(new RegisterCommand())],
  ];
}

function chosen(all: Array<[string, fc.Arbitrary<LifecycleCommand>]>, names: readonly string[]): Array<fc.Arbitrary<LifecycleCommand>> {
  const wanted = all.filter(([name]) => names.includes(name) && (ONLY === undefined || ONLY.includes(name)));
  return wanted.map(([, arbitrary]) => arbitrary);
}

/**
 * Runs a model property and fails with fast-check's report (seed, path, the shrunk sequence and
 * the breach) and the line that replays it.
 */
async function assertLifecycle(
  property: fc.IAsyncPropertyWithHooks<[number, Iterable<LifecycleCommand>]>,
  seed: number,
  numRuns: number,
  testName: string,
  examples: Array<[number, LifecycleCommand[]]> = [],
): Promise<void> {
  // A path counts the examples first: they stay in a replay (the same LIFECYCLE_COMMANDS keep the same ones).
  const chosenExamples = examples.filter(([, steps]) => steps.every((step) => ONLY === undefined || ONLY.includes(commandName(step))));
  const details = await fc.check(property, {
    seed,
    // The examples count among the runs: they come on top of the random sequences.
    numRuns: numRuns + chosenExamples.length,
    examples: chosenExamples,
    includeErrorInReport: true,
    ...(PATH === undefined ? {} : { path: PATH }),
    plugins: [fc.interruptAfterTimeLimit(BUDGET_MS)],
  });
  if (details.failed) {
    const replayPath = /replayPath="([^"]*)"/.exec(fc.stringify(details.counterexample))?.[1] ?? /replayPath="([^"]*)"/.exec(fc.defaultReportMessage(details) ?? '')?.[1];
    const replay = `${ONLY === undefined ? '' : `LIFECYCLE_COMMANDS=${ONLY.join(',')} `}LIFECYCLE_SEED=${details.seed} LIFECYCLE_PATH=${details.counterexamplePath ?? ''}${replayPath === undefined ? '' : ` LIFECYCLE_REPLAY_PATH=${replayPath}`} npx vitest run test/renewal/lifecycle-model.test.ts -t '${testName}'`;
    throw new Error(`${fc.defaultReportMessage(details) ?? 'the property failed'}\n\nreplay: ${replay}`);
  }
  expect(details.numRuns).toBeGreaterThan(0);
}

/** One life: a fresh lab, the invariants at its start, then the sequence through the model; the lab stopped after. */
function life(options: StartLabOptions, growth: number): (size: number, sequence: Iterable<LifecycleCommand>) => Promise<void> {
  return async (size, sequence) => {
    const world = await LifecycleLab.start({ ...options, devices: size });
    try {
      const model = initialModel(world, size + growth);
      await assertStep(model, world, 'the lab’s start');
      await fc.asyncModelRun(() => ({ model, real: world }), sequence);
      if (world.trace.length > 0) sequences.push(`${options.ha === true ? 'HA, ' : ''}${size} devices: ${world.trace.join(' → ')}`);
    } finally {
      await world.stop();
    }
  };
}

describe(`renewal › lifecycle model (seeds ${FLEET_SEED} and ${HA_SEED}): random lives of an FMC and its fleet through the CLI, invariants after every step`, () => {
  afterAll(() => {
    if (sequences.length > 0) console.log(`lifecycle model, ${sequences.length} sequences of one step or more passed (shrinking's included):\n${sequences.map((s) => `  ${s}`).join('\n')}`);
  });

  const commands = chosen(commandArbitraries(fc.constant(0)), ['renew', 'renew-unreachable', 'renew-leave-out', 'renew-partial-inventory', 'kill-and-resume', 'rollback', 'rollback-device', 'restart', 'register']);
  it.skipIf(commands.length === 0)(`holds the invariants over issue 20's ${FLEET_EXAMPLES.length} lives, then ${RUNS} random sequences of up to ${MAX_COMMANDS} steps (fleets of 3–4 devices)`, { timeout: BUDGET_MS + 120_000 }, async () => {
    const property = fc.asyncProperty(
      fc.integer({ min: 3, max: 4 }),
      fc.commands(commands, { maxCommands: MAX_COMMANDS, size: 'max', ...(REPLAY_PATH === undefined ? {} : { replayPath: REPLAY_PATH }) }),
      life({ devices: 0, caState: 'expiring', caDays: 20 }, 2),
    );
    await assertLifecycle(property, FLEET_SEED, RUNS, 'random sequences of up to', FLEET_EXAMPLES);
  });

  const haCommands = chosen(commandArbitraries(fc.integer({ min: 0, max: 1 })), ['renew', 'rollback', 'restart', 'register']);
  it.skipIf(haCommands.length === 0)(`holds them with an HA pair, each FMC renewed and rolled back on its own (${HA_RUNS} sequences)`, { timeout: BUDGET_MS + 120_000 }, async () => {
    const property = fc.asyncProperty(
      fc.constant(2),
      fc.commands(haCommands, { maxCommands: SOAK ? 8 : 5, size: 'max', ...(REPLAY_PATH === undefined ? {} : { replayPath: REPLAY_PATH }) }),
      life({ devices: 0, ha: true, caState: 'expiring', caDays: 20 }, 1),
    );
    await assertLifecycle(property, HA_SEED, HA_RUNS, 'with an HA pair');
  });
});
