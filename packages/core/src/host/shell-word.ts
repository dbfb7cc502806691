/**
 * Quotes a string as one POSIX shell word (single-quoted), whatever it holds: how every path and
 * value reaches a command run on an appliance, by core and by the transports.
 *
 * @example
 * ```ts
 * shellWord("it's"); // 'it'\''s'
 * ```
 */
export function shellWord(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
