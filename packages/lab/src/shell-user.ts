import type { ExecResult } from 'just-bash';
import type { ApplianceRuntime } from './appliance.js';

/** The two users of an appliance shell. */
export type ShellUser = 'root' | 'admin';

/** The terminal settings `stty` may change in an interactive session. */
export interface TerminalControl {
  setEcho(on: boolean): void;
  setOutputNewlines(on: boolean): void;
}

/** The file mode creation mask of one shell session (`umask`), which its file system applies to files it creates. */
export interface FileModeMask {
  value: number;
}

/** Who runs a simulated shell, on which appliance, and what it may reach. */
export interface ShellIdentity {
  readonly appliance: ApplianceRuntime;
  readonly user: ShellUser;
  /** The interactive terminal, when there is one (not for exec). */
  readonly terminal: TerminalControl | undefined;
  /** The session's umask (a subshell shares it: a change there outlives the subshell, unlike bash). */
  readonly umask: FileModeMask;
  /** Runs a script as root in this appliance (for `sudo`). */
  runAsRoot(script: string, cwd: string, stdin: string): Promise<ExecResult>;
}

/** Numeric ids of the users the lab knows. */
export function userId(name: string): number {
  return name === 'root' ? 0 : name === 'admin' ? 1000 : 1001;
}

/** Quotes a word for a POSIX shell. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A command result. */
export function result(stdout: string, stderr = '', exitCode = 0): ExecResult {
  return { stdout, stderr, exitCode };
}
