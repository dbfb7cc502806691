import type { Host } from './host.js';
import { writeFilesInOneCommand, type NewFile, type WriteFilesOptions } from './write-files-batch.js';

interface Waiting {
  /** Files that go in the same command (a certificate and its key): never split across two. */
  readonly files: readonly NewFile[];
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Writes files of one host as they come, grouping them (group commit): the first file is written
 * at once; those that arrive while a write is under way wait and go together in the next command
 * ({@link writeFilesInOneCommand}), up to `maxFiles`. So staging 1,000 device pairs while their
 * keys are being generated takes a few dozen commands on the FMC, not thousands, and a file never
 * waits for a batch to fill. Files given together ({@link GroupedFileWriter.writeTogether}, a
 * certificate and its key) always land in the same command.
 */
export class GroupedFileWriter {
  readonly #host: Host;
  readonly #options: WriteFilesOptions;
  readonly #maxFiles: number;
  readonly #waiting: Waiting[] = [];
  #writing = false;

  /**
   * @param host - the host
   * @param options - as for {@link writeFilesInOneCommand}, and the most files a command writes (default 50; files given together may exceed it)
   */
  constructor(host: Host, options: WriteFilesOptions & { readonly maxFiles?: number }) {
    this.#host = host;
    this.#options = options;
    this.#maxFiles = Math.max(1, options.maxFiles ?? 50);
  }

  /**
   * Writes a file with the next group.
   *
   * @returns once it is written and checked
   * @throws what writing its group threw
   */
  write(file: NewFile): Promise<void> {
    return this.writeTogether([file]);
  }

  /**
   * Writes files in the same command, with the next group: a pair (certificate and key) is never
   * split between two commands, so an interruption between commands leaves both or neither.
   *
   * @param files - the files to write together
   * @returns once they are written and checked
   * @throws what writing their group threw
   */
  writeTogether(files: readonly NewFile[]): Promise<void> {
    if (files.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.#waiting.push({ files, resolve, reject });
      void this.#next();
    });
  }

  async #next(): Promise<void> {
    if (this.#writing || this.#waiting.length === 0) return;
    this.#writing = true;
    // Whole units up to maxFiles files (at least one unit).
    let units = 0;
    let count = 0;
    for (const waiting of this.#waiting) {
      if (units > 0 && count + waiting.files.length > this.#maxFiles) break;
      units += 1;
      count += waiting.files.length;
    }
    const group = this.#waiting.splice(0, units);
    try {
      await writeFilesInOneCommand(
        this.#host,
        group.flatMap((w) => w.files),
        this.#options,
      );
      for (const waiting of group) waiting.resolve();
    } catch (error) {
      for (const waiting of group) waiting.reject(error);
    } finally {
      this.#writing = false;
      void this.#next();
    }
  }
}
