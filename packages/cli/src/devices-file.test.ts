import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FmcInspection } from '@sftunnel-ca/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchDevicesToFmc, readDevicesFile } from './devices-file.js';

describe('readDevicesFile', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'devices-file-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const csv = 'FTD-1,127.0.1.21,admin,env:FTD_PASSWORD\nFTD-2,127.0.1.22,admin,env:FTD_PASSWORD\n';

  it('reads UTF-8 with or without a byte order mark', async () => {
    for (const [name, bytes] of [
      ['plain.csv', Buffer.from(csv)],
      ['bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv)])],
    ] as const) {
      await writeFile(join(dir, name), bytes);
      const { rows } = await readDevicesFile(join(dir, name), {});
      expect(rows.map((row) => row.name)).toEqual(['FTD-1', 'FTD-2']);
    }
  });

  it('names an encoding other than UTF-8 and says how to convert it, instead of a bad ip column', async () => {
    const utf16le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(csv, 'utf16le')]);
    const utf16be = Buffer.from(utf16le.subarray(2)).swap16();
    for (const [name, bytes, named] of [
      ['utf16le.csv', utf16le, /UTF-16 LE.*byte order mark.*save it as UTF-8/],
      ['utf16be.csv', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be]), /UTF-16 BE/],
      ['utf16-no-bom.csv', Buffer.from(csv, 'utf16le'), /NUL bytes.*UTF-16/],
      ['latin1.csv', Buffer.from('FTD-1,127.0.1.21,admin,pw\nFTD-é,127.0.1.22,admin,pw\n', 'latin1'), /line 2 is not UTF-8.*Latin-1|line 2 is not UTF-8.*1252/],
    ] as const) {
      await writeFile(join(dir, name), bytes);
      const error = await readDevicesFile(join(dir, name), {}).catch((caught: unknown) => caught);
      expect(error, name).toMatchObject({ code: 'INPUT_ENCODING_UNSUPPORTED', message: expect.stringMatching(named) });
      expect((error as Error).message, name).toContain(join(dir, name));
    }
  });
});

describe('readDevicesFile › one address rule for every format', () => {
  it('refuses in a YAML or JSON inventory what it refuses in a devices.csv: no address, a password as address, a control character; naming the row, never the value', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'devices-rule-'));
    try {
      const secret = 'tr0ub4dor-3-horse'; // shaped like a host name: only its being a password refuses it
      await writeFile(join(dir, 'password'), `${secret}\n`, { mode: 0o600 });
      await chmod(join(dir, 'password'), 0o600);
      const reference = `file:${join(dir, 'password')}`;
      // Each case: the second device's fields, and what the refusal says (the first device is well-formed).
      const cases = [
        { name: 'FTD-2', address: 'not an address!', said: /address|ip column/, value: 'not an address!' },
        { name: 'FTD-2', address: secret, said: /password/, value: secret },
        { name: 'FTD-2', address: 'fmc..invalid', said: /neither an IP address nor a host name/, value: 'fmc..invalid' },
        { name: 'FTD\u001b]0;pwned\u0007-2', address: '127.0.1.22', said: /control character \(U\+001B/, value: '\u001b' },
      ];
      for (const [index, c] of cases.entries()) {
        const devices = [
          { name: 'FTD-1', address: '127.0.1.21', user: 'admin', password: reference },
          { name: c.name, address: c.address, user: 'admin', password: reference },
        ];
        const files = {
          csv: `${devices.map((d) => [d.name, d.address, d.user, d.password].map((cell) => `"${cell}"`).join(',')).join('\n')}\n`,
          json: JSON.stringify({ devices }, null, 2),
          yaml: `devices:\n${devices.map((d) => `  - name: ${JSON.stringify(d.name)}\n    address: ${JSON.stringify(d.address)}\n    user: admin\n    password: ${JSON.stringify(d.password)}\n`).join('')}`,
        };
        for (const [extension, text] of Object.entries(files)) {
          const path = join(dir, `case-${index}.${extension}`);
          await writeFile(path, text);
          const error = (await readDevicesFile(path, {}).catch((caught: unknown) => caught)) as Record<string, unknown> & Error;
          const where = `${extension}: ${c.address}`;
          expect(error, where).toMatchObject({ code: extension === 'csv' ? 'DEVICES_CSV_INVALID_VALUE' : 'INVENTORY_INVALID', message: expect.stringMatching(c.said) });
          expect(error.line, where).toBe(extension === 'csv' ? 2 : extension === 'json' ? 9 : 6);
          expect(error.message, where).not.toContain(c.value);
        }
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('matchDevicesToFmc', () => {
  it('summarises a long listing of rows that match no device', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'devices-match-'));
    try {
      const lines = Array.from({ length: 10_000 }, (_, i) => `FTD-${i},127.1.${Math.floor(i / 250)}.${(i % 250) + 1},admin,env:X`);
      await writeFile(join(dir, 'devices.csv'), `${lines.join('\n')}\n`);
      const file = await readDevicesFile(join(dir, 'devices.csv'), {});
      const known = [0, 1, 2, 3].map((i) => ({ uuid: `uuid-${i}`, name: `FTD-${i}`, address: '192.0.2.1' }));
      const inspection = { host: 'fmc.example.net', devices: known } as unknown as FmcInspection;
      const error = (() => {
        try {
          matchDevicesToFmc(file, inspection);
        } catch (caught) {
          return caught as Error;
        }
        return undefined;
      })();
      expect(error?.message).toMatch(/^\S+devices\.csv: line 5 \(FTD-4, 127\.1\.0\.5\), line 6 /);
      expect(error?.message).toMatch(/line 14 \(FTD-13, 127\.1\.0\.14\) and 9986 more rows \(9996 in all\) match no device of fmc\.example\.net/);
      expect(error?.message.length).toBeLessThan(1200);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
