import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Secret } from './secret.js';

describe('Secret', () => {
  const secret = new Secret('hunter2-S3cret');

  it('never shows itself in strings, JSON or inspect', () => {
    const printed = [String(secret), `${secret}`, JSON.stringify({ secret }), inspect(secret), inspect({ nested: { secret } }, { depth: 5 })];
    for (const text of printed) expect(text).not.toContain('hunter2');
    expect(JSON.stringify({ secret })).toBe('{"secret":"<redacted>"}');
    expect(inspect(secret)).toBe('Secret(<redacted>)');
  });

  it('gives the value only through reveal, as text or bytes', () => {
    expect(secret.reveal()).toBe('hunter2-S3cret');
    expect(new Secret(new TextEncoder().encode('bytes-value')).revealText()).toBe('bytes-value');
  });
});
