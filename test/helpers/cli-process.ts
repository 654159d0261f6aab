/**
 * Runs the built `coder-agent` binary (bin/coder-agent.js over lib/, which
 * `npm test` builds first) as a child process, the way a user or a script
 * does: real argv, environment, pipes and exit code.
 */
import { spawn } from 'node:child_process';

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
  elapsedMs: number;
}

export const BIN = 'bin/coder-agent.js';

export function runProcess(
  argv: string[],
  env: Record<string, string | undefined>,
  opts: { onStderr?: (text: string) => void; stdin?: string } = {},
): Promise<ProcessResult> {
  const started = Date.now();
  const child = spawn(process.execPath, [BIN, ...argv], { env: { PATH: process.env['PATH'], ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    opts.onStderr?.(stderr);
  });
  child.stdin.end(opts.stdin ?? '');
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, elapsedMs: Date.now() - started }));
  });
}
