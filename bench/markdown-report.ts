import { markdownTable } from 'markdown-table';
import type { BenchReport, Figure } from './report.js';

const DECIMALS: Readonly<Record<Figure['unit'], number>> = { s: 1, ms: 2, 'keys/s': 1, MiB: 0, KiB: 0, '×': 2, devices: 0, scrapes: 0 };

function formatValue(figure: Figure): string {
  if (!Number.isFinite(figure.value)) return 'n/a';
  const number = figure.value.toLocaleString('en-US', { minimumFractionDigits: DECIMALS[figure.unit], maximumFractionDigits: DECIMALS[figure.unit] });
  return `${number} ${figure.unit}${figure.extrapolated === true ? ' (extrapolated)' : ''}`;
}

/** The report as Markdown: the run's facts, then one table of every section's figures with the goals beside them. */
export function markdownReport(report: BenchReport): string {
  const { machine } = report;
  const rows = report.sections.flatMap((section) =>
    section.figures.map((figure, i) => [
      i === 0 ? `**${section.title}**` : '',
      figure.name,
      formatValue(figure),
      figure.goal?.text ?? '',
      figure.goal === undefined ? '' : figure.goal.met ? 'met' : '**not met**',
    ]),
  );
  const notes = report.sections.flatMap((section) => section.notes.map((note) => `- ${section.id}: ${note}`));
  return [
    `# sftunnel-ca benchmark (${report.mode}, ${report.devices} devices)`,
    '',
    `\`${report.command}\` — ${report.startedAt} → ${report.finishedAt}`,
    '',
    `Machine: ${machine.cpus} CPUs (${machine.cpuModel}), Node ${machine.node}, ${machine.platform}, load average ${machine.loadAverageAtStart.toFixed(2)} at start. Engine: ${report.engine}.`,
    '',
    markdownTable([['section', 'figure', 'value', 'goal', 'verdict'], ...rows], { align: ['l', 'l', 'r', 'l', 'c'] }),
    '',
    'Notes:',
    '',
    ...notes,
    '',
  ].join('\n');
}
