/** Options of {@link CollectionLoop}. */
export interface CollectionLoopOptions {
  /** Time from the start of one round to the start of the next, before jitter, in ms. */
  readonly intervalMs: number;
  /** Spread of each interval as a fraction of it (0.1: ±10 %), so that exporters started together drift apart. */
  readonly jitter: number;
  /** A number in [0, 1); default `Math.random`. */
  readonly random?: () => number;
}

/**
 * Runs rounds on an interval with jitter, never two at once: the next round is scheduled when
 * the current one ends, and {@link CollectionLoop.runNow} during a round joins it instead of
 * starting another. Timers are unref'd, so an embedding process can still exit.
 */
export class CollectionLoop<T> {
  readonly #round: () => Promise<T>;
  readonly #options: CollectionLoopOptions;
  #current: Promise<T> | undefined;
  #currentStartedAt: number | undefined;
  #timer: NodeJS.Timeout | undefined;
  #started = false;
  #stopped = false;

  /**
   * @param round - one round; it must not reject (report failures in its value)
   * @param options - interval and jitter
   */
  constructor(round: () => Promise<T>, options: CollectionLoopOptions) {
    this.#round = round;
    this.#options = options;
  }

  /** When the round under way started (ms since the epoch, real time), if one is. */
  get roundStartedAt(): number | undefined {
    return this.#currentStartedAt;
  }

  /** Starts the first round now and keeps going until {@link CollectionLoop.stop}. Safe to call twice. */
  start(): void {
    if (this.#started || this.#stopped) return;
    this.#started = true;
    void this.#scheduled();
  }

  /** A round now, or the one under way. */
  runNow(): Promise<T> {
    if (this.#current !== undefined) return this.#current;
    this.#currentStartedAt = Date.now();
    this.#current = this.#round().finally(() => {
      this.#current = undefined;
      this.#currentStartedAt = undefined;
    });
    return this.#current;
  }

  /** Stops scheduling and waits for the round under way, if any. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#current;
  }

  async #scheduled(): Promise<void> {
    const startedAt = Date.now();
    await this.runNow();
    if (this.#stopped) return;
    const { intervalMs, jitter } = this.#options;
    const random = this.#options.random ?? Math.random;
    const next = intervalMs * (1 + jitter * (2 * random() - 1));
    this.#timer = setTimeout(() => void this.#scheduled(), Math.max(0, startedAt + next - Date.now()));
    this.#timer.unref();
  }
}
