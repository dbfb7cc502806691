import { randomBytes } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import { SftunnelCaError } from '@sftunnel-ca/core';
import type { ClientChannel } from 'ssh2';
import type { ChannelExecOptions, CommandChannel, RawCommandResult } from './command-channel.js';
import type { SshConnection } from './connect.js';
import { withDeadline } from './deadline.js';
import { DEFAULT_PROMPT_SETTLE_MS, ExpertEscalation, type EscalationAction, type EscalationCommand, type EscalationFailure, type ExpertPrompts } from './expert-escalation.js';
import type { Secret } from '@sftunnel-ca/core';
import { DEFAULT_SCRATCH_PARENT, NO_STALE_SCRATCH, parseStaleScratch, staleScratchSweepCommand, type StaleScratch } from './session-scratch.js';
import type { TransportEventListener } from './transport-event.js';

/** Options of {@link ExpertShell.open}. */
export interface ExpertShellOptions {
  /** The password `sudo` asks for (the login user's). */
  readonly password?: Secret;
  /** Default `sudo su`. */
  readonly escalation?: EscalationCommand;
  /** Prompt patterns to override. */
  readonly prompts?: Partial<ExpertPrompts>;
  /** Deadline for reaching the root prompt; default `30000`. */
  readonly loginTimeoutMs?: number;
  /** Give up when no output comes for this long while a prompt is awaited; default `10000`. */
  readonly idleTimeoutMs?: number;
  /** Return `undefined` at once when the first prompt is not the CLI (`auto` with passwordless `sudo -n`). */
  readonly onlyFromCli?: boolean;
  /** Return `undefined` at once when the first prompt is already root (the `auto` strategy). */
  readonly directFromRoot?: boolean;
  /**
   * How long the output must be quiet before its last line counts as a prompt; default
   * {@link DEFAULT_PROMPT_SETTLE_MS} (200 ms).
   */
  readonly promptSettleMs?: number;
  /** Cancels the login. */
  readonly signal?: AbortSignal;
  /**
   * Where the session makes its scratch directory, an absolute path of plain characters checked by
   * the caller (`SshHost.connect`); default `/tmp`.
   */
  readonly scratchParent?: string;
  /** Receives `banner`, `escalation` and `stale-scratch` events. */
  readonly onEvent?: TransportEventListener;
}

/** Raw bytes of standard input per upload command (a multiple of 3, so chunks encode alone). */
const STDIN_CHUNK = 48 * 1024;
const LINE = 76;
const EOF_WORD = 'SFTCA_EOF';
/** The command's standard input in the session's scratch space. */
const INPUT = '"$__sftca_d/in"';
/** Removes the input, keeping the exit status of the command before. */
const REMOVE_INPUT = `{ __sftca_s=$?; rm -f ${INPUT}; (exit $__sftca_s); }`;

const FAILURES: Readonly<Record<EscalationFailure, string>> = {
  'password-change-required': 'the appliance demands a password change before login; log in once by hand to change it',
  'expert-not-permitted': '`expert` was refused (the user needs Config privilege, or expert mode is disabled)',
  'wrong-password': 'sudo rejected the password',
  'sudo-refused': 'sudo refused to give a root shell',
  'no-password': 'sudo asked for a password and none was given',
  'unexpected-prompt': 'the shell showed a prompt that was not expected',
  eula: 'the appliance shows its first-login EULA (initial setup not finished); log in once on the console or by SSH by hand to accept it and finish the setup',
  pager: 'the appliance showed a pager (`--More--`) during login, which is not answered; log in by hand to see what it shows, or remove the MOTD or login script that pages',
};

/**
 * The `expert` strategy: one interactive shell that logs in through the appliance's restricted
 * CLI (`> `), runs `expert`, then `sudo su` answering the password once, and keeps the root
 * shell for every command. Once root the prompt is pinned and echo, history and paging are off.
 *
 * Each command is sent base64-encoded and evaluated in a subshell; its standard output and
 * standard error come back base64-encoded between two markers made of a per-session random
 * nonce and a counter, followed by the exit status. So output is exact, whatever banners,
 * colour codes or prompt-like text appear. Standard input moves as base64: in the command's own
 * frame when it fits one chunk (48 KiB; the command runs only once it is written whole), else in
 * chunks of its own first.
 *
 * The session's scratch space (standard input, error and status of the command running) is a
 * directory of its own, mode 0700 with files 0600, removed on close and, by the root shell's
 * hang-up trap, when the connection drops; a command's standard input is removed as soon as the
 * command has run. At login, stale directories that earlier sessions left behind (a shell killed
 * outright) are removed and reported (see `session-scratch.ts`). Commands themselves run with
 * `umask 022`, as an appliance's root shell does.
 *
 * A command that outlives its deadline leaves the shell in an unknown state: the connection is
 * then closed and later calls fail with `CONNECTION_LOST`.
 */
export class ExpertShell implements CommandChannel {
  readonly #connection: SshConnection;
  readonly #channel: ClientChannel;
  readonly #nonce: string;
  #counter = 0;
  #queue: Promise<unknown> = Promise.resolve();
  #output = '';
  #onOutput: (() => void) | undefined;
  #broken: SftunnelCaError | undefined;
  #staleScratch: StaleScratch = NO_STALE_SCRATCH;

  private constructor(connection: SshConnection, channel: ClientChannel, nonce: string, decoder: StringDecoder) {
    this.#connection = connection;
    this.#channel = channel;
    this.#nonce = nonce;
    channel.on('data', (chunk: Buffer) => {
      this.#output += decoder.write(chunk);
      this.#onOutput?.();
    });
    channel.on('close', () => {
      this.#broken ??=
        connection.lost ??
        new SftunnelCaError('CONNECTION_LOST', 'the expert shell closed', { host: connection.name, step: 'expert-shell' });
      this.#onOutput?.();
    });
  }

  /**
   * Opens a shell on a logged-in connection and takes it to root.
   *
   * @returns the root shell, or `undefined` with {@link ExpertShellOptions.onlyFromCli} when the
   * first prompt is a plain shell prompt (the shell is then closed)
   * @throws SftunnelCaError `ESCALATION_FAILED` (with the reason), `CONNECTION_LOST`,
   * `OPERATION_TIMEOUT`
   */
  static async open(connection: SshConnection, options: ExpertShellOptions = {}): Promise<ExpertShell | undefined> {
    const host = connection.name;
    const nonce = randomBytes(12).toString('hex');
    const machine = new ExpertEscalation({
      nonce,
      ...(options.escalation === undefined ? {} : { escalation: options.escalation }),
      ...(options.prompts === undefined ? {} : { prompts: options.prompts }),
      onlyFromCli: options.onlyFromCli === true,
      directFromRoot: options.directFromRoot === true,
      scratchParent: options.scratchParent ?? DEFAULT_SCRATCH_PARENT,
    });
    const channel = await openShell(connection);
    const password = options.password;
    const redact = (text: string): string => (password === undefined ? text : text.split(password.revealText()).join('<redacted>'));
    const failure = (message: string, cause?: unknown): SftunnelCaError =>
      new SftunnelCaError('ESCALATION_FAILED', redact(message), { host, step: `escalate (${machine.state})`, cause });
    const decoder = new StringDecoder('utf8');
    let reached: 'ready' | 'not-cli' | undefined;
    try {
      reached = await withDeadline(
        () =>
          new Promise<'ready' | 'not-cli'>((resolve, reject) => {
            const idleMs = options.idleTimeoutMs ?? 10_000;
            const settleMs = options.promptSettleMs ?? DEFAULT_PROMPT_SETTLE_MS;
            let idle: NodeJS.Timeout | undefined;
            let settle: NodeJS.Timeout | undefined;
            let bannerSeen = false;
            const armIdle = (): void => {
              clearTimeout(idle);
              idle = setTimeout(() => {
                const awaiting = machine.awaiting;
                machine.abandon();
                finish(() =>
                  reject(
                    failure(
                      `no expected prompt within ${idleMs} ms of quiet while waiting for ${awaiting}; last line seen: ${JSON.stringify(machine.lastLine.slice(-200))}`,
                    ),
                  ),
                );
              }, idleMs);
            };
            const finish = (outcome: () => void): void => {
              clearTimeout(idle);
              clearTimeout(settle);
              channel.removeListener('data', onData);
              channel.removeListener('close', onClose);
              outcome();
            };
            const onClose = (): void =>
              finish(() =>
                reject(
                  connection.lost ??
                    failure(`the shell closed during login while waiting for ${machine.awaiting}; last line seen: ${JSON.stringify(machine.lastLine.slice(-200))}`),
                ),
              );
            const act = (action: EscalationAction): void => {
              if (!bannerSeen && machine.banner !== undefined) {
                bannerSeen = true;
                if (machine.banner !== '') options.onEvent?.({ type: 'banner', host, text: redact(machine.banner) });
              }
              switch (action.kind) {
                case 'wait':
                  return;
                case 'send':
                  options.onEvent?.({ type: 'escalation', host, state: machine.state });
                  options.onEvent?.({ type: 'login-text', host, direction: 'sent', text: redact(action.text) });
                  channel.write(action.text);
                  return;
                case 'send-password':
                  if (password === undefined) {
                    channel.write('\x03');
                    finish(() => reject(failure(FAILURES['no-password'])));
                    return;
                  }
                  options.onEvent?.({ type: 'escalation', host, state: 'password' });
                  options.onEvent?.({ type: 'login-text', host, direction: 'sent', text: '<password>\n' });
                  channel.write(`${password.revealText()}\n`);
                  return;
                case 'ready':
                case 'not-cli':
                  finish(() => resolve(action.kind));
                  return;
                case 'fail': {
                  // The state before failing, for the message.
                  const where = machine.awaiting;
                  // Leave sudo's retry prompt without a second guess.
                  channel.write('\x03');
                  machine.abandon();
                  finish(() => reject(failure(`${FAILURES[action.reason]} (${action.reason}, while waiting for ${where}): ${action.detail}`)));
                }
              }
            };
            const onData = (chunk: Buffer): void => {
              armIdle();
              clearTimeout(settle);
              const text = decoder.write(chunk);
              if (text !== '') options.onEvent?.({ type: 'login-text', host, direction: 'received', text: redact(text) });
              act(machine.feed(text));
              // A prompt counts once the output has been quiet for the settle time.
              if (machine.state !== 'ready' && machine.state !== 'failed') settle = setTimeout(() => act(machine.quiet()), settleMs);
            };
            channel.on('data', onData);
            channel.once('close', onClose);
            armIdle();
          }),
        {
          host,
          step: 'escalate',
          timeoutMs: options.loginTimeoutMs ?? 30_000,
          signal: options.signal,
          onCancel: () => machine.abandon(),
        },
      );
    } catch (error) {
      channel.close();
      throw error;
    }
    if (reached === 'not-cli') {
      channel.close();
      return undefined;
    }
    options.onEvent?.({ type: 'escalation', host, state: 'root' });
    const shell = new ExpertShell(connection, channel, nonce, decoder);
    // One round trip: check root, then remove what earlier sessions left behind.
    const sweep = staleScratchSweepCommand(options.scratchParent ?? DEFAULT_SCRATCH_PARENT);
    const id = await shell.exec(`u=$(id -u); echo "$u"; [ "$u" = 0 ] || exit 0\n${sweep}`, { step: 'escalate', timeoutMs: 30_000 }).catch(async (error: unknown) => {
      await shell.close();
      throw error;
    });
    const output = id.stdout.toString('utf8');
    const uid = output.slice(0, output.indexOf('\n') + 1 || undefined).trim();
    if (uid !== '0') {
      await shell.close();
      if (uid === '' && id.code === 255) {
        throw failure(`the root shell could not make its scratch directory under ${options.scratchParent ?? DEFAULT_SCRATCH_PARENT} (mktemp -d failed: is it full, read-only or missing?)`);
      }
      throw failure(`the shell reached is not root (id -u printed ${JSON.stringify(uid)})`);
    }
    shell.#staleScratch = parseStaleScratch(output);
    if (shell.#staleScratch !== NO_STALE_SCRATCH) options.onEvent?.({ type: 'stale-scratch', host, ...shell.#staleScratch });
    return shell;
  }

  /** The stale scratch directories that earlier sessions left on the appliance, found at login. */
  get staleScratch(): StaleScratch {
    return this.#staleScratch;
  }

  /** Runs one command in the root shell (one at a time; calls queue). */
  exec(command: string, options: ChannelExecOptions): Promise<RawCommandResult> {
    const next = this.#queue.then(() => this.#execNow(command, options));
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /** Removes the session's work directory and closes the connection. */
  async close(): Promise<void> {
    if (this.#broken === undefined) {
      // After the queued commands, outside the frame (whose files live in that directory).
      await this.#queue;
      const done = `SFTCA${this.#nonce}:closed`;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 2000);
        this.#onOutput = () => {
          if (this.#output.includes(done) || this.#broken !== undefined) {
            clearTimeout(timer);
            resolve();
          }
        };
        this.#channel.write(`rm -rf -- "$__sftca_d"; printf '%s%s\\n' 'SFTCA' '${this.#nonce}:closed'\n`);
      });
      this.#onOutput = undefined;
    }
    this.#broken ??= new SftunnelCaError('HOST_CLOSED', 'the expert shell was closed', { host: this.#connection.name, step: 'close' });
    this.#channel.close();
    this.#connection.close();
  }

  async #execNow(command: string, options: ChannelExecOptions): Promise<RawCommandResult> {
    const stdin = options.stdin;
    if (stdin === undefined) return this.#framed(commandBody(command, '/dev/null'), options);
    // The input (a staging batch, a device's new key) stays in the scratch space only while its
    // command needs it: the frame that runs the command, or that fails to write it, removes it.
    if (stdin.length <= STDIN_CHUNK) {
      // One round trip: the input is written, then the command runs only if it was written whole.
      const write = stdin.length === 0 ? `: > ${INPUT}` : decodeInto('>', Buffer.from(stdin));
      return this.#framed(
        `${write}\n` +
          `__sftca_w=$?; if [ "$__sftca_w" = 0 ]; then ${commandBody(command, INPUT)}; else (exit "$__sftca_w"); fi; ${REMOVE_INPUT}`,
        options,
      );
    }
    await this.#framed(`: > ${INPUT}`, options);
    for (let offset = 0; offset < stdin.length; offset += STDIN_CHUNK) {
      const chunk = Buffer.from(stdin.subarray(offset, offset + STDIN_CHUNK));
      const result = await this.#framed(decodeInto('>>', chunk, ` || ${REMOVE_INPUT}`), options);
      if (result.code !== 0) return result;
    }
    return this.#framed(`${commandBody(command, INPUT)}; ${REMOVE_INPUT}`, options);
  }

  #framed(body: string, options: ChannelExecOptions): Promise<RawCommandResult> {
    const host = this.#connection.name;
    const id = `${this.#nonce}:${++this.#counter}`;
    const d = '"$__sftca_d"';
    // One compound command: the shell prints no prompt until all of it has run.
    const script = [
      // umask 077 again: what the frame creates is private whatever the command did to the mask.
      `umask 077; printf '%s%s\\n' 'SFTCA' '${id}:B'; { { ${body}`,
      // The frame's own redirections never write to the terminal, even when the disk is full.
      `} 2> ${d}/err; echo $? > ${d}/rc; } 2>/dev/null | base64 -w0; printf '\\n'; base64 -w0 2>/dev/null < ${d}/err; ` +
        `printf '\\n%s%s:%s\\n' 'SFTCA' '${id}:E' "$(cat 2>/dev/null < ${d}/rc)"\n`,
    ].join('\n');
    const pattern = new RegExp(`SFTCA${id}:B\\r?\\n([A-Za-z0-9+/=]*)\\r?\\n([A-Za-z0-9+/=]*)\\r?\\nSFTCA${id}:E:(\\d*)\\r?\\n`);
    return withDeadline(
      () =>
        new Promise<RawCommandResult>((resolve, reject) => {
          const check = (): void => {
            const match = pattern.exec(this.#output);
            if (match !== null) {
              this.#output = this.#output.slice(match.index + match[0].length);
              this.#onOutput = undefined;
              const [, out = '', err = '', status = ''] = match;
              resolve({
                stdout: Buffer.from(out, 'base64'),
                stderr: Buffer.from(err, 'base64'),
                code: status === '' ? 255 : Number(status),
              });
            } else if (this.#broken !== undefined) {
              this.#onOutput = undefined;
              reject(this.#broken);
            }
          };
          if (this.#broken !== undefined) {
            reject(this.#broken);
            return;
          }
          this.#onOutput = check;
          this.#channel.write(script);
          check();
        }),
      {
        host,
        step: options.step,
        timeoutMs: options.timeoutMs,
        signal: options.signal,
        onCancel: (reason) => {
          // The command may still run: the shell can no longer be trusted.
          this.#onOutput = undefined;
          this.#broken = new SftunnelCaError('CONNECTION_LOST', `the expert shell was abandoned after ${options.step} did not finish`, {
            host,
            step: options.step,
            cause: reason,
          });
          this.#channel.close();
          this.#connection.close();
        },
      },
    );
  }
}

function commandBody(command: string, stdin: string): string {
  const encoded = wrap(Buffer.from(command, 'utf8').toString('base64'));
  // The command's own umask is the appliance's usual 022: the files it makes are as before.
  return `__sftca_c=$(base64 -d <<'${EOF_WORD}'\n${encoded}\n${EOF_WORD}\n) && ( umask 022; eval "$__sftca_c" ) < ${stdin}`;
}

/**
 * Writes (`>`) or appends (`>>`) bytes to the command's input through a here-document of their
 * base64, with `then` after the redirection (before the document's lines).
 */
function decodeInto(operator: '>' | '>>', bytes: Buffer, then = ''): string {
  return `base64 -d ${operator} ${INPUT} <<'${EOF_WORD}'${then}\n${wrap(bytes.toString('base64'))}\n${EOF_WORD}`;
}

function wrap(base64: string): string {
  const lines: string[] = [];
  for (let i = 0; i < base64.length; i += LINE) lines.push(base64.slice(i, i + LINE));
  return lines.join('\n');
}

function openShell(connection: SshConnection): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    connection.client.shell({ term: 'vt100', cols: 512, rows: 48 }, (error, channel) => {
      if (error) {
        reject(
          connection.lost ??
            new SftunnelCaError('CONNECTION_LOST', `the appliance refused a shell: ${error.message}`, {
              host: connection.name,
              step: 'expert-shell',
              cause: error,
            }),
        );
      } else {
        resolve(channel);
      }
    });
  });
}
