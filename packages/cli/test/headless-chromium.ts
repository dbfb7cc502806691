import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Debian's chromium (scripts/system-setup.sh installs it). */
const CHROMIUM = 'chromium';

/**
 * Runs Debian's Chromium headless on a local file, with a profile of its own that is removed
 * afterwards, and returns what it printed on stdout. As root it needs `--no-sandbox`.
 */
async function chromium(args: readonly string[], file: string): Promise<string> {
  const profile = await mkdtemp(join(tmpdir(), 'sftunnel-ca-chromium-'));
  try {
    return await new Promise((resolve, reject) => {
      execFile(
        CHROMIUM,
        ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', `--user-data-dir=${profile}`, ...args, pathToFileURL(file).href],
        { encoding: 'utf8', maxBuffer: 32 * 1024 * 1024 },
        (error, stdout, stderr) => (error === null ? resolve(stdout) : reject(new Error(`chromium failed: ${error.message}\n${stderr}`))),
      );
    });
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}

/** The DOM of a local HTML file as Chromium built it (scripts, were there any, run first). */
export function dumpDom(file: string): Promise<string> {
  return chromium(['--dump-dom'], file);
}

/** A PNG screenshot of a local HTML file, as Chromium renders it. */
export async function screenshot(file: string, png: string): Promise<void> {
  await chromium([`--screenshot=${png}`, '--window-size=1400,2400', '--hide-scrollbars'], file);
}
