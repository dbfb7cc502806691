import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLabState } from './lab-state.js';

describe('readLabState', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lab-state-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is undefined where no lab was started, and refuses a damaged lab.json with a usage error saying what to remove', async () => {
    expect(await readLabState(join(dir, 'none'))).toBeUndefined();
    for (const text of ['{"schema":', 'null', '[]', '"text"', '{"schema":"sftunnel-ca/lab/v0"}']) {
      await writeFile(join(dir, 'lab.json'), text);
      await expect(readLabState(dir), text).rejects.toMatchObject({ code: 'CLI_USAGE', message: expect.stringContaining(`; remove ${dir}`) });
    }
  });
});
