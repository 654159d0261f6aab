/**
 * The comment bodies a person sees (DESIGN.md, "What a person sees"): one
 * progress comment, edited in place, that becomes the answer, an error, or a
 * note that the run was stopped.
 *
 * Renderers take no tokens, so they cannot leak one; text that may echo a
 * secret (an error detail) goes through `redactSecrets` first. Every body
 * goes through `fitCommentBody`, so none exceeds GitHub's limit, and text the
 * bot did not write is stripped of marker look-alikes (`stripMarkers`), and
 * the marker the renderer appends is always the last thing in the body, so
 * only it links the thread to a chat.
 */
import type { ChatCost } from '../coder/client.js';
import type { Usage } from '../coder/schemas.js';
import { cutCleanly, fitCommentBody } from './comment-length.js';
import { renderMarker, stripMarkers, type MarkerState } from './marker.js';
import { fencedBlock, markdownLink } from './markdown.js';

/** `42s`, `1m 05s`, `1h 02m`: seconds stop mattering once a run takes hours. */
export function formatDuration(ms: number): string {
  const totalSeconds = Number.isFinite(ms) && ms > 0 ? Math.floor(ms / 1000) : 0;
  if (totalSeconds < 60) return `${totalSeconds}s`;
  const totalMinutes = Math.floor(totalSeconds / 60);
  if (totalMinutes < 60) return `${totalMinutes}m ${pad2(totalSeconds % 60)}s`;
  return `${Math.floor(totalMinutes / 60)}h ${pad2(totalMinutes % 60)}m`;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * Replaces every occurrence of each secret with `***`. Secrets shorter than
 * four characters are skipped: replacing "a" or "42" everywhere would garble
 * the text and hide nothing worth hiding. Longer secrets go first, so one
 * that contains another is still replaced whole.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  const redactable = [...new Set(secrets)].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
  return redactable.reduce((acc, secret) => acc.split(secret).join('***'), text);
}

export interface RetryInfo {
  attempt: number;
  delayMs: number;
  error: string;
}

export interface ProgressView {
  /** Coder's chat status, or `queued` while our message waits behind a busy chat. */
  status: string;
  chatUrl: string;
  chatId: string;
  /** The request key for the marker (see marker.ts). */
  request?: string | undefined;
  elapsedMs: number;
  /** Set while Coder retries a failed model call. */
  retries?: RetryInfo | undefined;
  /** How many messages are queued ahead of ours. */
  queued?: number | undefined;
  /** The most recent tool the agent called. */
  lastTool?: string | undefined;
  /** Notes for the person (an image that could not be attached); untrusted text, neutralised here. */
  notes?: readonly string[] | undefined;
}

export function renderProgress(view: ProgressView): string {
  const parts = [progressHeadline(view), formatDuration(view.elapsedMs), markdownLink('Open in Coder', view.chatUrl)];
  const content = [parts.join(' · '), '<sub>This comment is updated as the agent works and will hold its answer.</sub>'].join('\n\n');
  return fitCommentBody({ content, tail: withNotes(view.notes, marker(view.chatId, 'running', view.request)), fullTextUrl: view.chatUrl, noun: 'status' });
}

/**
 * The comment of a run that does not wait for the answer (`wait: false`): it
 * must not look like a progress comment that stopped moving. The marker
 * stays, so a later request in the thread continues the chat or stops it.
 */
export function renderStarted(view: { chatUrl: string; chatId: string; request?: string | undefined; notes?: readonly string[] | undefined }): string {
  const content = [
    `🚀 **Started** · ${markdownLink('Open in Coder', view.chatUrl)}`,
    '<sub>This run does not wait for the answer: follow the agent in Coder. A new request in this thread continues the same chat.</sub>',
  ].join('\n\n');
  return fitCommentBody({ content, tail: withNotes(view.notes, marker(view.chatId, 'running', view.request)), fullTextUrl: view.chatUrl, noun: 'status' });
}

function progressHeadline(view: ProgressView): string {
  if (view.retries !== undefined) {
    const { attempt, delayMs, error } = view.retries;
    const reason = error.trim() === '' ? '' : `: ${oneLine(error, 300)}`;
    return `🔁 **Retrying** (attempt ${attempt}, next try in ${formatDuration(delayMs)})${reason}`;
  }
  switch (view.status) {
    case 'queued': {
      const ahead = view.queued ?? 0;
      const behind = ahead > 0 ? ` behind ${ahead} earlier ${ahead === 1 ? 'message' : 'messages'}` : '';
      return `⏳ **Queued**${behind}`;
    }
    case 'pending':
    case 'waiting':
      return '⏳ **Starting**';
    case 'waiting for capacity':
      return '⏳ **Waiting for capacity** (every agent slot in Coder is busy)';
    case 'running':
      return view.lastTool === undefined ? '🛠️ **Working**' : `🛠️ **Working** (last tool: \`${oneLine(view.lastTool.replaceAll('`', ''), 100)}\`)`;
    case 'interrupting':
      return '⏹️ **Stopping**';
    case 'paused':
      return '⏸️ **Paused**';
    default:
      return `⏳ **${oneLine(view.status, 50)}**`;
  }
}

export interface AnswerView {
  /** The request key for the marker (see marker.ts). */
  request?: string | undefined;
  /** The agent's final message (Markdown). */
  result: string;
  chatUrl: string;
  chatId: string;
  /** Coder's chat status when the turn ended, or `interrupted` when someone stopped the turn (ChatOutcome.interrupted). */
  status: string;
  durationMs: number;
  /** The pull request the chat opened, if any. */
  prUrl?: string | undefined;
  usage?: Usage | null | undefined;
  /** Coder's `GET /{chat}/cost`, when the server has it. */
  cost?: ChatCost | undefined;
  /** Notes for the person; untrusted text, neutralised here. */
  notes?: readonly string[] | undefined;
}

export function renderAnswer(view: AnswerView): string {
  const answer = stripMarkers(view.result).trim();
  const content = answer !== '' ? answer : view.status === 'interrupted' ? "_The agent's turn was interrupted before it wrote anything; the chat in Coder shows what it did._" : '_The agent finished without a written answer; the chat in Coder shows what it did._';
  const footer = [
    markdownLink('Open in Coder', view.chatUrl),
    `${answerStatus(view.status)} in ${formatDuration(view.durationMs)}`,
    ...(view.prUrl === undefined ? [] : [markdownLink('Pull request', view.prUrl)]),
    ...formatUsage(view.usage),
    ...(view.cost === undefined ? [] : [formatCost(view.cost)]),
  ].join(' · ');
  const tail = withNotes(view.notes, `---\n${footer}\n\n${marker(view.chatId, 'done', view.request)}`);
  return fitCommentBody({ content, tail, fullTextUrl: view.chatUrl });
}

function answerStatus(status: string): string {
  switch (status) {
    case 'completed':
    case 'waiting':
      return '✅ Done';
    case 'requires_action':
      return '⚠️ Needs your input in Coder';
    case 'interrupted':
      return '⏹️ Interrupted';
    case 'error':
      return '❌ Ended with an error';
    default:
      return `Status ${oneLine(status, 50)}`;
  }
}

/**
 * `$0.37 · 12 requests`, plus `2 unpriced` when some requests had no price
 * (Coder counts them in request_count and leaves them out of the total).
 */
export function formatCost(cost: ChatCost): string {
  const parts = [formatUsd(cost.totalCostMicros), `${cost.requestCount} request${cost.requestCount === 1 ? '' : 's'}`];
  if (cost.unpricedRequestCount > 0) parts.push(`${cost.unpricedRequestCount} unpriced`);
  return parts.join(' · ');
}

/** Micro-dollars as dollars: two decimals, more below a cent so a small cost does not read as $0.00. */
export function formatUsd(micros: number): string {
  const usd = micros / 1_000_000;
  return `$${usd > 0 && usd < 0.01 ? usd.toFixed(4) : usd.toFixed(2)}`;
}

function formatUsage(usage: Usage | null | undefined): string[] {
  const input = usage?.input_tokens;
  const output = usage?.output_tokens;
  if (input === undefined && output === undefined) return [];
  const count = (n: number | undefined): string => (n ?? 0).toLocaleString('en-US');
  return [`${count(input)} tokens in, ${count(output)} out`];
}

export interface ErrorView {
  request?: string | undefined;
  /** What failed, in one line: "Coder rejected the request". */
  title: string;
  /** The underlying message; redact secrets before passing it. */
  detail?: string | undefined;
  /** What to do about it. */
  hint?: string | undefined;
  chatUrl?: string | undefined;
  /**
   * When a chat exists the marker is kept (state=error) so a follow-up can
   * continue it; without one the marker names only `request`, when given.
   */
  chatId?: string | undefined;
}

export function renderError(view: ErrorView): string {
  const sections = [`❌ **${oneLine(view.title, 200)}**`];
  const detail = stripMarkers(view.detail ?? '').trim();
  if (detail !== '') sections.push(fencedBlock(detail));
  const hint = stripMarkers(view.hint ?? '').trim();
  if (hint !== '') sections.push(hint);
  const tail = [
    ...(view.chatUrl === undefined ? [] : [markdownLink('Open in Coder', view.chatUrl)]),
    ...optionalMarker(view.chatId, 'error', view.request),
  ].join('\n\n');
  return fitCommentBody({ content: sections.join('\n\n'), tail, fullTextUrl: view.chatUrl, noun: 'message' });
}

export interface StoppedView {
  request?: string | undefined;
  chatUrl?: string | undefined;
  chatId?: string | undefined;
  /** Login of the person who asked to stop (`/agent stop`). */
  stoppedBy?: string | undefined;
  /** Why, when not a person: "The run reached its 60-minute time limit". */
  reason?: string | undefined;
  elapsedMs?: number | undefined;
  /** What the agent had written before it was stopped. */
  partialResult?: string | undefined;
}

export function renderStopped(view: StoppedView): string {
  const by = view.stoppedBy === undefined ? '' : ` by @${oneLine(view.stoppedBy, 100)}`;
  const after = view.elapsedMs === undefined ? '' : ` after ${formatDuration(view.elapsedMs)}`;
  const sections = [`⏹️ **Stopped**${by}${after}.`];
  const reason = stripMarkers(view.reason ?? '').trim();
  if (reason !== '') sections.push(reason);
  const partial = stripMarkers(view.partialResult ?? '').trim();
  if (partial !== '') sections.push('What the agent had written so far:', partial);
  const tail = [
    ...(view.chatUrl === undefined ? [] : [markdownLink('Open in Coder', view.chatUrl)]),
    ...optionalMarker(view.chatId, 'stopped', view.request),
  ].join('\n\n');
  return fitCommentBody({ content: sections.join('\n\n'), tail, fullTextUrl: view.chatUrl });
}

export interface StoppingView {
  request: string;
  chatUrl: string;
  chatId: string;
  /** Login of the person who asked to stop. */
  stoppedBy: string;
  /** The chat's newest message id when the stop was asked (marker.ts, `last-message`). */
  lastMessageId: number;
}

/**
 * What `/agent stop` says before it interrupts (stop.ts): the comment is
 * its durable record of which turn it stops, edited to "Stopped" (or the
 * error) once Coder answered.
 */
export function renderStopping(view: StoppingView): string {
  const content = `⏹️ **Stopping** the agent, as @${oneLine(view.stoppedBy, 100)} asked…`;
  const tail = [markdownLink('Open in Coder', view.chatUrl), renderMarker({ chatId: view.chatId, state: 'stopping', request: view.request, lastMessageId: view.lastMessageId })].join('\n\n');
  return fitCommentBody({ content, tail, fullTextUrl: view.chatUrl });
}

/** Longest note kept: a note is a sentence, and an error message quoted in one can be long. */
const MAX_NOTE_CHARS = 500;

/**
 * Notes go in the tail, which is never cut, before the footer and the marker:
 * the marker stays the last thing in the body whatever a note says.
 */
function withNotes(notes: readonly string[] | undefined, tail: string): string {
  const kept = (notes ?? []).map((n) => oneLine(n, MAX_NOTE_CHARS)).filter((n) => n !== '');
  return kept.length === 0 ? tail : `> [!NOTE]\n${kept.map((n) => `> ${n}`).join('\n')}\n\n${tail}`;
}

function marker(chatId: string, state: MarkerState, request: string | undefined): string {
  return renderMarker(request === undefined ? { chatId, state } : { chatId, state, request });
}

/**
 * The marker of a comment that may have no chat: with neither a chat nor a
 * request there is nothing to name (the Action's comment before a chat).
 * With only the request, a run resumed after a crash still finds this
 * comment and does not post it again.
 */
function optionalMarker(chatId: string | undefined, state: MarkerState, request: string | undefined): string[] {
  if (chatId === undefined && request === undefined) return [];
  return [renderMarker({ state, ...(chatId === undefined ? {} : { chatId }), ...(request === undefined ? {} : { request }) })];
}

/** Collapses whitespace so the text stays on its line, strips marker look-alikes, caps the length. */
function oneLine(text: string, max: number): string {
  const flat = stripMarkers(text).replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${cutCleanly(flat, max - 1)}…`;
}
