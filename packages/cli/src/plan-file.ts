import { createHash } from 'node:crypto';
import type { Certificate, FmcInspection, FmcLivePaths, InspectedCaKey, PrivateKeyPemForm, RenewalGenerator, RenewalPlan, SftunnelPeerState } from '@sftunnel-ca/core';
import { CliUsageError } from './cli-usage-error.js';
import { readInputFile } from './input-file.js';

/** The `schema` of a plan file (`plan --out`), read back by `renew --plan`. */
export const PLAN_FILE_SCHEMA_ID = 'sftunnel-ca/plan-file/v1';

/** The `schema` of the document `renew --plan --json` prints when the FMC no longer matches the plan file: each difference. */
export const PLAN_MISMATCH_SCHEMA_ID = 'sftunnel-ca/plan-mismatch/v1';

/** The largest plan file read: about 600 bytes a device, so a thousand devices fit many times over. */
const PLAN_FILE_MAX_BYTES = 16 * 1024 * 1024;

/**
 * What a run does to a device: `re-key` (new files delivered, tunnel restarted on the new CA),
 * `leave-out` (left out on purpose: staged and listed in FAILED_PUSH, to copy later), `not-covered`
 * (neither: a run that switches the FMC refuses to strand it).
 */
export type PlannedAction = 're-key' | 'leave-out' | 'not-covered';

/** A certificate as a plan file names it: what identifies it, nothing that changes with the clock. */
export interface PlannedCertificate {
  /** SHA-256 of the DER, lowercase hex. */
  readonly fingerprintSha256: string;
  /** The serial number, lowercase hex. */
  readonly serial: string;
  /** notAfter, ISO 8601. */
  readonly notAfter: string;
}

/** One device the FMC manages, as the plan saw it and what the run does to it. */
export interface PlanFileDevice {
  /** Its UUID (its peer directory on the FMC). */
  readonly uuid: string;
  /** Its name, from the FMC (`null` when its `sftunnel.json` names none). */
  readonly name: string | null;
  /** Its address, from the FMC (`null` when its `sftunnel.json` names none). */
  readonly address: string | null;
  /** What the run does to it. */
  readonly action: PlannedAction;
  /** Whether it goes first, as a canary. */
  readonly canary: boolean;
  /** The certificate the FMC holds for it now (`certs_pushed/sftunnel-cert.pem`). */
  readonly certificate: PlannedCertificate;
  /** RSA modulus length of its new key (that of its current certificate). */
  readonly keySize: number;
  /** PEM form of its new key (that of its current key). */
  readonly keyForm: PrivateKeyPemForm;
  /** Its tunnel as the FMC's `sftunnel_status.pl` showed it (`unknown`: not listed). Seen, not compared: the run restarts what is down. */
  readonly tunnel: SftunnelPeerState | 'unknown';
}

/**
 * The options of `plan` that change what `renew` does, as given (`null`: not given, the default).
 * `renew --plan` runs with these; the same option given otherwise on its command line is refused.
 */
export interface PlanFileOptions {
  /** `--canary`: how many devices go first. */
  readonly canary: number;
  /** `--leave-out`: the devices left out on purpose, sorted. */
  readonly leaveOut: readonly string[];
  /** `--backdate` (e.g. `1d`); `null`: the default, one day. */
  readonly backdate: string | null;
  /** `--generator`; `null`: sftunnel-ca's own by default. */
  readonly generator: RenewalGenerator | null;
  /** `--ca-key`; `null`: the vendor's path. */
  readonly caKey: string | null;
  /** `--staging`: a copy run or a resume of what an earlier renew staged there; `null`: a new renewal. */
  readonly staging: string | null;
  /** `--allow-unreachable`: devices preflight cannot reach are left to the copy step instead of refusing the run. */
  readonly allowUnreachable: boolean;
}

/**
 * A reviewable renewal plan (`plan --out`): what the FMC looks like now and what a run will do to
 * each device, with the options that decide it. No clock in it (no moment, no verdict in days, no
 * staging directory named after the time) and keys sorted, so two plans of one FMC state are the
 * same bytes; no secret in it. `renew --plan` recomputes it and runs only when nothing differs.
 */
export interface PlanFile {
  /** Always {@link PLAN_FILE_SCHEMA_ID}. */
  readonly schema: typeof PLAN_FILE_SCHEMA_ID;
  /** The FMC as inspected. */
  readonly fmc: {
    /** The host reached. */
    readonly host: string;
    /** Its UUID (the CN of its InternalCA). */
    readonly uuid: string;
    /** The InternalCA being replaced. */
    readonly ca: PlannedCertificate;
    /** The InternalCA's key on the FMC: where, and whether it matches. */
    readonly caKey: InspectedCaKey;
    /** The FMC's own sftunnel certificate being replaced. */
    readonly certificate: PlannedCertificate;
    /** The live files the FMC switches (from sftunnel.conf). */
    readonly livePaths: FmcLivePaths;
  };
  /** What makes the new CA: sftunnel-ca's `own` or the FMC's `vendor` generate_certs.pl; `null` when the one asked for is not on the FMC. */
  readonly generator: RenewalGenerator | null;
  /** What is generated. */
  readonly generate: RenewalPlan['generate'];
  /** The options that decide the run. */
  readonly options: PlanFileOptions;
  /** Every device the FMC manages, by UUID. */
  readonly devices: readonly PlanFileDevice[];
}

/** What {@link buildPlanFile} is made from. */
export interface BuildPlanFileParams {
  /** The FMC's inspection. */
  readonly inspection: FmcInspection;
  /** The plan made from it with `options`. */
  readonly plan: RenewalPlan;
  /** The generator chosen (`undefined`: the one asked for is not available). */
  readonly generator: RenewalGenerator | undefined;
  /** The FMC's tunnel state by device address. */
  readonly tunnels: ReadonlyMap<string, SftunnelPeerState>;
  /** The options the plan was made with. */
  readonly options: PlanFileOptions;
}

/**
 * The plan file of an inspection and its plan: every device the FMC manages (planned, left out
 * or not covered), sorted by UUID.
 *
 * @param params - the inspection, the plan, the generator, the tunnels and the options
 */
export function buildPlanFile(params: BuildPlanFileParams): PlanFile {
  const { inspection, plan } = params;
  const planned = new Map(plan.devices.map((device) => [device.uuid, device]));
  const devices = [...inspection.devices]
    .sort((a, b) => compareText(a.uuid, b.uuid))
    .map((device): PlanFileDevice => {
      const entry = planned.get(device.uuid);
      const address = entry?.address ?? device.address ?? null;
      return {
        uuid: device.uuid,
        name: entry?.name ?? device.name ?? null,
        address,
        action: entry === undefined ? 'not-covered' : entry.leftOut ? 'leave-out' : 're-key',
        canary: entry?.canary ?? false,
        certificate: plannedCertificate(device.pushedCertificate.certificate),
        keySize: device.pushedCertificate.certificate.modulusLength,
        keyForm: device.keyForm,
        tunnel: (address === null ? undefined : params.tunnels.get(address)) ?? 'unknown',
      };
    });
  return {
    schema: PLAN_FILE_SCHEMA_ID,
    fmc: {
      host: inspection.host,
      uuid: inspection.fmcUuid,
      ca: plannedCertificate(inspection.ca.certificate),
      caKey: { path: inspection.caKey.path, state: inspection.caKey.state },
      certificate: plannedCertificate(inspection.fmcCertificate.certificate),
      livePaths: inspection.livePaths,
    },
    generator: params.generator ?? null,
    generate: plan.generate,
    options: { ...params.options, leaveOut: [...params.options.leaveOut].sort(compareText) },
    devices,
  };
}

/**
 * The plan file's text: JSON with every object's keys sorted, two-space indented, one trailing
 * newline. The same plan is always the same bytes.
 *
 * @param file - from {@link buildPlanFile}
 */
export function formatPlanFile(file: PlanFile): string {
  return `${JSON.stringify(sortedKeys(file), null, 2)}\n`;
}

/** A plan file as `renew --plan` read it. */
export interface ApprovedPlan {
  /** Where it was read. */
  readonly path: string;
  /** SHA-256 of its bytes, lowercase hex: what a change ticket can name. */
  readonly sha256: string;
  /** Its content. */
  readonly file: PlanFile;
}

/**
 * Reads a plan file written by `plan --out`. Only its `schema` and `options` are checked here (the
 * options are what `renew --plan` runs with); the rest is compared whole with the plan `renew`
 * recomputes, so anything edited or stale in it shows as a difference.
 *
 * @param path - the file
 * @throws CliUsageError (exit 2) when it cannot be read, is not JSON, or is not a plan file of this version
 */
export async function readPlanFile(path: string): Promise<ApprovedPlan> {
  const text = await readInputFile(path, '--plan', { maxBytes: PLAN_FILE_MAX_BYTES, remedy: 'pass the file plan --out wrote' });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON.parse's message: it quotes the text it stopped at, and a mistaken --plan may name a password file.
    throw new CliUsageError(`--plan: ${path} is not JSON; pass the file plan --out wrote`);
  }
  const record = asRecord(parsed);
  if (record?.['schema'] !== PLAN_FILE_SCHEMA_ID) {
    throw new CliUsageError(`--plan: ${path} is not a plan file (its schema is not ${PLAN_FILE_SCHEMA_ID}); pass the file plan --out wrote`);
  }
  const options = asRecord(record['options']);
  const problem = options === undefined ? 'has no options' : optionsProblem(options);
  if (problem !== undefined) throw new CliUsageError(`--plan: ${path} ${problem}; make the plan again with plan --out`);
  return { path, sha256: createHash('sha256').update(text).digest('hex'), file: parsed as PlanFile };
}

function optionsProblem(options: Record<string, unknown>): string | undefined {
  const textOrNull = (value: unknown): boolean => value === null || typeof value === 'string';
  const checks: Record<keyof PlanFileOptions, boolean> = {
    canary: Number.isInteger(options['canary']) && (options['canary'] as number) >= 0,
    leaveOut: Array.isArray(options['leaveOut']) && options['leaveOut'].every((name) => typeof name === 'string'),
    backdate: textOrNull(options['backdate']),
    generator: options['generator'] === null || options['generator'] === 'own' || options['generator'] === 'vendor',
    caKey: textOrNull(options['caKey']),
    staging: textOrNull(options['staging']),
    allowUnreachable: typeof options['allowUnreachable'] === 'boolean',
  };
  const wrong = Object.entries(checks).filter(([, ok]) => !ok).map(([name]) => name);
  return wrong.length === 0 ? undefined : `has options of the wrong shape: ${wrong.join(', ')}`;
}

function plannedCertificate(certificate: Certificate): PlannedCertificate {
  return { fingerprintSha256: certificate.fingerprintSha256, serial: certificate.serialNumber.toString(16), notAfter: certificate.notAfter.toISOString() };
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** Code-point order, the same in every locale. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  const record = asRecord(value);
  if (record === undefined) return value;
  return Object.fromEntries(Object.keys(record).sort(compareText).map((key) => [key, sortedKeys(record[key])]));
}
