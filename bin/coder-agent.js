#!/usr/bin/env node
// Entry of the `coder-agent` command: hands the real process to runCli.
import { runCli } from '../lib/cli/main.js';

const controller = new AbortController();
let interrupts = 0;
process.on('SIGINT', () => {
  // First Ctrl-C stops following cleanly; a second one quits at once.
  if (++interrupts > 1) process.exit(130);
  controller.abort();
});
process.on('SIGTERM', () => controller.abort());

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: controller.signal,
});
process.exitCode = code;
