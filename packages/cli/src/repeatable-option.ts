/**
 * A commander argument parser for a repeatable option (`--known-hosts a --known-hosts b`): appends
 * each value to the ones given before.
 */
export function collect(value: string, previous: readonly string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
