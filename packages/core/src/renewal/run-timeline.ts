/** The phases of a renewal whose wall time a run records. */
export type RenewalPhase = 'generate' | 'stage' | 'deliver' | 'switch' | 'verify';

/** A stretch of wall time: from the first start to the last end of a phase's work. */
export interface PhaseSpan {
  /** ISO 8601. */
  readonly startedAt: string;
  /** ISO 8601. */
  readonly finishedAt: string;
  /** In milliseconds. */
  readonly durationMs: number;
}

interface Span {
  start: Date;
  end: Date;
}

/**
 * The wall-time record of one run: for each phase the first start and the last end of its work
 * (phases overlap when generation and delivery run in one go), and the change window: from the
 * first write to a live file (a device's files switched, or the FMC's) to the last tunnel seen up.
 */
export class RunTimeline {
  readonly #clock: () => Date;
  readonly #phases = new Map<RenewalPhase, Span>();
  #window: Span | undefined;
  #windowClosed = false;

  /** @param clock - the run's clock */
  constructor(clock: () => Date) {
    this.#clock = clock;
  }

  /** Runs `work` as part of `phase`, widening the phase's span to cover it (also when it fails). */
  async span<T>(phase: RenewalPhase, work: () => Promise<T>): Promise<T> {
    const start = this.#clock();
    try {
      return await work();
    } finally {
      const end = this.#clock();
      const span = this.#phases.get(phase);
      if (span === undefined) this.#phases.set(phase, { start, end });
      else {
        if (start < span.start) span.start = start;
        if (end > span.end) span.end = end;
      }
    }
  }

  /** A live file is about to change: opens the change window if it is not open. */
  liveWrite(): void {
    const now = this.#clock();
    this.#window ??= { start: now, end: now };
  }

  /** A tunnel is seen up on the new files: extends the change window to now. */
  tunnelUp(): void {
    if (this.#window === undefined) return;
    this.#window.end = this.#clock();
    this.#windowClosed = true;
  }

  /** The spans of the phases that ran. */
  phases(): Partial<Record<RenewalPhase, PhaseSpan>> {
    return Object.fromEntries([...this.#phases].map(([phase, span]) => [phase, toPhaseSpan(span)]));
  }

  /** The change window, when a live file changed in this run; it ends now when no tunnel came up since. */
  changeWindow(): PhaseSpan | undefined {
    if (this.#window === undefined) return undefined;
    return toPhaseSpan(this.#windowClosed ? this.#window : { start: this.#window.start, end: this.#clock() });
  }
}

function toPhaseSpan(span: Span): PhaseSpan {
  return { startedAt: span.start.toISOString(), finishedAt: span.end.toISOString(), durationMs: span.end.getTime() - span.start.getTime() };
}
