// CSI sequences (colours, cursor, bracketed paste), OSC titles, and single-character escapes.
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

/**
 * Removes terminal escape sequences and carriage returns from terminal output, leaving the
 * text a person would read.
 *
 * @example
 * ```ts
 * stripAnsi('\x1b[01;32madmin@ftd\x1b[00m:~$ '); // 'admin@ftd:~$ '
 * ```
 */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '').replace(/\r/g, '');
}
