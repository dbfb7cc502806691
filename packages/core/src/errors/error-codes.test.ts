import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from './error-codes.js';
import { renderErrorCodesMarkdown } from './error-codes-markdown.js';
import { SftunnelCaError, isSftunnelCaError } from './sftunnel-ca-error.js';

describe('error codes', () => {
  it('are documented in docs/errors.md exactly as the table says (run `pnpm docs:errors` after a change)', async () => {
    const committed = await readFile(new URL('../../../../docs/errors.md', import.meta.url), 'utf8');
    expect(committed).toBe(renderErrorCodesMarkdown());
  });

  it('each have a meaning and a remedy in sentences', () => {
    for (const [code, entry] of Object.entries(ERROR_CODES)) {
      expect(code).toMatch(/^[A-Z][A-Z0-9_]+$/);
      expect(entry.meaning.length, code).toBeGreaterThan(20);
      expect(entry.remedy.length, code).toBeGreaterThan(20);
    }
  });
});

describe('SftunnelCaError', () => {
  it('says where: host, step, file, line and column', () => {
    const error = new SftunnelCaError('PEM_INVALID', 'bad block', { host: 'FTD-1', step: 'inspect', file: 'cacert.pem', line: 3, column: 7 });
    expect(error.message).toBe('bad block (host FTD-1, step inspect, cacert.pem:3:7)');
    expect(error.toJSON()).toEqual({
      code: 'PEM_INVALID', message: error.message, host: 'FTD-1', step: 'inspect', file: 'cacert.pem', line: 3, column: 7, remedy: ERROR_CODES.PEM_INVALID.remedy,
    });
  });

  it('keeps the cause and is recognised across copies of the package by its marker', () => {
    const cause = new Error('low level');
    const error = new SftunnelCaError('INVALID_ARGUMENT', 'bad option', { cause });
    expect(error.cause).toBe(cause);
    expect(isSftunnelCaError(error)).toBe(true);
    expect(isSftunnelCaError(error, 'INVALID_ARGUMENT')).toBe(true);
    expect(isSftunnelCaError(error, 'PEM_INVALID')).toBe(false);
    const lookalike = Object.assign(new Error('x'), { code: 'PEM_INVALID' });
    expect(isSftunnelCaError(lookalike)).toBe(false);
    const fromAnotherCopy = Object.assign(new Error('x'), { code: 'PEM_INVALID', [Symbol.for('sftunnel-ca.error')]: true });
    expect(isSftunnelCaError(fromAnotherCopy)).toBe(true);
  });
});
