import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { SftunnelCaError } from '@sftunnel-ca/core';
import type { ChannelExecOptions, CommandChannel, RawCommandResult } from './command-channel.js';
import { withDeadline } from './deadline.js';
import { exitStatus } from './exit-code.js';
import { PosixHost, type PosixHostOptions } from './posix-host.js';

/** Options of {@link LocalHost}. */
export interface LocalHostOptions extends PosixHostOptions {
  /** The name in errors and results; default the machine's host name. */
  readonly name?: string;
  /** The shell that runs commands; default `/bin/sh`. */
  readonly shell?: string;
}

/**
 * The `Host` interface on this machine, for running on the FMC itself: the same
 * commands, atomic writes and mode/owner rules as {@link SshHost}, run by local processes
 * (`/bin/sh -c`) as the current user. Nothing secret is ever put in a process's arguments.
 *
 * @example
 * ```ts
 * const fmc = new LocalHost({ name: 'fmc' });
 * const ca = await fmc.readFile('/etc/sf/ca_root/cacert.pem');
 * ```
 */
export class LocalHost extends PosixHost {
  /** @param options - name, shell and defaults */
  constructor(options: LocalHostOptions = {}) {
    const name = options.name ?? hostname();
    super(name, new LocalShell(name, options.shell ?? '/bin/sh'), options);
  }
}

class LocalShell implements CommandChannel {
  readonly #name: string;
  readonly #shell: string;

  constructor(name: string, shell: string) {
    this.#name = name;
    this.#shell = shell;
  }

  exec(command: string, options: ChannelExecOptions): Promise<RawCommandResult> {
    let kill: (() => void) | undefined;
    return withDeadline(
      () =>
        new Promise<RawCommandResult>((resolve, reject) => {
          const child = spawn(this.#shell, ['-c', command], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
          kill = () => {
            if (child.pid !== undefined) {
              try {
                process.kill(-child.pid, 'SIGKILL');
              } catch {
                // Already gone.
              }
            }
          };
          const stdout: Buffer[] = [];
          const stderr: Buffer[] = [];
          child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
          child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
          child.stdin.on('error', () => undefined);
          child.on('error', (error) =>
            reject(
              new SftunnelCaError('COMMAND_FAILED', `cannot start ${this.#shell}: ${error.message}`, {
                host: this.#name,
                step: options.step,
                cause: error,
              }),
            ),
          );
          child.on('close', (code, signal) =>
            resolve({ stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr), code: exitStatus(code, signal) }),
          );
          child.stdin.end(options.stdin === undefined ? undefined : Buffer.from(options.stdin));
        }),
      { host: this.#name, step: options.step, timeoutMs: options.timeoutMs, signal: options.signal, onCancel: () => kill?.() },
    );
  }

  async close(): Promise<void> {
    // Nothing held between commands.
  }
}
