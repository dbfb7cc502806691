import type { Host } from '../host/host.js';
import { writeFilesInOneCommand, type NewFile, type WriteFilesOptions } from './write-files-batch.js';

interface Waiting {
  readonly file: NewFile;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Writes files of one host as they come, grouping them (group commit): the first file is written
 * at once; those that arrive while a write is under way wait and go together in the next command
 * ({@link writeFilesInOneCommand}), up to `maxFiles`. So staging 1,000 device pairs while their
 * keys are being generated takes a few dozen commands on the FMC, not thousands, and a file never
 * waits for a batch to fill.
 */
export class GroupedFileWriter {
  readonly #host: Host;
  readonly #options: WriteFilesOptions;
  readonly #maxFiles: number;
  readonly #waiting: Waiting[] = [];
  #writing = false;

  /**
   * @param host - the host
   * @param options - as for {@link writeFilesInOneCommand}, and the most files a command writes (default 50)
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
    return new Promise<void>((resolve, reject) => {
      this.#waiting.push({ file, resolve, reject });
      void this.#next();
    });
  }

  async #next(): Promise<void> {
    if (this.#writing || this.#waiting.length === 0) return;
    this.#writing = true;
    const group = this.#waiting.splice(0, this.#maxFiles);
    try {
      await writeFilesInOneCommand(
        this.#host,
        group.map((w) => w.file),
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
