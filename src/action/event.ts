/**
 * Reads the workflow's event file. Done before @actions/github loads, because
 * that package parses the same file on load and a malformed one would end
 * the step with a stack trace instead of a sentence.
 */
import { readFileSync } from 'node:fs';
import { TriggerError } from '../agent/trigger.js';

export function readEvent(env: NodeJS.ProcessEnv): { name: string; payload: unknown } {
  const name = env['GITHUB_EVENT_NAME'] ?? '';
  const path = env['GITHUB_EVENT_PATH'];
  if (!path) return { name, payload: {} };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new TriggerError(name || 'unknown', [`the event file ${path} cannot be read`]);
  }
  try {
    return { name, payload: JSON.parse(text) };
  } catch {
    throw new TriggerError(name || 'unknown', ['the event file is not valid JSON']);
  }
}
