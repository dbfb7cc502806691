import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import {
  SftunnelCaError,
  isSftunnelCaError,
  shellWord,
  type CommandResult,
  type FileStat,
  type Host,
  type HostOperationOptions,
  type RunOptions,
  type WriteFileAtomicOptions,
  type WriteFileAtomicResult,
} from '@sftunnel-ca/core';
import { writeFileAtomicVia, type AtomicWriteContext } from './atomic-write.js';
import type { CommandChannel, RawCommandResult } from './command-channel.js';
import { classifyCommandFailure } from './command-failure.js';
import type { TransportEventListener } from './transport-event.js';

/** Options shared by every {@link PosixHost}. */
export interface PosixHostOptions {
  /** Default deadline of one operation in milliseconds; default `60000`. */
  readonly operationTimeoutMs?: number;
  /** Receives an `operation` event per call (never secrets nor file contents). */
  readonly onEvent?: TransportEventListener;
  /** The clock, for backup timestamps; default `() => new Date()`. */
  readonly now?: () => Date;
  /** Random bytes, for temporary names; default `crypto.randomBytes`. */
  readonly random?: (size: number) => Buffer;
}

const FILE_TYPES: Readonly<Record<string, FileStat['type']>> = {
  '8': 'file',
  '4': 'directory',
  a: 'symlink',
};

/**
 * The `Host` interface built on POSIX shell commands (`cat`, `stat`, `sha256sum`, `cp`,
 * `mv`, `chown`, `chmod`) sent through a {@link CommandChannel}. {@link SshHost} and
 * {@link LocalHost} are PosixHosts over an SSH channel, the expert root shell, or local
 * processes, so every one of them writes atomically and keeps mode and owner the same way.
 */
export class PosixHost implements Host {
  /** The appliance's name, for messages and results. */
  readonly name: string;
  readonly #channel: CommandChannel;
  readonly #options: PosixHostOptions;
  #closed = false;

  /**
   * @param name - the appliance's name
   * @param channel - how commands reach it
   */
  constructor(name: string, channel: CommandChannel, options: PosixHostOptions = {}) {
    this.name = name;
    this.#channel = channel;
    this.#options = options;
  }

  /** Reads a whole file (`cat`), byte for byte. */
  async readFile(path: string, options: HostOperationOptions = {}): Promise<Uint8Array> {
    return this.#operation('read-file', async () => {
      const result = await this.#exec(`cat -- ${shellWord(path)}`, 'read-file', options);
      this.#check(result, `reading ${path}`, 'read-file', path);
      return new Uint8Array(result.stdout);
    });
  }

  /** Replaces a file atomically, keeping mode and owner; see `writeFileAtomicVia`. */
  async writeFileAtomic(path: string, data: Uint8Array | string, options: WriteFileAtomicOptions = {}): Promise<WriteFileAtomicResult> {
    return this.#operation('write-file', () => {
      this.#assertOpen('write-file');
      const context: AtomicWriteContext = {
        host: this.name,
        timeoutMs: this.#timeout(options),
        now: this.#options.now ?? (() => new Date()),
        random: this.#options.random ?? randomBytes,
      };
      return writeFileAtomicVia(this.#channel, path, data, options, context);
    });
  }

  /** Type, mode, owner and group names, size and sha256 of a path (`stat`, `sha256sum`). */
  async stat(path: string, options: HostOperationOptions = {}): Promise<FileStat> {
    return this.#operation('stat', async () => {
      const p = shellWord(path);
      const result = await this.#exec(
        `stat -c '%f %a %U %G %s' -- ${p} && { [ -L ${p} ] || [ ! -f ${p} ] || sha256sum < ${p}; }`,
        'stat',
        options,
      );
      this.#check(result, `stat of ${path}`, 'stat', path);
      const [info = '', hash = ''] = result.stdout.toString('utf8').split('\n');
      const [rawMode = '0', mode = '0', owner = '', group = '', size = '0'] = info.split(' ');
      const typeBits = (parseInt(rawMode, 16) >> 12).toString(16);
      return {
        type: FILE_TYPES[typeBits] ?? 'other',
        mode: parseInt(mode, 8),
        owner,
        group,
        size: Number(size),
        sha256: hash.slice(0, 64),
      };
    });
  }

  /** Whether a path exists (a dangling symlink counts). */
  async exists(path: string, options: HostOperationOptions = {}): Promise<boolean> {
    return this.#operation('exists', async () => {
      const p = shellWord(path);
      const result = await this.#exec(`if [ -e ${p} ] || [ -L ${p} ]; then echo yes; else echo no; fi`, 'exists', options);
      this.#check(result, `checking ${path}`, 'exists', path);
      return result.stdout.toString('utf8').trim() === 'yes';
    });
  }

  /** The entry names of a directory, hidden ones included, sorted. */
  async list(path: string, options: HostOperationOptions = {}): Promise<string[]> {
    return this.#operation('list', async () => {
      const result = await this.#exec(
        `cd -- ${shellWord(path)} && for f in * .[!.]* ..?*; do if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\\0' "$f"; fi; done`,
        'list',
        options,
      );
      this.#check(result, `listing ${path}`, 'list', path);
      return result.stdout
        .toString('utf8')
        .split('\0')
        .filter((entry) => entry !== '')
        .sort();
    });
  }

  /** Copies a file keeping mode, owner and times (`cp -p` to a temporary file, then `mv`). */
  async copy(from: string, to: string, options: HostOperationOptions = {}): Promise<void> {
    return this.#operation('copy', async () => {
      const temp = posix.join(posix.dirname(to), `.${posix.basename(to)}.sftunnel-ca-${randomBytes(6).toString('hex')}.tmp`);
      const t = shellWord(temp);
      const result = await this.#exec(
        `cp -p -- ${shellWord(from)} ${t} && mv -f -- ${t} ${shellWord(to)} || { rm -f -- ${t}; exit 1; }`,
        'copy',
        options,
      );
      this.#check(result, `copying ${from} to ${to}`, 'copy', from);
    });
  }

  /** Renames a path (`mv -f`), atomic within one file system. */
  async rename(from: string, to: string, options: HostOperationOptions = {}): Promise<void> {
    return this.#operation('rename', async () => {
      const result = await this.#exec(`mv -f -- ${shellWord(from)} ${shellWord(to)}`, 'rename', options);
      this.#check(result, `renaming ${from} to ${to}`, 'rename', from);
    });
  }

  /** Runs a shell command as the effective user; a non-zero exit status is returned, not thrown. */
  async run(command: string, options: RunOptions = {}): Promise<CommandResult> {
    return this.#operation('run', async () => {
      const stdin = typeof options.stdin === 'string' ? Buffer.from(options.stdin, 'utf8') : options.stdin;
      const result = await this.#exec(command, 'run', options, stdin);
      return { stdout: result.stdout.toString('utf8'), stderr: result.stderr.toString('utf8'), code: result.code };
    });
  }

  /** Closes the channel; further calls throw `HOST_CLOSED`. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#channel.close();
    this.#options.onEvent?.({ type: 'closed', host: this.name });
  }

  async #operation<T>(step: string, body: () => Promise<T>): Promise<T> {
    const started = performance.now();
    const emit = (ok: boolean, code?: string): void =>
      this.#options.onEvent?.({
        type: 'operation',
        host: this.name,
        step,
        durationMs: Math.round(performance.now() - started),
        ok,
        ...(code === undefined ? {} : { code }),
      });
    try {
      const value = await body();
      emit(true);
      return value;
    } catch (error) {
      emit(false, isSftunnelCaError(error) ? error.code : 'UNKNOWN');
      throw error;
    }
  }

  #exec(command: string, step: string, options: HostOperationOptions, stdin?: Uint8Array): Promise<RawCommandResult> {
    this.#assertOpen(step);
    return this.#channel.exec(command, { stdin, signal: options.signal, timeoutMs: this.#timeout(options), step });
  }

  #check(result: RawCommandResult, what: string, step: string, file: string): void {
    if (result.code === 0) return;
    throw classifyCommandFailure(what, { stderr: result.stderr.toString('utf8'), code: result.code }, { host: this.name, step, file });
  }

  #timeout(options: HostOperationOptions): number {
    return options.timeoutMs ?? this.#options.operationTimeoutMs ?? 60_000;
  }

  #assertOpen(step: string): void {
    if (this.#closed) throw new SftunnelCaError('HOST_CLOSED', `${this.name} was closed`, { host: this.name, step });
  }
}
