import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { expectValidDocument } from './json-schema.js';
import { BINARY, type BinaryRun } from './run-binary.js';

const CACERT = fileURLToPath(new URL('../../../examples/fixtures/cacert.pem', import.meta.url));
const FTD_LOG = fileURLToPath(new URL('../../../examples/fixtures/messages-ftd.log', import.meta.url));

/** Runs the built binary with `input` on its standard input (a pipe, as `cat cacert.pem | …`). */
function runWithInput(args: readonly string[], input: string): Promise<BinaryRun> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [BINARY, ...args], { env: { ...process.env, NO_COLOR: '1' }, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error !== null && typeof error.code !== 'number') reject(error);
      else resolve({ stdout, stderr, code: error === null ? 0 : Number(error.code) });
    });
    child.stdin?.end(input);
  });
}

// Issue 23: `-` is standard input where a file is read.
describe('sftunnel-ca check --file - (built binary)', () => {
  it('reads the CA certificate from standard input, as from the file', async () => {
    const pem = await readFile(CACERT, 'utf8');
    const fromFile = JSON.parse((await runWithInput(['check', '--file', CACERT, '--at', '2034-10-15', '--json'], '')).stdout) as Record<string, unknown>;
    const run = await runWithInput(['check', '--file', '-', '--at', '2034-10-15', '--json'], pem);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(5);
    const document = JSON.parse(run.stdout) as Record<string, unknown>;
    expectValidDocument('sftunnel-ca/check/v1', document);
    expect(document).toEqual({ ...fromFile, source: { file: '-' } });
  });

  it('refuses standard input that is not a certificate, naming it (exit 2)', async () => {
    const run = await runWithInput(['check', '--file', '-'], 'not a certificate\n');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('PEM_INVALID');
    expect(run.stderr).toContain('standard input');
  });
});

describe('sftunnel-ca diagnose - (built binary)', () => {
  it('reads a messages log from standard input, as from the file', async () => {
    const fromFile = JSON.parse((await runWithInput(['diagnose', FTD_LOG, '--json'], '')).stdout) as { findings: Array<Record<string, unknown>>; causes: unknown };
    const run = await runWithInput(['diagnose', '-', '--json'], await readFile(FTD_LOG, 'utf8'));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const document = JSON.parse(run.stdout) as { files: string[]; findings: Array<Record<string, unknown>>; causes: unknown };
    expectValidDocument('sftunnel-ca/diagnose/v1', document);
    expect(fromFile.findings.length).toBeGreaterThan(0);
    expect(document.files).toEqual(['-']);
    expect(document.findings).toEqual(fromFile.findings.map((finding) => ({ ...finding, file: '-' })));
    expect(document.causes).toEqual(fromFile.causes);
  });

  it('refuses - named twice (exit 2)', async () => {
    const run = await runWithInput(['diagnose', '-', '-'], '');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('standard input');
  });
});
