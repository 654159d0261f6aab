/**
 * keepOutputsPassable (docs/action.md, "Outputs"): what a later step takes
 * through `env:` stays under the limit, cut in bytes on a character boundary,
 * and the whole text is in the `-file` outputs. A small limit keeps it quick.
 */
import { expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyOutputs } from '../../src/action/outputs.js';
import { keepOutputsPassable } from '../../src/action/long-outputs.js';

const env = () => ({ RUNNER_TEMP: mkdtempSync(join(tmpdir(), 'long-outputs-')) });

it('cuts a long result in bytes, never inside a character, and names the file and chat holding it whole', () => {
  const values = emptyOutputs();
  values.result = '😀'.repeat(600);
  values['chat-url'] = 'https://coder.example.com/agents/1';
  const warnings: string[] = [];
  const dir = env();
  keepOutputsPassable(values, dir, (m) => warnings.push(m), 1000);
  expect(Buffer.byteLength(values.result)).toBeLessThanOrEqual(1000);
  expect(values.result).not.toContain('\uFFFD');
  expect(values.result).toMatch(/^(😀)+\n\n✂️ The answer was cut here/u);
  expect(values['result-file'].startsWith(dir.RUNNER_TEMP)).toBe(true);
  expect(values.result).toContain(`in ${values['result-file']} (the result-file output) and in Coder: https://coder.example.com/agents/1.`);
  expect(readFileSync(values['result-file'], 'utf8')).toBe('😀'.repeat(600));
  expect(warnings).toEqual([]);
});

it('leaves a long structured output out of its output (JSON cut short would not parse), with a warning and the file', () => {
  const values = emptyOutputs();
  const json = JSON.stringify({ items: Array.from({ length: 200 }, (_, i) => `item ${i}`) });
  values['structured-output'] = json;
  const warnings: string[] = [];
  keepOutputsPassable(values, env(), (m) => warnings.push(m), 1000);
  expect(values['structured-output']).toBe('');
  expect(JSON.parse(readFileSync(values['structured-output-file'], 'utf8'))).toEqual(JSON.parse(json));
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toContain(values['structured-output-file']);
  expect(values['result-file']).toBe('');
});

it('writes nothing when there is nothing to write', () => {
  const values = emptyOutputs();
  keepOutputsPassable(values, { RUNNER_TEMP: '/nonexistent/dir' }, () => {
    throw new Error('no warning expected');
  });
  expect(values['result-file']).toBe('');
});

it('a directory that cannot be made is a warning, and the result is still cut', () => {
  const values = emptyOutputs();
  values.result = 'x'.repeat(5000);
  const warnings: string[] = [];
  keepOutputsPassable(values, { RUNNER_TEMP: '/nonexistent/dir' }, (m) => warnings.push(m), 1000);
  expect(warnings[0]).toContain('Could not create a directory for the result files');
  expect(values['result-file']).toBe('');
  expect(Buffer.byteLength(values.result)).toBeLessThanOrEqual(1000);
});
