/**
 * The JSON Schema a run's final answer must follow (Coder's `response_format`
 * on create, behind the chat-structured-output experiment). Read from the
 * Action's `output-schema` input (inline or a workspace path) or the CLI's
 * `--output-schema FILE`.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';

export class OutputSchemaError extends Error {
  override readonly name = 'OutputSchemaError';
}

/** Parses schema text; `source` names where it came from in the error. Throws OutputSchemaError. */
export function parseOutputSchema(text: string, source: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new OutputSchemaError(`${source} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new OutputSchemaError(`${source} must be a JSON Schema object, like {"type":"object","properties":{...}}.`);
  }
  return value as Record<string, unknown>;
}

/**
 * `value` is inline JSON when it starts with `{`, otherwise a path inside
 * `workspace` (a path outside it is refused: the input must not read the
 * runner's other files).
 */
export async function readOutputSchema(value: string, workspace: string, what: string): Promise<Record<string, unknown>> {
  const trimmed = value.trim();
  if (trimmed.startsWith('{')) return parseOutputSchema(trimmed, what);
  const path = resolve(workspace, trimmed);
  const rel = relative(resolve(workspace), path);
  if (rel.startsWith('..') || isAbsolute(rel)) throw new OutputSchemaError(`${what} names a file outside the workspace: ${trimmed}.`);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new OutputSchemaError(`${what}: cannot read ${trimmed} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`);
  }
  return parseOutputSchema(text, `${what} (${trimmed})`);
}
