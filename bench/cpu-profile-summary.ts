/** A V8 CPU profile as `node --cpu-prof` and the inspector's `Profiler.stop` give it (the fields read here). */
export interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
    readonly hitCount?: number;
  }[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples?: readonly number[];
}

/** Where a script's code comes from: a package of `node_modules`, a workspace package, Node itself, or V8's own work. */
function origin(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const pnpm = /node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pnpm !== null) return pnpm[1] ?? url;
  const workspace = /packages\/([^/]+)\//.exec(url);
  if (workspace !== null) return `@sftunnel-ca/${workspace[1] ?? ''}`;
  if (url.startsWith('node:')) return 'node';
  return url.replace(/^.*\//, '');
}

function table(title: string, rows: readonly (readonly [string, number])[], total: number, top: number): string {
  const lines = rows
    .toSorted((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, ms]) => `${(ms / 1000).toFixed(2).padStart(8)} s ${((100 * ms) / total).toFixed(1).padStart(5)} %  ${name}`);
  return [title, ...lines].join('\n');
}

/**
 * Self time of a CPU profile, by package and by function (the `top` largest of each), in a plain-text
 * table: what `--cpu-prof`'s flame graph shows, without a viewer.
 */
export function summarizeCpuProfile(profile: CpuProfile, top = 25): string {
  const sampled = profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0);
  const msPerHit = sampled === 0 ? 0 : (profile.endTime - profile.startTime) / 1000 / sampled;
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let busy = 0;
  for (const node of profile.nodes) {
    const ms = (node.hitCount ?? 0) * msPerHit;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') continue;
    busy += ms;
    const from = origin(url, functionName);
    byPackage.set(from, (byPackage.get(from) ?? 0) + ms);
    const key = `${functionName || '(anonymous)'} ${from}${url === '' ? '' : `:${url.replace(/^.*\//, '')}:${lineNumber + 1}`}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + ms);
  }
  return [
    `busy (not idle) ${(busy / 1000).toFixed(1)} s of ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s sampled`,
    table('self time by package:', [...byPackage], busy, top),
    table('self time by function:', [...byFunction], busy, top),
  ].join('\n\n');
}
