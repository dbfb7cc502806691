import cliTruncate from 'cli-truncate';

/** A terminal stream: its size is known while it is a terminal. */
export type TerminalStream = NodeJS.WritableStream & { columns?: number; rows?: number };

/** Erases the frame drawn last: back to the start of its first line, then everything below. */
const eraseFrame = (rows: number): string => `\r${rows > 1 ? `\u001b[${rows - 1}A` : ''}\u001b[J`;

/**
 * A block of lines kept at the bottom of a terminal and redrawn in place: each frame replaces the
 * last (cursor up, erase down), never scrolls it into the scrollback. Lines are cut to the
 * terminal's width (so none wraps and the count of rows to go back up is exact) and the block to
 * its height (the last row says how many lines are left out). While attached, whatever else is
 * written on the stream is printed above the block, which is then drawn again.
 */
export class TerminalFrame {
  readonly #stream: TerminalStream;
  readonly #write: TerminalStream['write'];
  /** The stream's own `write` property before {@link TerminalFrame.attach}, if it had one. */
  readonly #ownWrite: PropertyDescriptor | undefined;
  #lines: readonly string[] = [];
  /** Rows on screen of the frame drawn last (0: none). */
  #drawn = 0;
  /** Text written by others since their last newline, printed with the next one. */
  #partial = '';

  /** @param stream - the terminal (stderr) */
  constructor(stream: TerminalStream) {
    this.#stream = stream;
    this.#write = stream.write.bind(stream) as TerminalStream['write'];
    this.#ownWrite = Object.getOwnPropertyDescriptor(stream, 'write');
  }

  /** Sends what others write on the stream above the frame, until {@link TerminalFrame.detach}. */
  attach(): void {
    this.#stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      this.#above(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const callback = rest.find((argument): argument is () => void => typeof argument === 'function');
      callback?.();
      return true;
    }) as TerminalStream['write'];
  }

  /**
   * Draws `lines` in place of the frame drawn last.
   *
   * @param lines - the frame, one entry a line, without escape sequences of its own
   */
  draw(lines: readonly string[]): void {
    this.#lines = lines;
    this.#write(`${eraseFrame(this.#drawn)}${this.#render()}`);
  }

  /**
   * Prints `text` above the frame, which is then drawn again.
   *
   * @param text - whole lines, each ending with a newline
   */
  print(text: string): void {
    this.#write(`${eraseFrame(this.#drawn)}${text}`);
    this.#drawn = 0;
    this.#write(this.#render());
  }

  /** Stops redrawing: the frame drawn last stays on screen as ordinary output, and others write on the stream directly again. */
  detach(): void {
    if (this.#ownWrite === undefined) delete (this.#stream as { write?: unknown }).write;
    else Object.defineProperty(this.#stream, 'write', this.#ownWrite);
    this.#write(`${this.#drawn > 0 ? '\n' : ''}${this.#partial}`);
    this.#partial = '';
    this.#drawn = 0;
  }

  #above(text: string): void {
    const end = text.lastIndexOf('\n');
    if (end < 0) {
      this.#partial += text;
      return;
    }
    const whole = `${this.#partial}${text.slice(0, end + 1)}`;
    this.#partial = text.slice(end + 1);
    this.print(whole);
  }

  /** The frame as written: cut to the terminal's size; sets how many rows it takes. */
  #render(): string {
    const columns = Math.max((this.#stream.columns ?? 80) - 1, 1);
    const rows = Math.max((this.#stream.rows ?? 24) - 1, 1);
    const shown = this.#lines.length <= rows ? this.#lines : [...this.#lines.slice(0, rows - 1), `… and ${this.#lines.length - rows + 1} more`];
    this.#drawn = shown.length;
    return shown.map((line) => cliTruncate(line, columns)).join('\n');
  }
}
