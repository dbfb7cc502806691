#!/usr/bin/env node
// The `sftunnel-ca` command: a thin shell around runCli, which never exits the process itself.
import { runCli } from '../dist/index.js';

// A reader that stops early (`sftunnel-ca copy --help | head`) closes the pipe: what is left to
// print is dropped, and a run in flight still finishes and journals instead of dying half-way.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
  });
}

process.exitCode = await runCli(process.argv.slice(2));
