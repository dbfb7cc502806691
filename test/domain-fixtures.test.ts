/**
 * The domain fixtures copied into the repository (so that a clone alone runs the suite) are the
 * project's `shared/fixtures/`, byte for byte: each copy is checked against `SHA256SUMS`, made from
 * `shared/fixtures/` when they were copied, on every run; and where `shared/fixtures/` sits beside
 * the repository, it is checked against the same sums, so that a change there is seen here.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const COPY = fileURLToPath(new URL('./fixtures/domain/', import.meta.url));
const SHARED = fileURLToPath(new URL('../../shared/fixtures/', import.meta.url));
const NOT_FIXTURES = new Set(['README.md', 'SHA256SUMS']);

/** `sha256sum` output: file name → sha256. */
function recordedSums(): Map<string, string> {
  const lines = readFileSync(`${COPY}SHA256SUMS`, 'utf8').trim().split('\n');
  return new Map(lines.map((line) => {
    const match = /^([0-9a-f]{64}) {2}(\S+)$/.exec(line);
    if (match === null) throw new Error(`SHA256SUMS: not a sha256sum line: ${line}`);
    return [match[2] as string, match[1] as string];
  }));
}

function sumsOf(directory: string, names: readonly string[]): Map<string, string> {
  return new Map(names.map((name) => [name, createHash('sha256').update(readFileSync(`${directory}${name}`)).digest('hex')]));
}

describe('the domain fixtures copied into the repository', () => {
  const recorded = recordedSums();

  it('are every fixture of SHA256SUMS (nine of them), each with its recorded sha256', () => {
    expect(recorded.size).toBe(9);
    const copies = readdirSync(COPY).filter((name) => !NOT_FIXTURES.has(name)).sort();
    expect(copies).toEqual([...recorded.keys()].sort());
    expect(sumsOf(COPY, copies)).toEqual(recorded);
  });

  it('are what shared/fixtures holds, whenever that folder is beside the repository', () => {
    const shared = existsSync(SHARED) ? readdirSync(SHARED).sort() : undefined;
    // A clone alone has no shared/ beside it: then the copies, checked above, are the reference.
    const reference = shared === undefined ? sumsOf(COPY, [...recorded.keys()]) : sumsOf(SHARED, shared);
    expect(reference).toEqual(recorded);
  });
});
