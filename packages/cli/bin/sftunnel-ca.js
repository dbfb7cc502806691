#!/usr/bin/env node
// The `sftunnel-ca` command: a thin shell around runCli, which never exits the process itself.
import { runCli } from '../dist/index.js';

process.exitCode = await runCli(process.argv.slice(2));
