import { readdir, readFile } from 'node:fs/promises';

/** Every descendant process of this one seen while watching, by pid: its argv. */
export interface ArgvWatch {
  /** Stops watching and returns what was seen. */
  stop(): Promise<ReadonlyMap<number, string>>;
}

async function parentOf(pid: string): Promise<number | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // pid (comm) state ppid …: comm may hold spaces and parentheses, so read after the last ')'.
  const ppid = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1];
  return ppid === undefined ? undefined : Number(ppid);
}

/**
 * Watches `/proc` every few milliseconds for the descendants of this process and records each
 * one's argv (its `cmdline`, arguments joined by spaces): what `ps` would show anyone on the
 * machine while a run is under way.
 */
export function watchDescendantArgv(intervalMs = 10): ArgvWatch {
  const seen = new Map<number, string>();
  let running = true;
  const loop = (async () => {
    while (running) {
      const parents = new Map<number, number>();
      const pids = (await readdir('/proc').catch(() => [])).filter((name) => /^\d+$/.test(name));
      await Promise.all(pids.map(async (pid) => parents.set(Number(pid), (await parentOf(pid)) ?? 0)));
      const isDescendant = (pid: number): boolean => {
        for (let p = parents.get(pid), hops = 0; p !== undefined && p > 1 && hops < 64; p = parents.get(p), hops++) if (p === process.pid) return true;
        return false;
      };
      for (const pid of parents.keys()) {
        if (seen.has(pid) || !isDescendant(pid)) continue;
        const argv = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
        if (argv !== '') seen.set(pid, argv.split('\0').join(' ').trim());
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return seen;
    },
  };
}
