import { DefaultRenderer, Listr, ListrLogger, ProcessOutput } from 'listr2';
import type { CliIo } from './cli-io.js';
import { terminalSafe } from './terminal-text.js';

/** A listr2 default renderer drawn on stderr whether or not stdout is a terminal (stdout may be a pipe of `--json`). */
class StderrTaskListRenderer extends DefaultRenderer {
  static override nonTTY = true;
}

/**
 * What a fleet command shows while it runs. On a terminal (stderr is a TTY with a width): a live task list
 * (listr2) with one line per device in flight and its step, and a title with the totals and the
 * elapsed time; lines are kept until the list ends. Otherwise: plain lines, each printed once,
 * with no cursor movement.
 */
export class FleetProgress {
  readonly #io: CliIo;
  readonly #title: string;
  readonly #live: boolean;
  readonly #inFlight = new Map<string, string>();
  readonly #held: string[] = [];
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
   * A line of the run's log: printed at once when not on a terminal, after the live list otherwise.
   *
   * @param text - one line
   */
  line(text: string): void {
    // Lines name devices and quote appliances: untrusted text.
    const safe = terminalSafe(text);
    if (this.#live) this.#held.push(safe);
    else this.#io.stderr.write(`${safe}\n`);
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
   * Runs `work` under the live task list (on a terminal) or as it is (otherwise).
   *
   * @param work - the run
   */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (!this.#live) return work();
    const started = Date.now();
    let result: T | undefined;
    const listr = new Listr<object, typeof StderrTaskListRenderer>(
      [
        {
          title: this.#title,
          rendererOptions: { outputBar: Number.POSITIVE_INFINITY, persistentOutput: false },
          task: async (_context, task): Promise<void> => {
            const refresh = setInterval(() => this.#draw(task, started), 200);
            try {
              this.#draw(task, started);
              result = await work();
              this.#draw(task, started);
            } finally {
              clearInterval(refresh);
            }
          },
        },
      ],
      {
        renderer: StderrTaskListRenderer,
        registerSignalListeners: false,
        exitOnError: true,
        // listr2 draws on its "stdout": our stderr. What else is written meanwhile is held and written after the list.
        rendererOptions: { logger: new ListrLogger({ useIcons: true, toStderr: [], processOutput: new ProcessOutput(this.#io.stderr as NodeJS.WriteStream, this.#io.stdout as NodeJS.WriteStream) }) },
      },
    );
    try {
      await listr.run();
    } finally {
      for (const text of this.#held.splice(0)) this.#io.stderr.write(`${text}\n`);
    }
    return result as T;
  }

  #draw(task: { title: string; output: string }, started: number): void {
    const elapsed = `${((Date.now() - started) / 1000).toFixed(0)}s`;
    const total = this.#total === undefined ? '' : ` of ${this.#total}`;
    task.title = `${this.#title}: ${this.#inFlight.size} in flight, ${this.#through}${total} device phases done, ${elapsed}${this.#phase === '' ? '' : ` — ${this.#phase}`}`;
    task.output = terminalSafe([...this.#inFlight].map(([device, step]) => `${device.padEnd(16)} ${step}`).join('\n'));
  }
}
