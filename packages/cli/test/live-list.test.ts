import { Terminal } from '@xterm/headless';
import { describe, expect, it } from 'vitest';
import { useCliLab } from './cli-lab.js';
import { runOnTerminal } from './run-on-terminal.js';

const COLUMNS = 70;
/** Fewer rows than a frame of 4 devices in flight needs: the list is cut to the terminal's height. */
const ROWS = 5;

/** Every line a terminal of COLUMNS × ROWS holds after `output`: its scrollback, then its screen. */
async function terminalLines(output: string): Promise<string[]> {
  const terminal = new Terminal({ cols: COLUMNS, rows: ROWS, scrollback: 10_000, allowProposedApi: true });
  await new Promise<void>((resolve) => terminal.write(output, resolve));
  const buffer = terminal.buffer.active;
  const lines = Array.from({ length: buffer.length }, (_, i) => buffer.getLine(i)?.translateToString(true) ?? '');
  terminal.dispose();
  return lines;
}

// Issue 23: in tmux at --concurrency 4 the live list repeated whole frames instead of redrawing in place.
describe('the live list on a terminal (built binary, a real pseudo-terminal, its bytes replayed in @xterm/headless)', () => {
  const fixture = useCliLab({ devices: 8, caState: 'expired' });

  it(`renew --concurrency 4 on ${COLUMNS}×${ROWS}: redrawn in place, each device's outcome once, no frame left in the scrollback`, { timeout: 300_000 }, async () => {
    const { lab, sshKnownHosts, writeDevicesCsv } = fixture;
    const devices = await writeDevicesCsv('devices.csv', lab.devices);
    const run = await runOnTerminal(['renew', ...sshKnownHosts, '--devices', devices, '--concurrency', '4'], 'Do you want to continue? [yes/no]', ['yes', 'yes'], { env: fixture.env, columns: COLUMNS, rows: ROWS });
    expect(run.code, run.output).toBe(0);
    // The list was live: drawn more than once, each time going back up over the last frame.
    expect(run.output.match(/renew: \d+ in flight/g)?.length ?? 0).toBeGreaterThan(1);
    expect(run.output).toMatch(/\u001b\[\d+A\u001b\[J/);
    expect(run.output).toMatch(/… and \d more/);

    const lines = await terminalLines(run.output);
    // One title stays, the last (the summary); every earlier frame was drawn over.
    const titles = lines.filter((line) => /renew: \d+ in flight/.test(line));
    expect(titles).toEqual([expect.stringMatching(/^renew: 0 in flight, 8 of 8 device phases done, \d+s/)]);
    // Cut to the width, so it never wraps (a wrapped line would throw the count of rows to go back up off).
    expect(titles[0]?.length).toBeLessThan(COLUMNS);
    // No device's in-flight line is left behind: they were all erased with their frames.
    expect(lines.filter((line) => /^ {2}FTD-\d+ +\S+$|^… and \d more/.test(line))).toEqual([]);
    for (const device of lab.devices) {
      expect(lines.filter((line) => new RegExp(`^ {2}${device.name} +${device.address.replaceAll('.', '\\.')} +renewed\\b`).test(line)), device.name).toHaveLength(1);
    }
  });
});
