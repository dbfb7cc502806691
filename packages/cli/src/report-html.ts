import escapeHtml from 'escape-html';
import type { ChangeReport, ReportColumn } from './change-report.js';

/** The page's whole style: inline, so the file needs nothing else (no fetch, no script). */
const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem; color: #1b1f24; background: #fff; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 2rem; border-bottom: 1px solid #d0d7de; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; } dt { font-weight: 600; } dd { margin: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; } th, td { border: 1px solid #d0d7de; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #f6f8fa; } code { font: 12px ui-monospace, monospace; overflow-wrap: anywhere; }
td.outcome-renewed { background: #dafbe1; } td.outcome-failed { background: #ffebe9; } td.outcome-not-started, td.outcome-delivered { background: #fff8c5; }
li { margin: .25rem 0; overflow-wrap: anywhere; }
`;

/**
 * The change report as one self-contained HTML page: inline CSS, no script, no external resource
 * (a Content-Security-Policy forbids both, should a name ever slip through), every text escaped
 * with `escape-html`. A device row's outcome colours its cell.
 *
 * @param report - from `changeReport`
 */
export function renderHtmlReport(report: ChangeReport): string {
  const parts = [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    `<title>${escapeHtml(report.title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<h1>${escapeHtml(report.title)}</h1>`,
  ];
  report.sections.forEach((section, index) => {
    parts.push(`<section id="section-${index + 1}">`, `<h2>${escapeHtml(section.title)}</h2>`);
    if (section.facts !== undefined) {
      parts.push('<dl>', ...section.facts.map(([label, value]) => `<dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value)}</dd>`), '</dl>');
    }
    if (section.table !== undefined && section.table.rows.length > 0) {
      const { columns, rows } = section.table;
      parts.push('<table>', `<thead><tr>${columns.map((column) => `<th>${escapeHtml(column.title)}</th>`).join('')}</tr></thead>`, '<tbody>');
      for (const cells of rows) parts.push(`<tr>${cells.map((cell, i) => htmlCell(cell, columns[i])).join('')}</tr>`);
      parts.push('</tbody>', '</table>');
    }
    if (section.items !== undefined) parts.push('<ul>', ...section.items.map((item) => `<li>${escapeHtml(item)}</li>`), '</ul>');
    parts.push('</section>');
  });
  parts.push('</body>', '</html>', '');
  return parts.join('\n');
}

function htmlCell(cell: string, column: ReportColumn | undefined): string {
  const text = escapeHtml(cell);
  if (column?.kind === 'code') return `<td><code>${text}</code></td>`;
  if (column?.kind === 'outcome') return `<td class="outcome-${escapeHtml(cell.replace(/[^a-z-]/g, ''))}">${text}</td>`;
  return `<td>${text}</td>`;
}
