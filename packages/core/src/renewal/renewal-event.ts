import type { DeviceResult, DeviceStep, RenewalResult } from './renewal-result.js';

/** `run:start`: a delivery run begins. */
export interface RunStartEvent {
  readonly type: 'run:start';
  readonly fmc: string;
  readonly stagingDirectory: string;
  readonly devices: number;
}

/** `prepare:progress`: one more key generated. */
export interface PrepareProgressEvent {
  readonly type: 'prepare:progress';
  readonly generated: number;
  readonly total: number;
}

/** `device:step`: a device starts a step. */
export interface DeviceStepEvent {
  readonly type: 'device:step';
  readonly uuid: string;
  readonly name: string;
  readonly step: DeviceStep;
}

/** `device:done`: a device's record is final for this run. */
export interface DeviceDoneEvent {
  readonly type: 'device:done';
  readonly result: DeviceResult;
}

/** `fmc:switch`: the FMC's live files are replaced (`start`) and its sftunnel restarted (`done`), or left (`skipped`). */
export interface FmcSwitchEvent {
  readonly type: 'fmc:switch';
  readonly fmc: string;
  readonly phase: 'start' | 'done' | 'skipped';
}

/** `run:done`: the run's record. */
export interface RunDoneEvent {
  readonly type: 'run:done';
  readonly result: RenewalResult;
}

/** Everything a renewal reports while it runs; adapters render these. */
export type RenewalEvent = RunStartEvent | PrepareProgressEvent | DeviceStepEvent | DeviceDoneEvent | FmcSwitchEvent | RunDoneEvent;

/** Receives {@link RenewalEvent}s; must not throw. */
export type RenewalReporter = (event: RenewalEvent) => void;
