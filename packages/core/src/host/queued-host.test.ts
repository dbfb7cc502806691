import { describe, expect, it } from 'vitest';
import type { CommandResult, Host } from './host.js';
import { queuedHost } from './queued-host.js';

/** A test double of Host: only `run` does anything (waits, and counts commands in flight). */
function slowHostDouble(): { host: Host; peak: () => number; order: string[] } {
  let active = 0;
  let peak = 0;
  const order: string[] = [];
  const unused = (): never => {
    throw new Error('not used by this test');
  };
  const host: Host = {
    name: 'double',
    readFile: unused,
    writeFileAtomic: unused,
    stat: unused,
    exists: unused,
    list: unused,
    copy: unused,
    rename: unused,
    async run(command): Promise<CommandResult> {
      active += 1;
      peak = Math.max(peak, active);
      order.push(command);
      await new Promise((resolve) => setTimeout(resolve, 5));
      active -= 1;
      return { stdout: command, stderr: '', code: 0 };
    },
    close: async () => undefined,
  };
  return { host, peak: () => peak, order };
}

describe('queuedHost', () => {
  it('runs operations at most `concurrency` at a time, in call order', async () => {
    const double = slowHostDouble();
    const queued = queuedHost(double.host, 2);
    const results = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((c) => queued.run(c)));
    expect(results.map((r) => r.stdout)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(double.peak()).toBe(2);
    expect(double.order).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('lets the queue go on after a failed operation', async () => {
    const double = slowHostDouble();
    const queued = queuedHost({ ...double.host, readFile: () => Promise.reject(new Error('boom')) }, 1);
    await expect(queued.readFile('/x')).rejects.toThrow('boom');
    expect((await queued.run('after')).stdout).toBe('after');
  });
});
