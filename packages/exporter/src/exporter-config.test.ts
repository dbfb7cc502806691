import { describe, expect, it } from 'vitest';
import { parseExporterConfig } from './exporter-config.js';

const YAML = `
listen: "[::1]:9900"
intervalSeconds: 60
deadlineSeconds: 20
fmcs:
  - name: fmc-paris
    address: 192.0.2.10
    user: root
    strategy: direct
    password: file:secrets/paris.password
    knownHosts: known_hosts
  - name: fmc-paris-secondary
    address: 192.0.2.11
    port: 2222
    user: admin
    password: env:FMC_PASSWORD
    hostKey: SHA256:${'A'.repeat(43)}
    inventory:
      0f0e0d0c-0b0a-4909-8807-060504030201: { name: FTD-1, address: 192.0.2.21 }
`;

describe('parseExporterConfig', () => {
  it('reads YAML, with defaults, and makes paths absolute against the file’s directory', () => {
    const config = parseExporterConfig(YAML, { file: '/etc/sftunnel-ca/exporter.yml' });
    expect(config).toMatchObject({ listen: { host: '::1', port: 9900 }, intervalMs: 60_000, deadlineMs: 20_000, jitter: 0.1, concurrency: 8 });
    expect(config.fmcs[0]).toMatchObject({
      name: 'fmc-paris',
      port: 22,
      strategy: 'direct',
      password: 'file:/etc/sftunnel-ca/secrets/paris.password',
      knownHosts: ['/etc/sftunnel-ca/known_hosts'],
      hostKeys: [],
      connectTimeoutMs: 20_000,
    });
    expect(config.fmcs[1]).toMatchObject({
      port: 2222,
      strategy: 'auto',
      password: 'env:FMC_PASSWORD',
      inventory: { '0f0e0d0c-0b0a-4909-8807-060504030201': { name: 'FTD-1', address: '192.0.2.21' } },
    });
  });

  it('reads a value with an unknown YAML tag as its text, without a YAMLWarning on the embedding process (found by the fuzzer)', async () => {
    const warnings: Error[] = [];
    const listen = (warning: Error): void => void warnings.push(warning);
    process.on('warning', listen);
    try {
      const config = parseExporterConfig(YAML.replace('name: fmc-paris\n', 'name: !site fmc-paris\n'));
      expect(config.fmcs[0]?.name).toBe('fmc-paris');
      await new Promise((resolve) => setImmediate(resolve)); // process warnings are emitted on a later tick
    } finally {
      process.off('warning', listen);
    }
    expect(warnings).toEqual([]);
  });

  it('reads JSON, and listens on loopback by default', () => {
    const config = parseExporterConfig(JSON.stringify({ fmcs: [{ name: 'a', address: 'fmc.example', user: 'root', agent: true }] }));
    expect(config.listen).toEqual({ host: '127.0.0.1', port: 9817 });
    expect(config.deadlineMs).toBeUndefined();
  });

  it.each([
    ['an inline password, without echoing it', { password: 'hunter2' }, /fmcs\[0\]\.password: secrets are given by reference only/],
    ['an unknown key', { passwd: 'env:X' }, /unknown key "passwd"/],
    ['no credentials', { password: undefined }, /give a password/],
    ['a malformed fingerprint', { hostKey: 'MD5:aa' }, /fmcs\[0\]\.hostKey/],
    ['a bad strategy', { strategy: 'sudo' }, /strategy: one of auto, direct, expert/],
    ['a bad port', { port: 70_000 }, /port: a number from 1 to 65535/],
  ])('refuses %s (EXPORTER_CONFIG_INVALID)', (_what, change, message) => {
    const fmc = { name: 'a', address: 'fmc.example', user: 'root', password: 'env:X', ...change };
    const attempt = (): unknown => parseExporterConfig(JSON.stringify({ fmcs: [fmc] }), { file: 'exporter.json' });
    expect(attempt).toThrow(expect.objectContaining({ code: 'EXPORTER_CONFIG_INVALID', file: 'exporter.json', message: expect.stringMatching(message) }));
    expect(() => attempt()).not.toThrow(/hunter2/);
  });

  it.each([
    ['as a host key', { hostKey: 'hunter2-in-the-wrong-field' }, /hostKey: a fingerprint is SHA256:.*; got text of 26 characters \(not shown\)/],
    ['as a port', { port: 'hunter2-in-the-wrong-field' }, /port: a number from 1 to 65535; got text of 26 characters \(not shown\)/],
    ['as a connect timeout', { connectTimeoutSeconds: 'hunter2-in-the-wrong-field' }, /connectTimeoutSeconds: a number .*; got text of 26 characters/],
  ])('refuses a secret written in the wrong field (%s) without echoing it', (_where, change, message) => {
    const fmc = { name: 'a', address: 'fmc.example', user: 'root', password: 'env:X', ...change };
    const attempt = (): unknown => parseExporterConfig(JSON.stringify({ fmcs: [fmc] }));
    expect(attempt).toThrow(expect.objectContaining({ code: 'EXPORTER_CONFIG_INVALID', message: expect.stringMatching(message) }));
    expect(attempt).not.toThrow(/hunter2/);
  });

  it('refuses a secret written as the listen address without echoing it', () => {
    const fmc = { name: 'a', address: 'fmc.example', user: 'root', password: 'env:X' };
    const attempt = (): unknown => parseExporterConfig(JSON.stringify({ listen: 'hunter2-in-the-wrong-field', fmcs: [fmc] }));
    expect(attempt).toThrow(/^listen: host:port, .*; got text of 26 characters \(not shown\)/);
    expect(attempt).not.toThrow(/hunter2/);
  });

  it('locates a YAML syntax error by line and column without quoting the line, which may hold a secret', () => {
    const broken = 'fmcs:\n  - name: a\n    password: hunter2-inline: x\n';
    const attempt = (): unknown => parseExporterConfig(broken, { file: 'exporter.yml' });
    expect(attempt).toThrow(expect.objectContaining({ code: 'EXPORTER_CONFIG_INVALID', file: 'exporter.yml', message: expect.stringMatching(/^not YAML or JSON at line 3, column 15: /) }));
    expect(attempt).not.toThrow(/hunter2/);
    try {
      attempt();
    } catch (error) {
      expect(String((error as Error).cause)).not.toContain('hunter2');
    }
  });

  it('refuses duplicate names, an empty list, a deadline above the interval, and text that is not YAML', () => {
    const fmc = { name: 'a', address: 'x', user: 'root', password: 'env:X' };
    expect(() => parseExporterConfig(JSON.stringify({ fmcs: [fmc, fmc] }))).toThrow(/used twice/);
    expect(() => parseExporterConfig('fmcs: []')).toThrow(/non-empty list/);
    expect(() => parseExporterConfig(JSON.stringify({ intervalSeconds: 10, deadlineSeconds: 11, fmcs: [fmc] }))).toThrow(/deadlineSeconds/);
    expect(() => parseExporterConfig('fmcs: [a')).toThrow(expect.objectContaining({ code: 'EXPORTER_CONFIG_INVALID' }));
  });
});
