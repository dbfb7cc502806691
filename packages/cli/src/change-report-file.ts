import { changeReport } from './change-report.js';
import type { ChangeRecord } from './change-record.js';
import { writePrivateFile } from './private-output-file.js';
import { renderHtmlReport } from './report-html.js';
import { renderMarkdownReport } from './report-markdown.js';

/** The formats of `renew --report`. */
export type ReportFormat = 'markdown' | 'html';

/**
 * The format a report file's name asks for: HTML for `.html` and `.htm` (any case), else Markdown.
 *
 * @param path - the report file
 */
export function reportFormatOf(path: string): ReportFormat {
  return /\.html?$/i.test(path) ? 'html' : 'markdown';
}

/**
 * Writes a change record as a report file (mode 0600, atomically), in the format its name asks for.
 *
 * @param path - the file, checked with `checkOutputPath`
 * @param record - from `ChangeRecorder.finish`
 */
export async function writeChangeReport(path: string, record: ChangeRecord): Promise<void> {
  const report = changeReport(record);
  await writePrivateFile(path, reportFormatOf(path) === 'html' ? renderHtmlReport(report) : renderMarkdownReport(report));
}
