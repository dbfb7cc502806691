import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** Every descendant process of this one seen while watching. */
export interface ArgvWatch {
  /** Stops watching and returns what was seen: by pid, each argv it showed (before and after an exec). */
  stop(): Promise<ReadonlyMap<number, readonly string[]>>;
}

/** A `/proc` file's text, or '' when the process is gone. Read synchronously: a few µs, far cheaper than the thread pool's four round trips. */
function procText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/**
 * The fields of `/proc/<pid>/stat` after the command (state, ppid, …: field 3 onwards, so field N
 * is at index N − 3); empty when the process is gone. The command may hold spaces and parentheses,
 * so it is cut at the last ')'.
 */
export function procStatFields(pid: number | 'self' | 'thread-self'): string[] {
  const stat = procText(`/proc/${pid}/stat`);
  return stat === '' ? [] : stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

function parentOf(pid: number): number | undefined {
  const ppid = procStatFields(pid)[1];
  return ppid === undefined ? undefined : Number(ppid);
}

/**
 * Watches `/proc` every few milliseconds for the descendants of this process and records each
 * one's argv (its `cmdline`, arguments joined by spaces): what `ps` would show anyone on the
 * machine while a run is under way: best effort, a process that lives less than a poll may be
 * missed. Each process's parent is read once, when it first appears;
 * a descendant's argv is read on every poll, so the one it takes on after its `exec` is seen too.
 */
export function watchDescendantArgv(intervalMs = 10): ArgvWatch {
  const seen = new Map<number, string[]>();
  /** Each process's parent when first seen; kept after it exits, so an orphaned grandchild still counts. */
  const parents = new Map<number, number>();
  const descendants = new Set<number>();
  const isDescendant = (pid: number): boolean => {
    for (let p = parents.get(pid), hops = 0; p !== undefined && p > 1 && hops < 64; p = parents.get(p), hops++) if (p === process.pid || descendants.has(p)) return true;
    return false;
  };
  const record = (pid: number): void => {
    const argv = procText(`/proc/${pid}/cmdline`).split('\0').join(' ').trim();
    const shown = seen.get(pid) ?? [];
    if (argv !== '' && !shown.includes(argv)) seen.set(pid, [...shown, argv]);
  };
  let running = true;
  const loop = (async () => {
    while (running) {
      const live = readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number);
      for (const pid of live) if (!parents.has(pid)) parents.set(pid, parentOf(pid) ?? 0);
      for (const pid of live) if (!descendants.has(pid) && isDescendant(pid)) descendants.add(pid);
      for (const pid of live) if (descendants.has(pid)) record(pid);
      // node:timers/promises, not the global setTimeout: a test's fake timers (vi.useFakeTimers) must
      // not stop the watch (a timer made while they were on never fires, and stop() would wait on it
      // for ever); unref'd: a watch never keeps its process alive.
      await sleep(intervalMs, undefined, { ref: false });
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
