import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const COPY = fileURLToPath(new URL('./fixtures/domain/', import.meta.url));
const SHARED = fileURLToPath(new URL('../../shared/fixtures/', import.meta.url));
const EXPECTED = ['FAILED_PUSH', 'copy-run.log', 'devices.csv', 'expiry-check.sh', 'generate-certs-run.txt', 'messages-fmc.log', 'messages-ftd.log', 'sftunnel-status-brief.txt', 'sftunnel.conf'];

describe('the domain fixtures copied into the repository', () => {
  it('are all there', () => {
    expect(readdirSync(COPY).filter((name) => name !== 'README.md').sort()).toEqual([...EXPECTED].sort());
  });

  it('are byte for byte the project’s shared/fixtures when that folder is beside the repository', () => {
    const shared = existsSync(SHARED) ? readdirSync(SHARED).sort() : EXPECTED;
    expect(shared).toEqual([...EXPECTED].sort());
    for (const name of existsSync(SHARED) ? shared : []) expect(readFileSync(`${COPY}${name}`).equals(readFileSync(`${SHARED}${name}`)), name).toBe(true);
  });
});
