/** What a command printed, as bytes, and how it ended. */
export interface RawCommandResult {
  /** Standard output, byte for byte. */
  readonly stdout: Buffer;
  /** Standard error, byte for byte. */
  readonly stderr: Buffer;
  /** Exit status (128 + signal number when killed by a signal). */
  readonly code: number;
}

/** Options of {@link CommandChannel.exec}. */
export interface ChannelExecOptions {
  /** Bytes for the command's standard input (empty input when omitted). */
  readonly stdin?: Uint8Array | undefined;
  /** Cancels the command. */
  readonly signal?: AbortSignal | undefined;
  /** Deadline in milliseconds; `0` or less for none. */
  readonly timeoutMs: number;
  /** The step named in errors, e.g. `write-file`. */
  readonly step: string;
}

/**
 * A way to run POSIX shell commands as some user on some machine: an SSH exec channel, the
 * appliance's expert root shell, or a local process. {@link PosixHost} builds every
 * `Host` operation on this alone, so atomic writes and owner/mode rules are the same
 * everywhere.
 */
export interface CommandChannel {
  /** Runs one command with `sh`-compatible syntax and collects its output exactly. */
  exec(command: string, options: ChannelExecOptions): Promise<RawCommandResult>;
  /** Releases the channel (closes the connection). Safe to call twice. */
  close(): Promise<void>;
}
