import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from './index.js';
import { connectClient, execOn } from './testing/keystrokes.js';

describe('rmdir in the appliance shell', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ devices: 1, direct: true });
  });
  afterAll(() => lab.stop());

  it('removes an empty directory, refuses one that is not, as coreutils does', async () => {
    const client = await connectClient(lab.devices[0]!, { username: 'root' });
    try {
      expect((await execOn(client, 'mkdir /var/tmp/empty /var/tmp/full && touch /var/tmp/full/f && rmdir /var/tmp/empty')).code).toBe(0);
      const refused = await execOn(client, 'rmdir /var/tmp/full');
      expect([refused.code, refused.stderr]).toEqual([1, "rmdir: failed to remove '/var/tmp/full': Directory not empty\n"]);
      expect((await execOn(client, 'ls /var/tmp')).stdout.split('\n')).toEqual(expect.arrayContaining(['full']));
      expect((await execOn(client, 'ls /var/tmp')).stdout.split('\n')).not.toContain('empty');
    } finally {
      client.end();
    }
  });
});
