/**
 * `text` as roff running text: backslashes escaped, hyphens as `\-` (so option names copy and
 * search as typed), anything beyond ASCII as `\[uXXXX]`, and a line that would start with `.` or
 * `'` (a request) guarded with `\&`.
 *
 * @param text - plain text, possibly of several lines
 */
export function roffText(text: string): string {
  return text
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .replace(/[^\n\x20-\x7e]/gu, (c) => `\\[u${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}]`)
    .replace(/^(?=[.'])/gm, '\\&');
}
