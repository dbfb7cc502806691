import { ERROR_CODES } from './error-codes.js';

/**
 * `docs/errors.md`, rendered from {@link ERROR_CODES} (by `pnpm docs:errors`; a test fails when
 * the committed file differs).
 */
export function renderErrorCodesMarkdown(): string {
  const rows = Object.entries(ERROR_CODES).map(([code, { meaning, remedy }]) => `| \`${code}\` | ${escape(meaning)} | ${escape(remedy)} |`);
  return [
    '# Error codes',
    '',
    'Every error sftunnel-ca throws on purpose is a `SftunnelCaError` with one of these codes.',
    'The code statically and permanently identifies the error; the message may change.',
    'Test for a code with `isSftunnelCaError(error, "CODE")`.',
    '',
    '<!-- Generated from packages/core/src/errors/error-codes.ts by `pnpm docs:errors`. Do not edit. -->',
    '',
    '| code | what it means | what to do |',
    '|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

function escape(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}
