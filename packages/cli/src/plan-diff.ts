import diff from 'microdiff';
import type { PlanFile, PlanFileDevice } from './plan-file.js';

/** One way the FMC no longer matches a plan file: serialisable for `--json`, and said in words. */
export interface PlanDifference {
  /** Where, as a dotted path of the plan file with devices keyed by UUID (`devices.<uuid>.certificate`, `fmc.ca`). */
  readonly path: string;
  /** `added` (now, not in the plan), `removed` (in the plan, not now) or `changed`. */
  readonly change: 'added' | 'removed' | 'changed';
  /** What the plan file says there (absent when added). */
  readonly planned?: unknown;
  /** What the FMC shows now (absent when removed). */
  readonly now?: unknown;
  /** The difference in one sentence. */
  readonly message: string;
}

/** A device whose tunnel is not as the plan saw it: reported, never a reason to refuse (the run restarts what is down). */
export interface TunnelChange {
  /** The device's UUID. */
  readonly uuid: string;
  /** Its name. */
  readonly name: string;
  /** Its tunnel in the plan. */
  readonly planned: PlanFileDevice['tunnel'];
  /** Its tunnel now. */
  readonly now: PlanFileDevice['tunnel'];
}

/** Keys whose value is compared whole: a certificate differs as one thing, not field by field. */
const WHOLE_VALUES: ReadonlySet<string> = new Set(['ca', 'caKey', 'certificate']);

/**
 * The differences between an approved plan file and the plan recomputed from the FMC now, with
 * devices matched by UUID (a device added or removed is one difference, not a shifted list) and a
 * certificate compared whole. Tunnel states are left out (see {@link tunnelChanges}). Empty when
 * `renew --plan` may run.
 *
 * @param planned - the plan file, as read
 * @param now - the plan file of the FMC as it is now, with the file's options
 */
export function planDifferences(planned: PlanFile, now: PlanFile): PlanDifference[] {
  const before = comparable(planned);
  const after = comparable(now);
  const seen = new Set<string>();
  const differences: PlanDifference[] = [];
  for (const entry of diff(before, after)) {
    const path = wholeValuePath(entry.path);
    const key = path.join('.');
    if (seen.has(key)) continue;
    seen.add(key);
    const was = valueAt(before, path);
    const is = valueAt(after, path);
    const change = was === undefined ? 'added' : is === undefined ? 'removed' : 'changed';
    differences.push({ path: key, change, ...(was === undefined ? {} : { planned: was }), ...(is === undefined ? {} : { now: is }), message: sentence(path, change, was, is, planned, now) });
  }
  return differences;
}

/**
 * The devices whose tunnel the FMC shows otherwise than the plan saw it.
 *
 * @param planned - the plan file
 * @param now - the plan file of the FMC now
 */
export function tunnelChanges(planned: PlanFile, now: PlanFile): TunnelChange[] {
  const then = new Map(planned.devices.map((device) => [device.uuid, device.tunnel]));
  return now.devices.flatMap((device) => {
    const was = then.get(device.uuid);
    return was === undefined || was === device.tunnel ? [] : [{ uuid: device.uuid, name: device.name ?? device.uuid, planned: was, now: device.tunnel }];
  });
}

/**
 * The differences as lines for a terminal or an error message, one per difference.
 *
 * @param differences - from {@link planDifferences}
 */
export function formatPlanDifferences(differences: readonly PlanDifference[]): string {
  return differences.map((difference) => `  - ${difference.message}`).join('\n');
}

/** The plan file as compared: devices keyed by UUID, without the tunnel states they were seen in. */
function comparable(file: PlanFile): Record<string, unknown> {
  const devices = Array.isArray(file.devices) ? file.devices : [];
  return {
    ...file,
    devices: Object.fromEntries(
      devices.map((device) => {
        const { tunnel: _seen, ...rest } = device;
        return [String(device.uuid), rest];
      }),
    ),
  };
}

function wholeValuePath(path: readonly (string | number)[]): (string | number)[] {
  const cut = path.findIndex((key) => typeof key === 'string' && WHOLE_VALUES.has(key));
  return cut === -1 ? [...path] : path.slice(0, cut + 1);
}

function valueAt(value: unknown, path: readonly (string | number)[]): unknown {
  return path.reduce<unknown>((at, key) => (typeof at === 'object' && at !== null ? (at as Record<string | number, unknown>)[key] : undefined), value);
}

function sentence(path: readonly (string | number)[], change: PlanDifference['change'], was: unknown, is: unknown, planned: PlanFile, now: PlanFile): string {
  const shown = (value: unknown): string => (typeof value === 'object' && value !== null && 'fingerprintSha256' in value ? `SHA-256 ${String(value.fingerprintSha256)}` : JSON.stringify(value));
  const [section, uuid, field] = path;
  if (section === 'devices' && typeof uuid === 'string') {
    const device = now.devices.find((d) => d.uuid === uuid) ?? planned.devices.find((d) => d.uuid === uuid);
    const who = `device ${device?.name ?? '(no name)'} (${uuid})`;
    if (field === undefined) {
      return change === 'added'
        ? `${who} is new on the FMC: the plan does not know it (it would be ${String((is as PlanFileDevice).action)} now)`
        : `${who} of the plan is no longer on the FMC`;
    }
    if (field === 'certificate') return `${who}: the FMC holds another certificate for it: planned ${shown(was)}, now ${shown(is)}`;
    return `${who}: ${path.slice(2).join('.')} was ${shown(was)}, now ${shown(is)}`;
  }
  if (section === 'fmc' && uuid === 'ca') return `the FMC's InternalCA changed: planned ${shown(was)}, now ${shown(is)}`;
  if (section === 'fmc' && uuid === 'certificate') return `the FMC's own certificate changed: planned ${shown(was)}, now ${shown(is)}`;
  if (section === 'fmc' && uuid === 'caKey') return `the InternalCA's key on the FMC changed: planned ${shown(was)}, now ${shown(is)}`;
  if (change === 'added') return `${path.join('.')} is new: ${shown(is)}`;
  if (change === 'removed') return `${path.join('.')} is gone: it was ${shown(was)}`;
  return `${path.join('.')} was ${shown(was)}, now ${shown(is)}`;
}
