/**
 * The device names (or UUIDs) of a repeatable, comma-separated option such as `--leave-out`:
 * `--leave-out FTD-1,FTD-2 --leave-out FTD-3`. Blank entries are dropped.
 *
 * @param values - the option's values, as commander collects them
 */
export function parseDeviceNames(values: readonly string[] | undefined): string[] {
  return (values ?? []).flatMap((value) => value.split(',')).map((name) => name.trim()).filter((name) => name !== '');
}
