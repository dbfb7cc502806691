import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/** Every entry of an appliance's tree on disk (its paths as the appliance sees them): a file's sha256, a link's target, or `dir`. */
export async function applianceTree(root: string): Promise<Map<string, string>> {
  const tree = new Map<string, string>();
  for (const entry of await readdir(root, { withFileTypes: true, recursive: true })) {
    const full = join(entry.parentPath, entry.name);
    const path = `/${relative(root, full).split(sep).join('/')}`;
    const info = await lstat(full);
    if (info.isSymbolicLink()) tree.set(path, `link -> ${await readlink(full)}`);
    else if (info.isDirectory()) tree.set(path, 'dir');
    else tree.set(path, createHash('sha256').update(await readFile(full)).digest('hex'));
  }
  return tree;
}

/** The paths added, removed or changed between two trees that `allowed` does not account for. */
export function changesOutside(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>, allowed: (path: string) => boolean): string[] {
  const paths = new Set([...before.keys(), ...after.keys()]);
  return [...paths].filter((path) => before.get(path) !== after.get(path) && !allowed(path)).sort();
}
