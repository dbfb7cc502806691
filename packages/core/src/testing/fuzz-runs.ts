/**
 * How many runs each fast-check property makes: `FUZZ_RUNS` from the environment
 * (the root `pnpm fuzz` script sets 10,000), else 1,000.
 */
export function fuzzRuns(): number {
  const runs = Number.parseInt(process.env['FUZZ_RUNS'] ?? '', 10);
  return Number.isSafeInteger(runs) && runs > 0 ? runs : 1000;
}
