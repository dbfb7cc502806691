import type { ChangeReport, ReportColumn } from './change-report.js';

/**
 * Escapes text for Markdown (CommonMark with GitHub's tables and strikethrough): each character
 * that can open an inline construct — `\` `` ` `` `*` `_` `[` `]` `<` `>` `&` `~` `|` — is
 * backslash-escaped, which CommonMark reads back as the character itself. So a device name such as
 * `<script>`, `a|b` or `[x](y)` shows as written, never as HTML, an entity, a link, emphasis or a
 * table cell break; the rest (dates, paths, addresses) stays readable as plain text. The text is
 * never at the start of a line, where `#`, `-` or `1.` would matter.
 *
 * @param text - one visible line (see `ChangeReport`)
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>&~|]/g, (character) => `\\${character}`);
}

/**
 * The change report as Markdown, for a change ticket: a heading per section, facts as a list,
 * tables in GitHub's pipe syntax. Every text escaped ({@link escapeMarkdown}).
 *
 * @param report - from `changeReport`
 */
export function renderMarkdownReport(report: ChangeReport): string {
  const lines = [`# ${escapeMarkdown(report.title)}`];
  for (const section of report.sections) {
    lines.push('', `## ${escapeMarkdown(section.title)}`);
    if (section.facts !== undefined) {
      lines.push('', ...section.facts.map(([label, value]) => `- **${escapeMarkdown(label)}**: ${escapeMarkdown(value)}`));
    }
    if (section.table !== undefined && section.table.rows.length > 0) {
      const { columns, rows } = section.table;
      const row = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
      lines.push('', row(columns.map((column) => escapeMarkdown(column.title))), row(columns.map(() => '---')));
      for (const cells of rows) lines.push(row(cells.map((cell, index) => markdownCell(cell, columns[index]))));
    }
    if (section.items !== undefined) lines.push('', ...section.items.map((item) => `- ${escapeMarkdown(item)}`));
  }
  return `${lines.join('\n')}\n`;
}

/** A table cell: code columns in a code span (fingerprints, codes: only letters, digits and `_`), the rest escaped. */
function markdownCell(cell: string, column: ReportColumn | undefined): string {
  if (cell === '') return '';
  return column?.kind === 'code' && /^[\w.:-]+$/.test(cell) ? `\`${cell}\`` : escapeMarkdown(cell);
}
