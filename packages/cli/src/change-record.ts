import type { DeviceResult, PhaseSpan, RenewalEvent, RenewalResult } from '@sftunnel-ca/core';
import type { PlanFile } from './plan-file.js';
import { quote } from './resume-command.js';

/** How a renew run ended, for the change record. */
export type ChangeOutcome = 'done' | 'devices-failed' | 'interrupted' | 'stopped';

/** The change record of one `renew` run (`renew --report`): data only, nothing secret; the report files render it. */
export interface ChangeRecord {
  /** The FMC, as `--fmc` named it. */
  readonly fmc: string;
  /** The inventory the devices were reached with, as `--devices` named it. */
  readonly devicesFile: string;
  /** The approved plan file the run executed (`--plan`), with the sha256 of its bytes. */
  readonly approvedPlan: { readonly path: string; readonly sha256: string } | undefined;
  /** What was planned (as `plan --out` writes it); `undefined` when the run stopped before planning. */
  readonly plan: PlanFile | undefined;
  /** When the command started and ended, ISO 8601, and how long it took. */
  readonly startedAt: string;
  /** See {@link ChangeRecord.startedAt}. */
  readonly finishedAt: string;
  /** See {@link ChangeRecord.startedAt}. */
  readonly durationMs: number;
  /** From the first write to a live file to the last tunnel seen up on the new files; `undefined` when no live file changed. */
  readonly changeWindow: PhaseSpan | undefined;
  /** How it ended. */
  readonly outcome: ChangeOutcome;
  /** The error that stopped it, when one did (code and message; never a secret). */
  readonly error: { readonly code: string; readonly message: string } | undefined;
  /** Whether the FMC is on the new InternalCA (switched in this run or before it); `undefined` when not known. */
  readonly fmcSwitched: boolean | undefined;
  /** Where the new files are staged on the FMC, once known. */
  readonly stagingDirectory: string | undefined;
  /** The FAILED_PUSH written on the FMC, when devices were not done. */
  readonly failedPushPath: string | undefined;
  /** The run's journal on this machine, once opened. */
  readonly journalPath: string | undefined;
  /** Each device's record, in plan order: outcome, cause, before and after fingerprints; those of a run that stopped, as far as they got. */
  readonly devices: readonly DeviceResult[];
  /** What to do next, one command or sentence each. */
  readonly nextSteps: readonly string[];
}

/** What {@link ChangeRecorder.finish} needs to know of how the command ended. */
export interface ChangeEnd {
  /** The error it threw, if any. */
  readonly error?: unknown;
  /** Whether the operator interrupted it. */
  readonly interrupted?: boolean;
  /** The command that resumes it, when it was interrupted or stopped after starting. */
  readonly resume?: string;
}

/**
 * Gathers a change record while `renew` runs: the plan, the run's events (each device's final
 * record, the FMC's switch, the result) and how it ended. Built even when the run stops part-way:
 * what happened so far.
 */
export class ChangeRecorder {
  readonly #now: () => Date;
  readonly #startedAt: Date;
  readonly #fmc: string;
  readonly #devicesFile: string;
  readonly #devices = new Map<string, DeviceResult>();
  #plan: PlanFile | undefined;
  #approvedPlan: ChangeRecord['approvedPlan'];
  #journalPath: string | undefined;
  #stagingDirectory: string | undefined;
  #switched: boolean | undefined;
  #result: RenewalResult | undefined;

  /**
   * @param now - the clock
   * @param fmc - `--fmc` as given
   * @param devicesFile - `--devices` as given
   */
  constructor(now: () => Date, fmc: string, devicesFile: string) {
    this.#now = now;
    this.#startedAt = now();
    this.#fmc = fmc;
    this.#devicesFile = devicesFile;
  }

  /** The plan of the run, and the approved file it came from (`--plan`), if any. */
  planned(plan: PlanFile, approvedPlan?: ChangeRecord['approvedPlan']): void {
    this.#plan = plan;
    this.#approvedPlan = approvedPlan;
  }

  /** The run's journal and staging directory, once it starts. */
  started(journalPath: string, stagingDirectory: string): void {
    this.#journalPath = journalPath;
    this.#stagingDirectory = stagingDirectory;
  }

  /** Takes in one event of the run; never throws. */
  observe(event: RenewalEvent): void {
    if (event.type === 'device:done') this.#devices.set(event.result.uuid, event.result);
    else if (event.type === 'fmc:switch' && event.phase === 'done') this.#switched = true;
    else if (event.type === 'run:done') this.#result = event.result;
  }

  /** The record, as the command ends. */
  finish(end: ChangeEnd = {}): ChangeRecord {
    const finished = this.#now();
    const result = this.#result;
    const devices = result?.devices ?? [...this.#devices.values()];
    const asked = devices.filter((device) => device.cause !== 'DEVICE_LEFT_OUT');
    const outcome: ChangeOutcome =
      end.interrupted === true ? 'interrupted' : end.error !== undefined || result === undefined ? 'stopped' : asked.every((device) => device.outcome === 'renewed') ? 'done' : 'devices-failed';
    const error = end.error === undefined ? undefined : errorOf(end.error);
    const record = {
      fmc: this.#fmc,
      devicesFile: this.#devicesFile,
      approvedPlan: this.#approvedPlan,
      plan: this.#plan,
      startedAt: this.#startedAt.toISOString(),
      finishedAt: finished.toISOString(),
      durationMs: finished.getTime() - this.#startedAt.getTime(),
      changeWindow: result?.changeWindow,
      outcome,
      error,
      // A run that never started (no journal yet) changed nothing: the FMC is where it was.
      fmcSwitched: result?.fmcSwitched ?? this.#switched ?? (this.#journalPath === undefined ? false : undefined),
      stagingDirectory: result?.stagingDirectory ?? this.#stagingDirectory,
      failedPushPath: result?.failedPushPath,
      journalPath: this.#journalPath,
      devices,
    };
    return { ...record, nextSteps: nextSteps(record, end.resume) };
  }
}

function errorOf(error: unknown): { code: string; message: string } {
  const code = (error as { code?: unknown }).code;
  return { code: typeof code === 'string' && /^[A-Z][A-Z_]+$/.test(code) ? code : 'UNEXPECTED_ERROR', message: error instanceof Error ? error.message : String(error) };
}

/** What to do after the run: copy what is not done, verify, and how to roll back. */
function nextSteps(record: Omit<ChangeRecord, 'nextSteps'>, resume: string | undefined): string[] {
  const connection = `--fmc ${quote(record.fmc)} --devices ${quote(record.devicesFile)}`;
  const steps: string[] = [];
  if (record.outcome === 'interrupted' || (record.outcome === 'stopped' && record.journalPath !== undefined)) {
    if (resume !== undefined) steps.push(`Resume the run (the journal skips what is done): ${resume}`);
  }
  if (record.outcome === 'stopped' && record.journalPath === undefined) {
    steps.push('Nothing was changed: the run stopped before its first change. Correct what the error says and run renew again.');
  }
  const notDone = record.devices.filter((device) => device.outcome === 'failed');
  if (notDone.length > 0 && record.failedPushPath !== undefined && record.fmcSwitched === true) {
    const names = notDone.map((device) => device.name).join(', ');
    steps.push(`Copy the files of ${names} as soon as they can be reached (they drop at their next reconnect until then): sftunnel-ca copy --fmc ${quote(record.fmc)} --failed-push ${quote(record.failedPushPath)} ${quote(record.devicesFile)}`);
  }
  if (record.fmcSwitched === true) {
    steps.push(`Verify every tunnel on the new InternalCA: sftunnel-ca verify ${connection}`);
    steps.push('Do not reboot or upgrade a device that is not renewed until its files are copied.');
  }
  if (record.journalPath !== undefined) {
    steps.push(`To go back to the previous InternalCA (backups kept): sftunnel-ca rollback ${connection} --journal ${quote(record.journalPath)}`);
  }
  return steps;
}
