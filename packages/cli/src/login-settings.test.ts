import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzRuns } from '@sftunnel-ca/core/testing';
import { inventorySshSettings, parseInventoryDocument } from './inventory-document.js';
import { parseDurationMs, sharedSshOptions } from './ssh-options.js';

describe('login settings › --login-timeout, --idle-timeout, --command-timeout, --prompt-settle, prompt patterns', () => {
  it('defaults from public evidence: login 30 s (public FTD scripts wait 30 s or more), idle 10 s, each command 60 s, settle 200 ms', () => {
    expect(sharedSshOptions({})).toMatchObject({ connectTimeoutMs: 20_000, loginTimeoutMs: 30_000, idleTimeoutMs: 10_000, operationTimeoutMs: 60_000, promptSettleMs: 200 });
    expect(sharedSshOptions({}).prompts).toBeUndefined();
  });

  it('reads seconds, milliseconds and bare milliseconds, and compiles prompt patterns', () => {
    const options = sharedSshOptions({ loginTimeout: '45s', idleTimeout: '2500ms', commandTimeout: '120000', promptSettle: '0.3s', connectTimeout: '5s', cliPrompt: '^fw> $', rootPrompt: '^ROOT# $' });
    expect(options).toMatchObject({ loginTimeoutMs: 45_000, idleTimeoutMs: 2500, operationTimeoutMs: 120_000, promptSettleMs: 300, connectTimeoutMs: 5000 });
    expect(options.prompts?.cli?.test('fw> ')).toBe(true);
    expect(options.prompts?.root?.test('ROOT# ')).toBe(true);
    expect(options.prompts?.user).toBeUndefined();
  });

  it('refuses what is not a duration or a pattern with a usage error naming the option', () => {
    expect(() => sharedSshOptions({ loginTimeout: '3x' })).toThrow(/--login-timeout takes a duration/);
    expect(() => sharedSshOptions({ idleTimeout: '50' })).toThrow(/--idle-timeout .*at least 100 ms/);
    expect(() => sharedSshOptions({ passwordPrompt: '(' })).toThrow(/--password-prompt takes a regular expression/);
  });

  it('property: parseDurationMs reads back what it is given, in either unit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), (ms) => {
        expect(parseDurationMs(`${ms}ms`)).toBe(ms);
        expect(parseDurationMs(String(ms))).toBe(ms);
        expect(parseDurationMs(`${ms}s`)).toBe(ms * 1000);
        expect(parseDurationMs(ms)).toBe(ms);
      }),
      { numRuns: fuzzRuns() },
    );
    fc.assert(fc.property(fc.string({ maxLength: 12 }), (text) => {
      const ms = parseDurationMs(text);
      expect(ms === undefined || (Number.isInteger(ms) && ms >= 0)).toBe(true);
    }), { numRuns: fuzzRuns() });
  });

  it('an inventory row carries its own timeouts and prompt patterns, merged over the run’s prompts; a row without any carries none', () => {
    const rows = parseInventoryDocument(
      [
        'devices:',
        '  - { name: slow, address: 192.0.2.11, user: admin, loginTimeout: 90s, idleTimeout: 20000, commandTimeout: 120s, promptSettle: 500ms, rootPrompt: "^root@slow:.*# $" }',
      ].join('\n'),
      'inventory.yaml',
    );
    const settings = inventorySshSettings(rows[0]!, { cli: /^fw> $/ });
    expect(settings).toMatchObject({ loginTimeoutMs: 90_000, idleTimeoutMs: 20_000, operationTimeoutMs: 120_000, promptSettleMs: 500 });
    expect(settings.prompts?.root?.test('root@slow:/home/admin# ')).toBe(true);
    expect(settings.prompts?.cli?.test('fw> ')).toBe(true);
    const plain = parseInventoryDocument('- { name: a, address: 192.0.2.12, user: admin }\n', 'inventory.yaml');
    expect(plain[0]).not.toHaveProperty('ssh');
    expect(inventorySshSettings(plain[0]!)).toEqual({});
  });

  it('refuses a bad duration or pattern in a row with INVENTORY_INVALID, file and line', () => {
    const bad = (extra: string): unknown => {
      try {
        parseInventoryDocument(`devices:\n  - name: a\n    address: 192.0.2.12\n    user: admin\n    ${extra}\n`, 'inventory.yaml');
      } catch (error) {
        return error;
      }
      return undefined;
    };
    expect(bad('idleTimeout: soon')).toMatchObject({ code: 'INVENTORY_INVALID', file: 'inventory.yaml', line: 5, message: expect.stringMatching(/idleTimeout must be a duration/) });
    expect(bad("cliPrompt: '(['")).toMatchObject({ code: 'INVENTORY_INVALID', line: 5, message: expect.stringMatching(/cliPrompt must be a regular expression/) });
  });
});
