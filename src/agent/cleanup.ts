/**
 * Clean-up: closing an issue or pull request archives its chat; reopening
 * unarchives it. Coder (v2.37+) answers 409 to archiving a chat that is still
 * working, so a busy chat is interrupted first. Nothing is posted in the
 * thread: it has just been closed, and the chat link stays in the bot's
 * earlier comments.
 *
 * The chat is found as a follow-up finds it (thread-chat.ts): the marker in
 * the bot's latest comment names a candidate, and only a chat whose thread
 * label names this thread is archived. A marker alone is never enough
 * (issue 8): a comment can carry text the bot did not write, and closing one
 * thread must not reach another thread's chat.
 */
import { CoderError } from '../coder/errors.js';
import { FINAL_STATUSES, type Chat } from '../coder/schemas.js';
import { botChats } from './bot-chats.js';
import { describeFailure } from './failure.js';
import { decideTrigger } from './policy.js';
import { threadOf } from './gather.js';
import type { AgentDeps, RunResult } from './run-types.js';
import { findThreadChat } from './thread-chat.js';
import { labelledThread, threadLabelRefOf } from './thread-label.js';
import type { Trigger } from './trigger.js';

/** `issues`/`pull_request` actions that clean up, and what they do. */
export const CLEANUP_ACTIONS: Readonly<Record<string, 'archive' | 'unarchive'>> = { closed: 'archive', reopened: 'unarchive' };

export function isCleanupEvent(trigger: Pick<Trigger, 'event' | 'action'>): boolean {
  return (trigger.event === 'issues' || trigger.event === 'pull_request') && trigger.action !== null && trigger.action in CLEANUP_ACTIONS;
}

export interface CleanupSettings {
  /** false: closing and reopening leave the chat alone (the `archive-on-close` setting). */
  archiveOnClose: boolean;
  /** How long to wait for an interrupted chat to settle before archiving; default 15 s. */
  settleMs?: number | undefined;
  /** Bots whose closing counts (policy.ts); people need write access. */
  allowedBots: readonly string[];
}

export async function cleanUpThreadChat(trigger: Trigger, settings: CleanupSettings, deps: AgentDeps): Promise<RunResult> {
  const action = trigger.action === null ? undefined : CLEANUP_ACTIONS[trigger.action];
  if (!action || !settings.archiveOnClose) return { status: 'skipped', reason: 'Archiving chats on close is turned off.' };
  const thread = threadOf(trigger);
  if (!thread) return { status: 'skipped', reason: 'The event names no issue or pull request.' };
  // Archiving interrupts the agent: only those who may stop it (write access, as for `/agent stop`) do so by
  // closing. An issue's author without it can close their issue; the agent's work goes on.
  const decision = await decideTrigger(trigger, { botLogin: deps.botLogin, allowedBots: settings.allowedBots }, deps.github);
  if (!decision.allowed) return { status: 'skipped', reason: `The thread was ${trigger.action ?? 'changed'}, but its chat is left as it is: ${decision.reason}` };
  const read = await deps.github.listThreadComments(thread);
  const chats: Chat[] = [];
  try {
    // Reopening looks for the archived chat, closing for the live one (used when the marker is older than what was read).
    const chat = await findThreadChat(read, threadLabelRefOf(trigger, deps.githubHost), deps, { archived: action === 'unarchive' });
    if (chat) chats.push(chat);
    // A pull request's review threads have chats of their own (labelled .../rc/<root>): they end with it.
    if (trigger.thread?.isPullRequest && trigger.repositoryId !== null) chats.push(...(await reviewThreadChats(trigger.repositoryId, thread.number, action, deps)));
  } catch (err) {
    return cleanupFailed(err, action, undefined, deps);
  }
  if (chats.length === 0) return { status: 'skipped', reason: 'No agent chat belongs to this thread.' };
  let result: RunResult | undefined;
  for (const chat of chats) {
    const done = await cleanUpChat(chat, action, settings, deps);
    if (done.status === 'failed' || result === undefined || result.status === 'skipped') result = done;
    if (done.status !== 'failed' && done.status !== 'skipped') deps.logger.info(`Chat ${chat.id} ${action}d: the thread was ${trigger.action}.`);
  }
  return result as RunResult;
}

async function cleanUpChat(chat: Chat, action: 'archive' | 'unarchive', settings: CleanupSettings, deps: AgentDeps): Promise<RunResult> {
  const chatId = chat.id;
  try {
    if (action === 'archive') await archiveChat(chat, settings.settleMs ?? 15_000, deps);
    else if (chat.archived) await deps.coder.setArchived(chatId, false, { signal: deps.signal });
  } catch (err) {
    if (err instanceof CoderError && err.status === 404) return { status: 'skipped', reason: `Chat ${chatId} no longer exists.`, chatId };
    return cleanupFailed(err, action, chatId, deps);
  }
  return { status: action === 'archive' ? 'archived' : 'unarchived', chatId, chatUrl: deps.coder.chatUrl(chatId), chatCreated: false };
}

/** The chats of a pull request's review threads, by their thread labels: unarchived ones to archive, archived ones to unarchive. */
async function reviewThreadChats(repositoryId: number, number: number, action: 'archive' | 'unarchive', deps: AgentDeps): Promise<Chat[]> {
  const found: Chat[] = [];
  for await (const chat of botChats(deps.coder, { archived: action === 'unarchive', signal: deps.signal })) {
    const ref = labelledThread(chat.labels, deps.githubHost);
    if (ref?.repositoryId === repositoryId && ref.number === number && ref.reviewThreadRootId != null) found.push(chat);
  }
  return found;
}

function cleanupFailed(err: unknown, action: 'archive' | 'unarchive', chatId: string | undefined, deps: AgentDeps): RunResult {
  const failure = describeFailure(err, deps.secrets);
  deps.logger.warn(`Could not ${action} ${chatId ? `chat ${chatId}` : "this thread's chat"}: ${failure.detail ?? failure.title}`);
  return { status: 'failed', reason: failure.detail ?? failure.title, chatId, chatUrl: chatId && deps.coder.chatUrl(chatId), errorKind: failure.kind };
}

/** Interrupts a chat (as just read) that is still working, waits until it is idle, then archives it. */
async function archiveChat(chat: Chat, settleMs: number, deps: AgentDeps): Promise<void> {
  const { coder } = deps;
  const chatId = chat.id;
  if (chat.archived) return;
  if (!FINAL_STATUSES.has(chat.status)) {
    await coder.interrupt(chatId, deps.signal);
    const until = Date.now() + settleMs;
    let status = (await coder.getChat(chatId, deps.signal)).status;
    while (!FINAL_STATUSES.has(status) && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 250));
      status = (await coder.getChat(chatId, deps.signal)).status;
    }
  }
  await coder.setArchived(chatId, true, { signal: deps.signal, settleMs });
}
