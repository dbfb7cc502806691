import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { expectCodedError } from '../../test/expect-coded-error.js';
import { DevicePassword } from './device-password.js';

const SECRET = 'example-password';

describe('DevicePassword', () => {
  it('does read the four forms of a password cell', () => {
    expect(DevicePassword.fromCell(SECRET)).toMatchObject({ kind: 'inline', reference: undefined });
    expect(DevicePassword.fromCell('env:FTD_PW')).toMatchObject({ kind: 'env', reference: 'FTD_PW' });
    expect(DevicePassword.fromCell('file:/run/secrets/ftd')).toMatchObject({ kind: 'file', reference: '/run/secrets/ftd' });
    expect(DevicePassword.fromCell('')).toMatchObject({ kind: 'none', reference: undefined });
  });

  it('does never show an inline password in toString, JSON, inspect or its keys', () => {
    const password = DevicePassword.fromCell(SECRET);
    const shown = [String(password), `${password}`, JSON.stringify(password), JSON.stringify({ password }), inspect(password), inspect({ password }, { showHidden: true, depth: 9 }), Object.keys(password).join()];
    for (const text of shown) expect(text).not.toContain(SECRET);
    expect(String(password)).toBe('<redacted>');
    expect(inspect(DevicePassword.fromCell('env:X'))).toBe('DevicePassword(env env:X)');
  });

  it('does resolve each form from the injected environment and file reader', async () => {
    const sources = { env: { FTD_PW: 'from-env' }, readFile: async (path: string) => new TextEncoder().encode(`${path}-content\nsecond line`) };
    expect((await DevicePassword.fromCell(SECRET).resolve(sources))?.reveal()).toBe(SECRET);
    expect((await DevicePassword.fromCell('env:FTD_PW').resolve(sources))?.reveal()).toBe('from-env');
    expect((await DevicePassword.fromCell('file:/pw').resolve(sources))?.reveal()).toBe('/pw-content');
    expect(await DevicePassword.fromCell('').resolve(sources)).toBeUndefined();
  });

  it('does refuse references it cannot resolve, with the cause', async () => {
    await expect(DevicePassword.fromCell('env:UNSET').resolve({ env: {} })).rejects.toMatchObject({ code: 'SECRET_REFERENCE_UNRESOLVED' });
    await expect(DevicePassword.fromCell('file:/pw').resolve({})).rejects.toMatchObject({ code: 'SECRET_REFERENCE_UNRESOLVED' });
    const missing = Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    const failure = DevicePassword.fromCell('file:/pw').resolve({ readFile: () => Promise.reject(missing) });
    await expect(failure).rejects.toMatchObject({ code: 'SECRET_REFERENCE_UNRESOLVED', file: '/pw', cause: missing });
  });

  it('does refuse malformed references without echoing the cell', () => {
    for (const cell of ['env:', 'env:1BAD', 'env:A-B', 'file:']) {
      const error = expectCodedError(() => DevicePassword.fromCell(cell, { file: 'devices.csv', line: 3, column: 4 }), 'DEVICES_CSV_INVALID_VALUE');
      expect(error.line).toBe(3);
      expect(error.message).not.toMatch(/1BAD|A-B/);
    }
  });
});
