/**
 * Wire types of Coder's Chats API, validated at the boundary.
 *
 * The API is experimental and has changed shape across releases (see
 * shared/coder-chats-api.md), so every schema is tolerant: unknown fields are
 * ignored, unknown part types and statuses pass through as plain strings, and
 * fields that older servers omit are optional.
 */
import { z } from 'zod';

/** Statuses seen across releases; any other string is treated as "still working". */
export const KNOWN_STATUSES = [
  'waiting',
  'pending',
  'running',
  'paused',
  'completed',
  'error',
  'requires_action',
  'interrupting',
] as const;
export type ChatStatus = (typeof KNOWN_STATUSES)[number] | (string & {});

/** Statuses at which a turn is over: the agent is idle, failed, or needs a human. */
export const FINAL_STATUSES: ReadonlySet<string> = new Set(['waiting', 'completed', 'error', 'requires_action']);

/** `last_error`: a string (or null) on older servers, an object on newer ones. */
export const ChatErrorSchema = z.object({
  message: z.string(),
  detail: z.string().optional(),
  kind: z.string().optional(),
  provider: z.string().optional(),
  retryable: z.boolean().optional(),
  status_code: z.number().optional(),
});
export type ChatError = z.infer<typeof ChatErrorSchema>;

const LastErrorSchema = z
  .union([z.string(), ChatErrorSchema, z.null()])
  .optional()
  .transform((v): ChatError | null => {
    if (v === undefined || v === null || v === '') return null;
    return typeof v === 'string' ? { message: v } : v;
  });

export const DiffStatusSchema = z.looseObject({
  url: z.string().optional(),
  pull_request_state: z.string().optional(),
  pr_number: z.number().optional(),
  additions: z.number().optional(),
  deletions: z.number().optional(),
  changed_files: z.number().optional(),
  head_branch: z.string().optional(),
  base_branch: z.string().optional(),
});
export type DiffStatus = z.infer<typeof DiffStatusSchema>;

export const ChatSchema = z.object({
  id: z.string(),
  owner_id: z.string().optional(),
  organization_id: z.string().optional(),
  workspace_id: z.string().nullish(),
  parent_chat_id: z.string().nullish(),
  root_chat_id: z.string().nullish(),
  last_model_config_id: z.string().nullish(),
  title: z.string().default(''),
  status: z.string(),
  last_error: LastErrorSchema,
  created_at: z.string().optional(),
  updated_at: z.string().optional(),
  archived: z.boolean().default(false),
  labels: z.record(z.string(), z.string()).nullish(),
  diff_status: DiffStatusSchema.nullish(),
  /** Current servers: the chat waits for a free agent slot (single-chat reads only). */
  queued_for_capacity: z.boolean().optional(),
  warnings: z.array(z.string()).nullish(),
});
export type Chat = z.infer<typeof ChatSchema>;

/**
 * A message part. One flat object discriminated by `type`; unknown types are
 * kept (with their raw fields) so callers can ignore them without failing.
 */
export const MessagePartSchema = z.looseObject({
  type: z.string(),
  text: z.string().optional(),
  tool_call_id: z.string().optional(),
  tool_name: z.string().optional(),
  args: z.unknown().optional(),
  args_delta: z.string().optional(),
  result: z.unknown().optional(),
  is_error: z.boolean().optional(),
  url: z.string().optional(),
  title: z.string().optional(),
  media_type: z.string().optional(),
  file_id: z.string().optional(),
  file_name: z.string().optional(),
});
export type MessagePart = z.infer<typeof MessagePartSchema>;

export const UsageSchema = z.looseObject({
  input_tokens: z.number().optional(),
  output_tokens: z.number().optional(),
});
export type Usage = z.infer<typeof UsageSchema>;

export const ChatMessageSchema = z.object({
  id: z.number(),
  chat_id: z.string().optional(),
  created_at: z.string().optional(),
  role: z.string(),
  content: z.array(MessagePartSchema).nullish().transform((v) => v ?? []),
  usage: UsageSchema.nullish(),
  /** The result of a chat created with `response_format` (the chat-structured-output experiment). */
  structured_output: z.unknown().optional(),
});
export type ChatMessage = z.infer<typeof ChatMessageSchema>;

export const QueuedMessageSchema = z.object({
  id: z.number(),
  chat_id: z.string().optional(),
  content: z.array(MessagePartSchema).nullish(),
  created_at: z.string().optional(),
});
export type QueuedMessage = z.infer<typeof QueuedMessageSchema>;

export const MessagesPageSchema = z.object({
  messages: z.array(ChatMessageSchema).nullish().transform((v) => v ?? []),
  queued_messages: z.array(QueuedMessageSchema).nullish().transform((v) => v ?? []),
  has_more: z.boolean().default(false),
});
export type MessagesPage = z.infer<typeof MessagesPageSchema>;

export const CreateMessageResponseSchema = z.object({
  queued: z.boolean(),
  message: ChatMessageSchema.optional(),
  queued_message: QueuedMessageSchema.optional(),
});
export type CreateMessageResponse = z.infer<typeof CreateMessageResponseSchema>;

export const ModelsResponseSchema = z.object({
  providers: z
    .array(
      z.object({
        provider: z.string(),
        available: z.boolean().default(true),
        unavailable_reason: z.string().optional(),
        models: z
          .array(z.object({ id: z.string(), provider: z.string().optional(), model: z.string(), display_name: z.string().optional() }))
          .nullish()
          .transform((v) => v ?? []),
      }),
    )
    .nullish()
    .transform((v) => v ?? []),
});
export type ModelsResponse = z.infer<typeof ModelsResponseSchema>;

export const ModelConfigSchema = z.object({
  id: z.string(),
  provider: z.string().optional(),
  model: z.string(),
  display_name: z.string().optional(),
  enabled: z.boolean().default(true),
  is_default: z.boolean().default(false),
});
export type ModelConfig = z.infer<typeof ModelConfigSchema>;

/** codersdk.OrganizationChatModelsResponse: models name their provider by `ai_provider_id`. */
export const OrganizationModelsSchema = z.object({
  models: z
    .array(
      z.object({
        id: z.string(),
        ai_provider_id: z.string().optional(),
        model: z.string(),
        display_name: z.string().optional(),
        enabled: z.boolean().default(true),
        is_default: z.boolean().default(false),
      }),
    )
    .nullish()
    .transform((v) => v ?? []),
  providers: z
    .array(z.object({ id: z.string(), type: z.string().optional(), available: z.boolean().optional(), unavailable_reason: z.string().optional() }))
    .nullish()
    .transform((v) => v ?? []),
});

/** codersdk.ChatCost (micro-dollars). */
export const ChatCostSchema = z.object({
  total_cost_micros: z.number(),
  request_count: z.number().default(0),
  unpriced_request_count: z.number().default(0),
});

export const UploadResponseSchema = z.object({ id: z.string() });

export const UserSchema = z.object({
  id: z.string().optional(),
  username: z.string().optional(),
  organization_ids: z.array(z.string()).nullish().transform((v) => v ?? []),
});
export const OrganizationSchema = z.object({ id: z.string(), name: z.string().optional() });

/** Coder's error body: `{message, detail?, validations?}`. */
export const ErrorBodySchema = z.object({
  message: z.string(),
  detail: z.string().optional(),
  validations: z.array(z.object({ field: z.string(), detail: z.string() })).optional(),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** What we send: the input part types the API accepts. */
export type ChatInputPart =
  | { type: 'text'; text: string }
  | { type: 'file'; file_id: string }
  | { type: 'file-reference'; file_name: string; start_line?: number; end_line?: number; content?: string };

export interface CreateChatRequest {
  content: ChatInputPart[];
  organization_id?: string;
  workspace_id?: string;
  model_config_id?: string;
  system_prompt?: string;
  labels?: Record<string, string>;
  /** A JSON Schema the final answer must follow (chat-structured-output experiment). */
  response_format?: Record<string, unknown>;
}

export interface CreateChatMessageRequest {
  content: ChatInputPart[];
  model_config_id?: string;
  busy_behavior?: 'queue' | 'interrupt';
}
