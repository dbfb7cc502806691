import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from './index.js';
import { connectClient, execOn } from './testing/keystrokes.js';

describe('concurrent sessions on one appliance', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ devices: 1, direct: true });
  });
  afterAll(() => lab.stop());

  // just-bash queues the writes of all shells into one root through one static queue; under its
  // defense-in-depth, a shell finishing first dropped the other's queued write, and the appliance
  // hung for good (vercel-labs/just-bash#442). The lab's shells run without it.
  it('lets sessions that write at once all finish, and the appliance keep answering', async () => {
    const device = lab.devices[0]!;
    const clients = await Promise.all(Array.from({ length: 4 }, () => connectClient(device, { username: 'root' })));
    try {
      const runs = await Promise.all(
        clients.map((client, index) =>
          execOn(client, `for i in $(seq 1 ${10 + index * 15}); do echo ${index} > /var/tmp/s${index}-$i; rm -f /var/tmp/s${index}-$i; done; echo done ${index}`),
        ),
      );
      expect(runs.map((run) => [run.code, run.stdout])).toEqual([0, 1, 2, 3].map((index) => [0, `done ${index}\n`]));
      const after = await execOn(clients[0]!, 'mktemp -d /tmp/.after.XXXXXXXX >/dev/null && echo answered');
      expect(after.stdout).toBe('answered\n');
    } finally {
      for (const client of clients) client.end();
    }
  }, 60_000);
});
