import type { CliIo } from './cli-io.js';
import { TerminalFrame } from './terminal-frame.js';
import { terminalSafe } from './terminal-text.js';

/**
 * What a fleet command shows while it runs. On a terminal (stderr is a TTY with a width): a live list
 * redrawn in place, with one line per device in flight and its step under a title with the totals
 * and the elapsed time; lines (each device's outcome) are printed above it as they come. Otherwise:
 * plain lines, each printed once, with no cursor movement. stdout (results, `--json`) is never drawn on.
 */
export class FleetProgress {
  readonly #io: CliIo;
  readonly #title: string;
  readonly #live: boolean;
  readonly #inFlight = new Map<string, string>();
  /** The live list while {@link FleetProgress.run} runs on a terminal. */
  #frame: TerminalFrame | undefined;
  #through = 0;
  #total: number | undefined;
  #phase = '';

  /**
   * @param io - where to draw (stderr)
   * @param title - the command, e.g. `renew`
   */
  constructor(io: CliIo, title: string) {
    this.#io = io;
    this.#title = title;
    // A terminal without a size (some pseudo-terminals) cannot hold a live list: plain lines there.
    this.#live = io.stderr.isTTY === true && ((io.stderr as { columns?: number }).columns ?? 0) > 0;
  }

  /** How many devices the run covers, for the totals. */
  set total(devices: number) {
    this.#total = devices;
  }

  /**
   * A stage of the run (`preparing keys 12/22`), shown in the title on a terminal and nowhere else.
   *
   * @param text - the stage
   */
  phase(text: string): void {
    this.#phase = text;
  }

  /**
   * A line of the run's log, printed at once: above the live list on a terminal.
   *
   * @param text - one line
   */
  line(text: string): void {
    // Lines name devices and quote appliances: untrusted text.
    const safe = `${terminalSafe(text)}\n`;
    if (this.#frame === undefined) this.#io.stderr.write(safe);
    else this.#frame.print(safe);
  }

  /**
   * A device's current step, shown on its line while it is in flight.
   *
   * @param device - its name
   * @param step - the step it starts
   */
  step(device: string, step: string): void {
    if (this.#inFlight.has(device)) this.#inFlight.set(device, step);
  }

  /**
   * Wraps a `connect`: the device is in flight from the call until its host is closed (or the
   * connection fails).
   *
   * @param connect - opens a device's host
   * @param nameOf - the device's name
   */
  track<A, H extends { close(): Promise<void> }>(connect: (arg: A, signal: AbortSignal) => Promise<H>, nameOf: (arg: A) => string): (arg: A, signal: AbortSignal) => Promise<H> {
    return async (arg, signal) => {
      const name = nameOf(arg);
      this.#inFlight.set(name, 'connect');
      const land = (): void => {
        if (this.#inFlight.delete(name)) this.#through += 1;
      };
      let host: H;
      try {
        host = await connect(arg, signal);
      } catch (error) {
        land();
        throw error;
      }
      return new Proxy(host, {
        get: (target, property) => {
          const value: unknown = Reflect.get(target, property, target);
          if (property === 'close') {
            return (): Promise<void> => {
              land();
              return target.close();
            };
          }
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      });
    };
  }

  /**
   * Runs `work` under the live list (on a terminal) or as it is (otherwise). The list is redrawn
   * in place (see {@link TerminalFrame}) five times a second; lines and anything else written on
   * stderr meanwhile are printed above it. When the run ends, its last title stays as a summary.
   *
   * @param work - the run
   */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (!this.#live) return work();
    const started = Date.now();
    const frame = new TerminalFrame(this.#io.stderr);
    this.#frame = frame;
    frame.attach();
    const refresh = setInterval(() => frame.draw(this.#lines(started)), 200);
    try {
      frame.draw(this.#lines(started));
      return await work();
    } finally {
      clearInterval(refresh);
      frame.draw(this.#lines(started));
      frame.detach();
      this.#frame = undefined;
    }
  }

  /** The live list: a title with the totals, elapsed time and stage, then each device in flight and its step. */
  #lines(started: number): string[] {
    const elapsed = `${((Date.now() - started) / 1000).toFixed(0)}s`;
    const total = this.#total === undefined ? '' : ` of ${this.#total}`;
    const title = `${this.#title}: ${this.#inFlight.size} in flight, ${this.#through}${total} device phases done, ${elapsed}${this.#phase === '' ? '' : ` — ${this.#phase}`}`;
    return [title, ...[...this.#inFlight].map(([device, step]) => terminalSafe(`  ${device.padEnd(16)} ${step}`))];
  }
}
