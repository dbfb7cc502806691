import type { PreflightReport } from '@sftunnel-ca/core';
import { terminalSafe } from './terminal-text.js';

/**
 * A preflight report as text: the counts, then each `fail` and `warn` finding with its device,
 * message and what to do (`pass` findings only with `all`).
 *
 * @param report - from preflightRenewal
 * @param all - list the passed probes too
 */
export function formatPreflightFindings(report: PreflightReport, all = false): string {
  const shown = report.findings.filter((finding) => all || finding.verdict !== 'pass');
  const lines = shown.map((finding) => {
    const where = finding.device === undefined ? 'FMC' : `${finding.device.name} (${finding.device.address})`;
    const remedy = finding.remedy === undefined ? '' : `\n      what to do: ${finding.remedy}`;
    return `  ${finding.verdict.toUpperCase().padEnd(4)} ${finding.probe} ${where}${finding.cause === undefined ? '' : ` [${finding.cause}]`}: ${finding.message}${remedy}`;
  });
  const { pass, warn, fail } = report.counts;
  // Findings name devices and quote appliances: untrusted text.
  return terminalSafe([`preflight of ${report.fmc}: ${pass} passed, ${warn} warnings, ${fail} failed${report.refused ? ' — refused' : ''}`, ...lines].join('\n'));
}
