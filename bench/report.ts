/** The sections of the report, in order (issue 10). */
export const SECTION_IDS = ['limit', 'ours', 'realistic', 'peer', 'change-window', 'unreachable', 'lab', 'exporter'] as const;

/** A section of the report. */
export type SectionId = (typeof SECTION_IDS)[number];

/** Units of figures. */
export type FigureUnit = 's' | 'ms' | 'keys/s' | 'MiB' | 'KiB' | '×' | 'devices' | 'scrapes';

/** One measured (or derived) number. */
export interface Figure {
  /** What it is. */
  readonly name: string;
  readonly value: number;
  readonly unit: FigureUnit;
  /** The goal it is held to, when it has one, and whether it meets it. */
  readonly goal?: { readonly text: string; readonly met: boolean };
  /** A difference of two measurements: may come out zero or negative on a noisy machine. */
  readonly difference?: boolean;
  /** A count of devices by outcome, or a span the engine records in whole milliseconds: may be 0. */
  readonly mayBeZero?: boolean;
  /** Computed from a smaller measured sample, not measured at this size. */
  readonly extrapolated?: boolean;
}

/** One section of the report: its figures and what to know about them. */
export interface ReportSection {
  readonly id: SectionId;
  readonly title: string;
  readonly figures: readonly Figure[];
  readonly notes: readonly string[];
}

/** The machine the run was on. */
export interface MachineFacts {
  /** `nproc`. */
  readonly cpus: number;
  readonly cpuModel: string;
  readonly node: string;
  readonly platform: string;
  /** Load average (1 min) at the start: other work on the machine. */
  readonly loadAverageAtStart: number;
  readonly uvThreadpoolSize: string;
}

/** The benchmark's report (`report.json`). */
export interface BenchReport {
  readonly version: 1;
  readonly mode: 'full' | 'quick';
  /** Devices of each fleet. */
  readonly devices: number;
  readonly command: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly machine: MachineFacts;
  /** The engine entry point the renewals used. */
  readonly engine: string;
  readonly sections: readonly ReportSection[];
}
