import { SftunnelCaError, shellWord } from '@sftunnel-ca/core';
import type { ClientChannel } from 'ssh2';
import type { ChannelExecOptions, CommandChannel, RawCommandResult } from './command-channel.js';
import type { SshConnection } from './connect.js';
import { withDeadline } from './deadline.js';
import { exitStatus } from './exit-code.js';

/** Options of {@link DirectShell}. */
export interface DirectShellOptions {
  /** Run every command through `sudo -n sh -c …` (passwordless sudo); default `false`. */
  readonly sudo?: boolean;
}

/**
 * The `direct` strategy: each command in its own SSH exec channel as the login user, or as
 * root through `sudo -n` (never prompting: a sudo that wants a password fails with
 * `ESCALATION_FAILED`). Standard output, standard error and the exit status are separate and
 * exact; standard input is streamed, so files of any size move without base64.
 */
export class DirectShell implements CommandChannel {
  readonly #connection: SshConnection;
  readonly #sudo: boolean;

  /** @param connection - a logged-in connection, closed by {@link DirectShell.close} */
  constructor(connection: SshConnection, options: DirectShellOptions = {}) {
    this.#connection = connection;
    this.#sudo = options.sudo === true;
  }

  /** Runs one command in a new exec channel. */
  exec(command: string, options: ChannelExecOptions): Promise<RawCommandResult> {
    const host = this.#connection.name;
    const full = this.#sudo ? `sudo -n sh -c ${shellWord(command)}` : command;
    let channel: ClientChannel | undefined;
    return withDeadline(
      () =>
        new Promise<RawCommandResult>((resolve, reject) => {
          const lost = (detail: string, cause?: unknown): SftunnelCaError =>
            this.#connection.lost ??
            new SftunnelCaError('CONNECTION_LOST', `the SSH connection dropped during ${options.step}: ${detail}`, {
              host,
              step: options.step,
              cause,
            });
          if (this.#connection.lost !== undefined) {
            reject(this.#connection.lost);
            return;
          }
          const unsubscribe = this.#connection.onLost(fail);
          function fail(error: SftunnelCaError): void {
            unsubscribe();
            reject(error);
          }
          function succeed(result: RawCommandResult): void {
            unsubscribe();
            resolve(result);
          }
          this.#connection.client.exec(full, (error, stream) => {
            if (error) {
              fail(lost(error.message, error));
              return;
            }
            channel = stream;
            const stdout: Buffer[] = [];
            const stderr: Buffer[] = [];
            let status: number | undefined;
            stream.on('data', (chunk: Buffer) => stdout.push(chunk));
            stream.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
            stream.on('exit', (code: number | null, signal?: string) => {
              status = exitStatus(code, signal);
            });
            stream.on('error', (streamError: Error) => fail(lost(streamError.message, streamError)));
            stream.on('close', () => {
              if (status === undefined) fail(lost('the command ended without an exit status'));
              else succeed({ stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr), code: status });
            });
            stream.end(options.stdin === undefined ? undefined : Buffer.from(options.stdin));
          });
        }),
      {
        host,
        step: options.step,
        timeoutMs: options.timeoutMs,
        signal: options.signal,
        onCancel: () => channel?.close(),
      },
    );
  }

  /** Closes the SSH connection. */
  async close(): Promise<void> {
    this.#connection.close();
  }
}
