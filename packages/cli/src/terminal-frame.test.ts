import { Writable } from 'node:stream';
import { Terminal } from '@xterm/headless';
import { describe, expect, it } from 'vitest';
import { TerminalFrame, type TerminalStream } from './terminal-frame.js';

/** A stream of `columns` × `rows` whose bytes go to a headless xterm, as a terminal's would (newline as CR LF, as a pty's onlcr does). */
function emulatedTerminal(columns: number, rows: number): { stream: TerminalStream; lines: () => Promise<string[]> } {
  const terminal = new Terminal({ cols: columns, rows, scrollback: 1000, allowProposedApi: true });
  let pending = Promise.resolve();
  const stream = Object.assign(
    new Writable({
      write(chunk: Buffer, _encoding, done): void {
        const text = chunk.toString('utf8').replace(/\n/g, '\r\n');
        pending = pending.then(() => new Promise<void>((resolve) => terminal.write(text, resolve)));
        done();
      },
    }),
    { columns, rows },
  );
  const lines = async (): Promise<string[]> => {
    await pending;
    const buffer = terminal.buffer.active;
    return Array.from({ length: buffer.length }, (_, i) => buffer.getLine(i)?.translateToString(true) ?? '').filter((line) => line !== '');
  };
  return { stream, lines };
}

describe('TerminalFrame', () => {
  it('redraws in place: only the last frame stays, lines printed above it once each', async () => {
    const { stream, lines } = emulatedTerminal(40, 10);
    const frame = new TerminalFrame(stream);
    frame.attach();
    frame.draw(['title 1', '  FTD-1 connect', '  FTD-2 connect']);
    frame.print('  FTD-1 renewed\n');
    frame.draw(['title 2', '  FTD-2 deliver']);
    frame.draw(['title 3']);
    frame.detach();
    expect(await lines()).toEqual(['  FTD-1 renewed', 'title 3']);
  });

  it('prints what others write on the stream meanwhile above the frame, whole lines at a time', async () => {
    const { stream, lines } = emulatedTerminal(40, 10);
    const frame = new TerminalFrame(stream);
    frame.attach();
    frame.draw(['title 1', '  FTD-1 connect']);
    stream.write('\nsftunnel-ca: inter');
    stream.write('rupted\n');
    frame.draw(['title 2', '  FTD-1 restart']);
    frame.detach();
    stream.write('after\n');
    expect(await lines()).toEqual(['sftunnel-ca: interrupted', 'title 2', '  FTD-1 restart', 'after']);
  });

  it('cuts lines to the width and the frame to the height, so a redraw never leaves rows behind', async () => {
    const { stream, lines } = emulatedTerminal(20, 4);
    const frame = new TerminalFrame(stream);
    frame.attach();
    const devices = Array.from({ length: 6 }, (_, i) => `  FTD-${i} a step with a long name`);
    frame.draw(['a title longer than twenty columns', ...devices]);
    frame.draw(['done']);
    frame.detach();
    expect(await lines()).toEqual(['done']);
  });

  it('shows at most as many rows as the terminal has, less one, the last saying how many are left out', async () => {
    const { stream, lines } = emulatedTerminal(30, 4);
    const frame = new TerminalFrame(stream);
    frame.draw(['title', 'a', 'b', 'c', 'd']);
    expect(await lines()).toEqual(['title', 'a', '… and 3 more']);
  });
});
