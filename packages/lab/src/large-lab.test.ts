import { existsSync } from 'node:fs';
import { createConnection } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startLab } from './index.js';

// The 1,000-device figures come from `pnpm --filter @sftunnel-ca/lab scale` (about 30 s to start);
// the test keeps to a size that starts in seconds.
describe('a large lab', () => {
  it('starts 200 devices with their tunnels up and stops leaving no listener or directory', { timeout: 120_000 }, async () => {
    const lab = await startLab({ devices: 200, sshPort: 0 });
    expect(lab.tunnels().filter((t) => t.state === 'connected')).toHaveLength(200);
    const last = lab.devices[199]!;
    expect(last.address).toBe(`127.${lab.fmc.address.split('.')[1]}.1.200`);
    const { dir } = lab;
    await lab.stop();
    expect(existsSync(dir)).toBe(false);
    const code = await new Promise<string | undefined>((resolve) => {
      const socket = createConnection({ host: last.address, port: last.sshPort });
      socket.on('connect', () => {
        socket.destroy();
        resolve(undefined);
      });
      socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code));
    });
    expect(code).toBe('ECONNREFUSED');
  });
});
