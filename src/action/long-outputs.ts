/**
 * Outputs a later step can always take in through `env:` (docs/action.md,
 * "Outputs"). Linux holds one environment string to MAX_ARG_STRLEN, 131,072
 * bytes, `NAME=` and its terminating NUL included: a longer `result` passed as
 * `env: RESULT: ${{ steps.agent.outputs.result }}` stops the next step from
 * starting at all ("Argument list too long"). So the whole answer goes into a
 * file under RUNNER_TEMP, named by `result-file`, and `result` is cut safely
 * below the limit with a last line that says so and where the rest is. The
 * structured output, JSON that a cut would break, is left out of its output
 * when too long and kept in `structured-output-file`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cutToBytes } from '../agent/comment-length.js';
import type { Outputs } from './outputs.js';

/** The most UTF-8 bytes an output passed through `env:` holds: room to spare under MAX_ARG_STRLEN (131,072) for the name and the shell. */
export const ENV_OUTPUT_LIMIT_BYTES = 100_000;

/**
 * Writes `result` and `structured-output` whole into files (their `-file`
 * outputs name them) and cuts what is over `limitBytes`. A file that cannot
 * be written is said through `warn`; its output stays empty.
 */
export function keepOutputsPassable(values: Outputs, env: NodeJS.ProcessEnv, warn: (message: string) => void, limitBytes = ENV_OUTPUT_LIMIT_BYTES): void {
  if (values.result === '' && values['structured-output'] === '') return;
  let dir: string;
  try {
    // RUNNER_TEMP is emptied at the end of every job; a run outside Actions falls back to the system's.
    dir = mkdtempSync(join(env['RUNNER_TEMP'] || tmpdir(), 'coder-agent-'));
  } catch (err) {
    warn(`Could not create a directory for the result files: ${(err as Error).message}`);
    dir = '';
  }
  const save = (name: string, text: string): string => {
    if (dir === '' || text === '') return '';
    const path = join(dir, name);
    try {
      writeFileSync(path, text);
      return path;
    } catch (err) {
      warn(`Could not write ${path}: ${(err as Error).message}`);
      return '';
    }
  };
  values['result-file'] = save('result.md', values.result);
  values['structured-output-file'] = save('structured-output.json', values['structured-output']);
  if (Buffer.byteLength(values.result) > limitBytes) values.result = cutResult(values.result, values['result-file'], values['chat-url'], limitBytes);
  if (Buffer.byteLength(values['structured-output']) > limitBytes) {
    const where = values['structured-output-file'] ? ` It is in ${values['structured-output-file']} (the structured-output-file output).` : '';
    warn(`The structured output is over ${limitBytes.toLocaleString('en-US')} bytes, too long to pass through env:, so the structured-output output is empty.${where}`);
    values['structured-output'] = '';
  }
}

function cutResult(result: string, file: string, chatUrl: string, limitBytes: number): string {
  const where = [file && `in ${file} (the result-file output)`, chatUrl && `in Coder: ${chatUrl}`].filter(Boolean).join(' and ');
  const note = `\n\n✂️ The answer was cut here: an output passed through env: holds at most ${limitBytes.toLocaleString('en-US')} bytes.${where ? ` The whole answer is ${where}.` : ''}`;
  return cutToBytes(result, limitBytes - Buffer.byteLength(note)) + note;
}
