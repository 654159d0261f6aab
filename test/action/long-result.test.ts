/**
 * docs/action.md, "Outputs" (issue 12; first-user review): later steps take
 * `result` through `env:` only. Linux holds one environment string to 128 KiB
 * (MAX_ARG_STRLEN), so a `result` over that stopped the documented step from
 * starting ("Argument list too long"). The runner passes `env:` to the next
 * step's shell as environment variables, as done here with the outputs the
 * Action wrote; `result-file` holds the whole answer.
 */
import { expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { useCurrentFakes } from './current-fakes.js';
import { webhookExample } from '../helpers/webhook-examples.js';
import { runAction } from './harness.js';

const fakes = useCurrentFakes();

it('the documented `env: RESULT: ${{ steps.agent.outputs.result }}` step can start after a 200 KB answer, and result-file holds it whole', async () => {
  const coder = fakes.coder();
  const github = fakes.github();
  // Multi-byte text: the limit is in bytes, and a cut may not split a character.
  const long = 'A line of a long report from the agent, with “quotes” and ✓ marks.\n'.repeat(3000);
  coder.options.agent = () => [{ status: 'running' }, { text: long }, { persist: true }, { status: 'waiting' }];
  const run = await runAction(coder, github, { event: 'workflow_dispatch', payload: webhookExample('workflow_dispatch'), inputs: { prompt: 'write a report' } });
  expect(run.code).toBe(0);
  const result = run.outputs['result'] ?? '';
  expect(Buffer.byteLength(result)).toBeLessThanOrEqual(100_000);
  expect(result).not.toContain('\uFFFD');
  const file = run.outputs['result-file'] ?? '';
  expect(result.split('\n').at(-1)).toMatch(new RegExp(`was cut here.*${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  expect(readFileSync(file, 'utf8')).toBe(long.trim());
  // docs/action.md's example steps: printf '%s\n' "$RESULT" "$PR_URL", and wc -c < "$RESULT_FILE"
  const next = spawnSync('/bin/sh', ['-c', `printf '%s\\n' "$RESULT" "$PR_URL" | wc -c`], { env: { PATH: process.env['PATH'], RESULT: result, PR_URL: run.outputs['pull-request-url'] ?? '' } });
  expect(next.error?.message).toBeUndefined();
  expect(next.status).toBe(0);
  const fromFile = spawnSync('/bin/sh', ['-c', 'wc -c < "$RESULT_FILE"'], { env: { PATH: process.env['PATH'], RESULT_FILE: file }, encoding: 'utf8' });
  expect(Number(fromFile.stdout.trim())).toBe(Buffer.byteLength(long.trim()));
}, 60_000);

it('a short answer is whole in `result` and in result-file', async () => {
  const coder = fakes.coder();
  const github = fakes.github();
  coder.options.agent = () => [{ status: 'running' }, { text: 'Short answer.' }, { persist: true }, { status: 'waiting' }];
  const run = await runAction(coder, github, { event: 'workflow_dispatch', payload: webhookExample('workflow_dispatch'), inputs: { prompt: 'answer briefly' } });
  expect(run.outputs['result']).toBe('Short answer.');
  expect(readFileSync(run.outputs['result-file'] ?? '', 'utf8')).toBe('Short answer.');
  expect(run.outputs['structured-output-file']).toBe('');
}, 60_000);
