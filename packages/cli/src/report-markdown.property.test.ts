import fc from 'fast-check';
import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { escapeMarkdown } from './report-markdown.js';

const markdown = new MarkdownIt({ html: true, linkify: false });

/** The text of rendered HTML: tags dropped, markdown-it's entities decoded. */
function textOf(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&amp;', '&')
    .trim();
}

describe('escapeMarkdown', () => {
  it('reads back as the text itself, in a list item and in a table cell, whatever markup the text holds', () => {
    // One visible line, as the report's text is: printable ASCII and a few other characters, no line break.
    const line = fc.stringMatching(/^[ -~éλ漢]{1,40}$/).filter((text) => text.trim() === text && text !== '');
    fc.assert(
      fc.property(line, (text) => {
        const item = markdown.render(`- **Device**: ${escapeMarkdown(text)}`);
        expect(item).toMatch(/^<ul>\n<li><strong>Device<\/strong>: [^]*<\/li>\n<\/ul>\n$/);
        expect(textOf(item)).toBe(`Device: ${text}`);
        const table = markdown.render(`| a | b |\n| --- | --- |\n| ${escapeMarkdown(text)} | x |`);
        expect(table.match(/<td>/g)).toHaveLength(2);
        expect(textOf(/<tbody>([^]*)<\/tbody>/.exec(table)?.[1]?.split('</td>')[0] ?? '')).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });

  it('leaves no HTML of the text in the rendered page', () => {
    expect(markdown.render(`x ${escapeMarkdown('<script>alert(1)</script><img src=x onerror=alert(1)>')}`)).toBe('<p>x &lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;</p>\n');
  });
});
