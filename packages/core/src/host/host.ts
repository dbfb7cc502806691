/**
 * What core needs from an appliance (an FMC, an FTD or a jump server): files and commands.
 *
 * Core has no network code: `@sftunnel-ca/transport` implements this interface over SSH
 * (`SshHost`) and on the local machine (`LocalHost`), and `@sftunnel-ca/lab` serves
 * appliances that those implementations talk to.
 *
 * Paths are absolute POSIX paths on the appliance. Implementations throw
 * {@link SftunnelCaError}s that name the host and the step.
 */
export interface Host {
  /** A name for messages and result records: the appliance name, or its address. */
  readonly name: string;

  /** Reads a whole file. */
  readFile(path: string, options?: HostOperationOptions): Promise<Uint8Array>;

  /**
   * Replaces (or creates) a file so that readers only ever see the old or the new content:
   * writes a temporary file in the same directory, gives it the mode and owner of the file it
   * replaces (or those asked), checks its sha256, then renames it over the target.
   */
  writeFileAtomic(path: string, data: Uint8Array | string, options?: WriteFileAtomicOptions): Promise<WriteFileAtomicResult>;

  /** Mode, owner, group, size and sha256 of a file; throws when it does not exist. */
  stat(path: string, options?: HostOperationOptions): Promise<FileStat>;

  /** Whether a path exists (file or directory). */
  exists(path: string, options?: HostOperationOptions): Promise<boolean>;

  /** The names (not paths) of the entries of a directory, sorted. */
  list(path: string, options?: HostOperationOptions): Promise<string[]>;

  /** Copies a file, keeping its mode and owner. */
  copy(from: string, to: string, options?: HostOperationOptions): Promise<void>;

  /** Renames a file within one file system (atomic). */
  rename(from: string, to: string, options?: HostOperationOptions): Promise<void>;

  /** Runs a shell command as the host's effective user (root after escalation). */
  run(command: string, options?: RunOptions): Promise<CommandResult>;

  /** Closes the connection; further calls fail. Safe to call twice. */
  close(): Promise<void>;
}

/** Options every {@link Host} operation accepts. */
export interface HostOperationOptions {
  /** Cancels the operation. */
  readonly signal?: AbortSignal;
  /** Deadline for this operation in milliseconds (the host's default when omitted). */
  readonly timeoutMs?: number;
}

/** Options of {@link Host.run}. */
export interface RunOptions extends HostOperationOptions {
  /** Data written to the command's standard input. */
  readonly stdin?: Uint8Array | string;
}

/** What a command printed and how it ended. */
export interface CommandResult {
  /** Standard output, decoded as UTF-8. */
  readonly stdout: string;
  /** Standard error, decoded as UTF-8 (empty where the shell merges it into stdout). */
  readonly stderr: string;
  /** The exit status. */
  readonly code: number;
}

/** Options of {@link Host.writeFileAtomic}. */
export interface WriteFileAtomicOptions extends HostOperationOptions {
  /** Permission bits, e.g. `0o644`; default: those of the file replaced, else `0o644`. */
  readonly mode?: number;
  /** Owner user name; default: that of the file replaced, else the effective user. */
  readonly owner?: string;
  /** Owner group name; default: that of the file replaced, else the effective group. */
  readonly group?: string;
  /**
   * Keep the file replaced as `<path>.backup` (the manual method's name). An existing
   * backup is never overwritten: the new one is then kept as `<path>.backup.<timestamp>`.
   */
  readonly backup?: boolean;
}

/** What {@link Host.writeFileAtomic} did. */
export interface WriteFileAtomicResult {
  /** sha256 of the content now at the path, lowercase hex. */
  readonly sha256: string;
  /** Where the replaced file was kept, when a backup was asked for and there was a file. */
  readonly backupPath?: string;
}

/** What {@link Host.stat} reports of a file. */
export interface FileStat {
  /** `file`, `directory`, `symlink` or `other`. */
  readonly type: 'file' | 'directory' | 'symlink' | 'other';
  /** Permission bits, e.g. `0o644`. */
  readonly mode: number;
  /** Owner user name. */
  readonly owner: string;
  /** Owner group name. */
  readonly group: string;
  /** Size in bytes. */
  readonly size: number;
  /** sha256 of the content, lowercase hex (files only; empty otherwise). */
  readonly sha256: string;
}
