import type { DeviceRow } from '../formats/devices-csv.js';

/** What an inventory row is matched with: a device the FMC knows (or lists), by name and address. */
export interface MatchableDevice {
  /** Its UUID. */
  readonly uuid: string;
  /** Its name, when known. */
  readonly name?: string | undefined;
  /** Its address, when known. */
  readonly address?: string | undefined;
}

/** The rows of an inventory matched with devices, by {@link matchInventoryRows}. */
export interface InventoryMatch {
  /** Each matched device's row, by device UUID. */
  readonly rows: ReadonlyMap<string, DeviceRow>;
  /** The rows that name no device (rows of role `fmc` are neither matched nor listed). */
  readonly unmatched: readonly DeviceRow[];
}

/**
 * The device an inventory row names: by address first (what the vendor's copy step connects to),
 * else by name. The one rule every caller uses: the CLI's inventories, the copy step, the examples.
 *
 * @param devices - the candidates, e.g. `inspection.devices` or `failedPush.devices`
 * @param row - a row of devices.csv or of a YAML/JSON inventory
 */
export function deviceOfRow<D extends MatchableDevice>(devices: readonly D[], row: Pick<DeviceRow, 'name' | 'address'>): D | undefined {
  return devices.find((device) => device.address === row.address) ?? devices.find((device) => device.name === row.name);
}

/**
 * Matches the rows of an inventory with devices ({@link deviceOfRow}); rows of role `fmc` (the
 * vendor's file lists the FMC too) are skipped.
 *
 * @example
 * ```ts
 * const { rows: byUuid, unmatched } = matchInventoryRows(parseDevicesCsv(text), inspection.devices);
 * const plan = planRenewal(inspection, { now, only: [...byUuid.keys()] });
 * ```
 */
export function matchInventoryRows(rows: readonly DeviceRow[], devices: readonly MatchableDevice[]): InventoryMatch {
  const matched = new Map<string, DeviceRow>();
  const unmatched: DeviceRow[] = [];
  for (const row of rows.filter((candidate) => candidate.role !== 'fmc')) {
    const device = deviceOfRow(devices, row);
    if (device === undefined) unmatched.push(row);
    else matched.set(device.uuid, row);
  }
  return { rows: matched, unmatched };
}
