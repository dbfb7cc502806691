import type { Host } from './host.js';

/**
 * A {@link Host} whose operations run at most `concurrency` at a time, in call order. Renewal
 * talks to the FMC this way: one appliance serving the whole fleet's staging, reads and switch,
 * kept within what its sshd and shell take (OpenSSH allows 10 sessions per connection; the lab's
 * shell one mutating command at a time). Staging overlaps key generation, so the queue costs no
 * wall time while keys are being made.
 *
 * @param host - the host to queue
 * @param concurrency - operations in flight at once (≥ 1)
 */
export function queuedHost(host: Host, concurrency: number): Host {
  let active = 0;
  const waiting: (() => void)[] = [];
  const queued = async <T>(operation: () => Promise<T>): Promise<T> => {
    if (active >= Math.max(1, concurrency)) await new Promise<void>((resolve) => waiting.push(resolve));
    active += 1;
    try {
      return await operation();
    } finally {
      active -= 1;
      waiting.shift()?.();
    }
  };
  return {
    name: host.name,
    readFile: (...args) => queued(() => host.readFile(...args)),
    writeFileAtomic: (...args) => queued(() => host.writeFileAtomic(...args)),
    stat: (...args) => queued(() => host.stat(...args)),
    exists: (...args) => queued(() => host.exists(...args)),
    list: (...args) => queued(() => host.list(...args)),
    copy: (...args) => queued(() => host.copy(...args)),
    rename: (...args) => queued(() => host.rename(...args)),
    run: (...args) => queued(() => host.run(...args)),
    close: () => host.close(),
  };
}
