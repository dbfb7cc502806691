/** A path as one POSIX shell word (single-quoted), for the few commands renewal runs on an appliance. */
export function shellWord(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
