/** Request body validation, with the error bodies of the reference. */
import { HttpError, MESSAGES } from './http.js';
import type { Validation } from './http.js';

type Part = Record<string, unknown>;

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Label keys and values (reference, CreateChatRequest). */
const LABEL_RE = /^[a-zA-Z0-9][a-zA-Z0-9._/-]*$/;
const MAX_LABELS = 50;
const MAX_LABEL_VALUE_BYTES = 64;
const MAX_SYSTEM_PROMPT = 10_000;

export function parseJson(raw: Buffer): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new HttpError(400, { message: MESSAGES.badJson });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HttpError(400, { message: MESSAGES.badJson, detail: 'The body must be a JSON object.' });
  }
  return value as Record<string, unknown>;
}

function invalidPart(detail: string): HttpError {
  return new HttpError(400, { message: MESSAGES.invalidPart, detail });
}

/**
 * Checks ChatInputParts and returns them as they are persisted.
 * `mediaTypeOf` answers the sniffed type of an uploaded file, or undefined.
 */
export function validateContent(content: unknown, mediaTypeOf: (fileId: string) => string | undefined): Part[] {
  if (!Array.isArray(content) || content.length === 0) {
    throw HttpError.validation({ field: 'content', detail: 'content must be a non-empty array of input parts.' });
  }
  return content.map((raw: unknown, i): Part => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalidPart(`content[${i}] must be an object.`);
    const part = raw as Part;
    switch (part.type) {
      case 'text':
        if (typeof part.text !== 'string' || part.text.trim() === '') throw invalidPart(`content[${i}].text cannot be empty.`);
        return { type: 'text', text: part.text };
      case 'file': {
        const fileId = part.file_id;
        const mediaType = typeof fileId === 'string' ? mediaTypeOf(fileId) : undefined;
        if (typeof fileId !== 'string' || mediaType === undefined) {
          throw invalidPart(`content[${i}].file_id ${JSON.stringify(fileId)} is not an uploaded file.`);
        }
        return { type: 'file', file_id: fileId, media_type: mediaType };
      }
      case 'file-reference': {
        if (typeof part.file_name !== 'string' || part.file_name === '') throw invalidPart(`content[${i}].file_name is required.`);
        for (const key of ['start_line', 'end_line'] as const) {
          const line = part[key];
          if (line !== undefined && !(Number.isInteger(line) && (line as number) >= 0)) {
            throw invalidPart(`content[${i}].${key} must be a non-negative integer.`);
          }
        }
        if (part.content !== undefined && typeof part.content !== 'string') throw invalidPart(`content[${i}].content must be a string.`);
        return { type: 'file-reference', file_name: part.file_name, start_line: part.start_line ?? 0, end_line: part.end_line ?? 0, content: part.content ?? '' };
      }
      default:
        throw invalidPart(`content[${i}].type ${JSON.stringify(part.type)} is not supported.`);
    }
  });
}

function validateLabels(labels: unknown, problems: Validation[]): Record<string, string> {
  if (labels === undefined || labels === null) return {};
  if (typeof labels !== 'object' || Array.isArray(labels)) {
    problems.push({ field: 'labels', detail: 'labels must be an object of strings.' });
    return {};
  }
  const entries = Object.entries(labels as Record<string, unknown>);
  if (entries.length > MAX_LABELS) problems.push({ field: 'labels', detail: `at most ${MAX_LABELS} labels are allowed.` });
  const out: Record<string, string> = {};
  for (const [key, value] of entries) {
    if (!LABEL_RE.test(key)) problems.push({ field: 'labels', detail: `label key ${JSON.stringify(key)} must match ${LABEL_RE.source}.` });
    if (typeof value !== 'string' || !LABEL_RE.test(value)) {
      problems.push({ field: 'labels', detail: `label ${JSON.stringify(key)} has an invalid value.` });
    } else if (Buffer.byteLength(value) > MAX_LABEL_VALUE_BYTES) {
      problems.push({ field: 'labels', detail: `label ${JSON.stringify(key)} value exceeds ${MAX_LABEL_VALUE_BYTES} bytes.` });
    } else {
      out[key] = value;
    }
  }
  return out;
}

export interface CreateChatInput {
  content: Part[];
  organizationId?: string;
  workspaceId?: string;
  modelConfigId?: string;
  systemPrompt?: string;
  labels: Record<string, string>;
}

export interface ValidationContext {
  requireOrganization: boolean;
  isOrganization: (id: string) => boolean;
  isModelConfig: (id: string) => boolean;
  mediaTypeOf: (fileId: string) => string | undefined;
}

function validateModelConfig(value: unknown, ctx: ValidationContext, problems: Validation[]): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || !ctx.isModelConfig(value)) {
    problems.push({ field: 'model_config_id', detail: `model config ${JSON.stringify(value)} does not exist.` });
    return undefined;
  }
  return value;
}

export function validateCreateChat(body: Record<string, unknown>, ctx: ValidationContext): CreateChatInput {
  const problems: Validation[] = [];
  const input: CreateChatInput = { content: [], labels: validateLabels(body.labels, problems) };

  const org = body.organization_id;
  if (org !== undefined && org !== null && org !== '') {
    if (typeof org !== 'string' || !UUID_RE.test(org) || !ctx.isOrganization(org)) {
      problems.push({ field: 'organization_id', detail: `organization ${JSON.stringify(org)} does not exist or you are not a member.` });
    } else {
      input.organizationId = org;
    }
  }
  const workspace = body.workspace_id;
  if (workspace !== undefined && workspace !== null) {
    if (typeof workspace !== 'string' || !UUID_RE.test(workspace)) problems.push({ field: 'workspace_id', detail: 'workspace_id must be a UUID.' });
    else input.workspaceId = workspace;
  }
  const model = validateModelConfig(body.model_config_id, ctx, problems);
  if (model) input.modelConfigId = model;
  const systemPrompt = body.system_prompt;
  if (systemPrompt !== undefined && systemPrompt !== null) {
    if (typeof systemPrompt !== 'string') problems.push({ field: 'system_prompt', detail: 'system_prompt must be a string.' });
    else if (systemPrompt.length > MAX_SYSTEM_PROMPT) problems.push({ field: 'system_prompt', detail: `system_prompt exceeds ${MAX_SYSTEM_PROMPT} characters.` });
    else input.systemPrompt = systemPrompt;
  }
  if (problems.length > 0) throw HttpError.validation(...problems);
  if (ctx.requireOrganization && input.organizationId === undefined) {
    throw new HttpError(400, { message: MESSAGES.organizationRequired });
  }
  input.content = validateContent(body.content, ctx.mediaTypeOf);
  return input;
}

export interface CreateMessageInput {
  content: Part[];
  modelConfigId?: string;
  busyBehavior: 'queue' | 'interrupt';
}

export function validateCreateMessage(body: Record<string, unknown>, ctx: ValidationContext): CreateMessageInput {
  const problems: Validation[] = [];
  const modelConfigId = validateModelConfig(body.model_config_id, ctx, problems);
  const busy = body.busy_behavior ?? 'queue';
  if (busy !== 'queue' && busy !== 'interrupt') problems.push({ field: 'busy_behavior', detail: 'busy_behavior must be "queue" or "interrupt".' });
  if (problems.length > 0) throw HttpError.validation(...problems);
  const input: CreateMessageInput = { content: validateContent(body.content, ctx.mediaTypeOf), busyBehavior: busy as 'queue' | 'interrupt' };
  if (modelConfigId) input.modelConfigId = modelConfigId;
  return input;
}

/** Parses an optional integer query parameter; 400 Validation failed when malformed or out of range. */
export function intParam(params: URLSearchParams, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const raw = params.get(name);
  if (raw === null || raw === '') return undefined;
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw) || value < min || value > max) {
    throw HttpError.validation({ field: name, detail: `${name} must be an integer between ${min} and ${max}.` });
  }
  return value;
}
