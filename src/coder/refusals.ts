/**
 * Coder's refusals, in sentences a user understands. Matched on status plus
 * Coder's own wording or error `kind` (coderd chat routes, 2026-11), so an
 * unrelated 403 or 409 keeps Coder's message as it is.
 */
import { CoderError } from './errors.js';

export type RefusalKind =
  | 'queue_full'
  | 'not_owner'
  | 'chat_state'
  | 'hook_denied'
  | 'hook_failed'
  | 'gateway_disabled'
  | 'usage_limit'
  | 'structured_output';

export interface Refusal {
  kind: RefusalKind;
  /** What happened, one sentence. */
  sentence: string;
  /** What to do about it. */
  hint: string;
  /** Worth trying again later unchanged (the CLI exits 75, EX_TEMPFAIL). */
  temporary: boolean;
}

const dollars = (micros: number) => `$${(micros / 1_000_000).toFixed(2)}`;

/** The refusal behind a CoderError, or undefined when it is not one of Coder's known refusals. */
export function explainRefusal(err: unknown): Refusal | undefined {
  if (!(err instanceof CoderError) || err.status === undefined) return undefined;
  const { status, message } = err;
  const kind = typeof err.extra['kind'] === 'string' ? err.extra['kind'] : undefined;
  if (status === 429 && /queue is full|too many queued/i.test(message)) {
    const max = /(\d+)/.exec(err.detail ?? '')?.[1];
    return {
      kind: 'queue_full',
      sentence: `Coder's message queue for this chat is full${max ? ` (at most ${max} waiting messages)` : ''}.`,
      hint: 'Wait for the agent to work through the queued messages, then send again.',
      temporary: true,
    };
  }
  if (status === 403 && kind === 'hook_denied') {
    return { kind: 'hook_denied', sentence: `A lifecycle hook on the Coder deployment refused the message: ${message}`, hint: 'Change the request, or ask your Coder administrator about the hook.', temporary: false };
  }
  if (status === 502 && kind === 'hook_dispatch_failed') {
    return { kind: 'hook_failed', sentence: 'A lifecycle hook on the Coder deployment failed, so Coder did not take the message.', hint: 'Try again; if it keeps failing, ask your Coder administrator.', temporary: true };
  }
  if (status === 403 && /only the chat owner/i.test(message)) {
    return { kind: 'not_owner', sentence: 'Only the owner of this chat can send it messages, and this token belongs to someone else.', hint: "Use the chat owner's token, or start a new chat.", temporary: false };
  }
  if (status === 409 && /not in a state that accepts/i.test(message)) {
    return { kind: 'chat_state', sentence: 'The chat is in a state that takes no new messages right now.', hint: 'Open the chat in Coder to see why, or start a new chat.', temporary: false };
  }
  if (status === 503 && /AI Gateway must be enabled/i.test(message)) {
    return {
      kind: 'gateway_disabled',
      sentence: 'Coder Agents are switched off on this deployment (its AI Gateway is disabled).',
      hint: 'A Coder administrator must enable it (CODER_AI_GATEWAY_ENABLED=true).',
      temporary: false,
    };
  }
  const spent = err.extra['spent_micros'];
  const limit = err.extra['limit_micros'];
  if (status === 409 && (typeof spent === 'number' || /usage limit|budget|quota/i.test(message))) {
    const figures = typeof spent === 'number' && typeof limit === 'number' ? ` (${dollars(spent)} of ${dollars(limit)} spent)` : '';
    const resets = typeof err.extra['resets_at'] === 'string' ? ` It resets at ${err.extra['resets_at']}.` : '';
    return { kind: 'usage_limit', sentence: `You have reached your Coder usage limit for this period${figures}.${resets}`, hint: 'Ask your Coder administrator to raise the limit, or wait for it to reset.', temporary: false };
  }
  if (status === 400 && err.validations.some((v) => v.field === 'response_format')) {
    return {
      kind: 'structured_output',
      // coder/coder's codersdk (chats.go, newest commit read 004053e8) has no response_format field and no such
      // experiment, and coderd ignores unknown JSON fields: a schema sent anyway would be silently dropped.
      sentence:
        "This Coder deployment does not accept structured output (response_format): its Coder release does not offer it (it lists no 'chat-structured-output' experiment), so an output schema would be ignored. No chat was made.",
      hint: 'Run without an output schema.',
      temporary: false,
    };
  }
  return undefined;
}
