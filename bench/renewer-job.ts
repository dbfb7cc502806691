import type { KeyRate } from './key-generation.js';
import type { DeviceStrategy, LabAccess } from './lab-access.js';
import type { FleetRenewalMeasurement, RenewalSettings } from './renewal-run.js';
import type { VendorCopyMeasurement } from './vendor-copy.js';

/** The jobs the renewing process runs: what each takes and what it measures. */
export interface RenewerJobs {
  /** RSA-2048 keys with the engine's crypto provider at the engine's parallelism. */
  'provider-keys': { readonly input: { readonly keys: number; readonly concurrency: number }; readonly output: KeyRate };
  /** RSA-2048 keys with `openssl genrsa 2048` processes. */
  'openssl-keys': { readonly input: { readonly keys: number; readonly processes: number }; readonly output: KeyRate };
  /** A renewal of a lab fleet. */
  renewal: {
    readonly input: { readonly access: LabAccess } & RenewalSettings;
    readonly output: FleetRenewalMeasurement;
  };
  /** Sessions only: each device opened, `commands` times `true` run, closed (what a session and a command cost the lab). */
  sessions: {
    readonly input: { readonly access: LabAccess; readonly deviceStrategy: DeviceStrategy; readonly commands: number; readonly concurrency: number };
    readonly output: { readonly devices: number };
  };
  /** The vendor's serial copy on some devices of a lab. */
  'vendor-copy': {
    readonly input: { readonly access: LabAccess; readonly devices: readonly string[]; readonly connectTimeoutMs: number; readonly deviceStrategy: DeviceStrategy };
    readonly output: VendorCopyMeasurement;
  };
}

/** A job's name. */
export type RenewerJobKind = keyof RenewerJobs;

/** One job of a kind, as sent to the renewing process. */
export type RenewerJob<K extends RenewerJobKind> = { readonly kind: K } & RenewerJobs[K]['input'];

/** Any job: a union discriminated by `kind`. */
export type AnyRenewerJob = { [K in RenewerJobKind]: RenewerJob<K> }[RenewerJobKind];

/** What the renewing process itself used while it ran a job. */
export interface ProcessUsage {
  /** Wall time of the job, in ms. */
  readonly wallMs: number;
  /** CPU time of the job (user + system, every thread of the process), in ms. */
  readonly cpuMs: number;
  /** Peak resident set size of the process over its life, in bytes. */
  readonly peakRssBytes: number;
  /** Resident set size when the job started (Node, tsx, the modules), in bytes. */
  readonly startRssBytes: number;
}

/** The renewing process's answer. */
export type RenewerReply<K extends RenewerJobKind = RenewerJobKind> =
  | { readonly ok: true; readonly result: RenewerJobs[K]['output']; readonly usage: ProcessUsage }
  | { readonly ok: false; readonly message: string };
