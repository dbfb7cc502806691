import { REALISTIC_LATENCY } from './realistic-latency.js';

/** A goal of issues 10 and 25 and whether a figure meets it. Goals are stated in the report, never asserted in tests. */
export interface GoalVerdict {
  /** The goal, as the issue states it. */
  readonly text: string;
  /** Whether the figure meets it in this run. */
  readonly met: boolean;
}

/** The goals of issue 10 as issue 25 restates them for the expert path, each a test of a figure. */
export const GOALS = {
  /** Renewal wall on the zero-latency lab over bare key generation with the same provider, measured in the same run. */
  renewalOverKeyGeneration: (ratio: number): GoalVerdict => ({ text: '≤ 1.5 × bare key generation', met: ratio <= 1.5 }),
  /** The lab's CPU per renewed device on the expert path: low enough that the lab measures the engine. */
  labCpuPerDevice: (ms: number): GoalVerdict => ({ text: '≤ 60 ms of lab CPU per device', met: ms <= 60 }),
  /** Serial copy (extrapolated) over our renewal, both with realistic latency. */
  speedupOverSerialCopy: (ratio: number): GoalVerdict => ({ text: '≥ 50 × faster than the serial copy', met: ratio >= 50 }),
  /** First live write to last tunnel up, keys prepared ahead, realistic latency. */
  changeWindow: (seconds: number): GoalVerdict => ({ text: '≤ 60 s for 1,000 prepared devices', met: seconds <= 60 }),
  /** What 10 % unreachable devices add to the delivery. */
  unreachableCost: (seconds: number): GoalVerdict => ({
    text: `≤ one connect timeout (${REALISTIC_LATENCY.connectTimeoutMs / 1000} s)`,
    met: seconds <= REALISTIC_LATENCY.connectTimeoutMs / 1000,
  }),
  /** Peak RSS of the renewing process. */
  renewerPeakRss: (mebibytes: number): GoalVerdict => ({ text: '≤ 512 MiB', met: mebibytes <= 512 }),
  /** `/metrics` from the exporter's cache. */
  metricsLatency: (ms: number): GoalVerdict => ({ text: '< 50 ms', met: ms < 50 }),
} as const;
