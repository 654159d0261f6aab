/**
 * The Coder label that ties a chat to the GitHub thread it was started in.
 *
 * The marker in the bot's comment says which chat a thread talks to, but a
 * comment can hold text other people chose, so the marker is only a hint.
 * The proof is a label the bot sets when it creates the chat, which nobody
 * on GitHub can change: a follow-up, `stop` or `new` acts on a chat only when
 * the chat's labels name the thread the request came from (issue 8, kind 1).
 *
 * Encoding: `gh/<repository id>/<number>` and, for a review thread,
 * `gh/<repository id>/<number>/rc/<root review comment id>`. Coder's rules
 * (coderd/httpapi/chatlabels.go: key `^[a-zA-Z0-9][a-zA-Z0-9._/-]*$` of at
 * most 64 bytes, value non-empty and at most 256 bytes, at most 50 labels;
 * older servers also held values to the key pattern and 64 bytes) are met by
 * every value: GitHub's numeric ids are digits, and three int64 ids plus the
 * separators stay under 64 bytes. An `owner/repo` name would not: it can be
 * 140 characters and start with `.`, which no label may. The repository id
 * also survives a rename or a transfer, which the name does not.
 */
import type { Trigger } from './trigger.js';

/** The label key; the `coder-agent-bot/` prefix keeps it apart from labels people set. */
export const THREAD_LABEL_KEY = 'coder-agent-bot/thread';

/** A GitHub thread as the label names it. */
export interface ThreadLabelRef {
  /** GitHub's numeric repository id (`repository.id` in every webhook payload). */
  repositoryId: number;
  /** The issue or pull request number. */
  number: number;
  /** A review thread: the id of its first review comment. Null or absent for the conversation. */
  reviewThreadRootId?: number | null | undefined;
}

/** The label value for a thread, e.g. `gh/1296269/42` or `gh/1296269/42/rc/987654321`. Throws RangeError on ids that are not positive integers. */
export function threadLabelValue(ref: ThreadLabelRef): string {
  const ids = [ref.repositoryId, ref.number, ...(ref.reviewThreadRootId == null ? [] : [ref.reviewThreadRootId])];
  for (const id of ids) {
    if (!Number.isSafeInteger(id) || id <= 0) throw new RangeError(`Not a GitHub id: ${String(id)}`);
  }
  const conversation = `gh/${ref.repositoryId}/${ref.number}`;
  return ref.reviewThreadRootId == null ? conversation : `${conversation}/rc/${ref.reviewThreadRootId}`;
}

/** The labels to put on a chat created for `ref` (merge them last, so no configured label can overwrite them). */
export function threadLabels(ref: ThreadLabelRef): Record<string, string> {
  return { [THREAD_LABEL_KEY]: threadLabelValue(ref) };
}

/**
 * The thread a trigger happened in, or null when it has none (schedule,
 * workflow_dispatch) or the payload lacks the repository id. A review
 * comment names its review thread; everything else the conversation.
 */
export function threadLabelRefOf(trigger: Pick<Trigger, 'repositoryId' | 'thread'>): ThreadLabelRef | null {
  if (trigger.thread === null || trigger.repositoryId === null) return null;
  return { repositoryId: trigger.repositoryId, number: trigger.thread.number, reviewThreadRootId: trigger.thread.reviewThreadRootId };
}

const LABEL_VALUE = /^gh\/(\d{1,19})\/(\d{1,19})(?:\/rc\/(\d{1,19}))?$/;

/**
 * The thread a chat's label names, or null when the chat has no such label
 * or its value is not one `threadLabelValue` writes. For the CI relay, which
 * starts from the chat (found by its pull request) rather than from a thread.
 */
export function labelledThread(labels: Record<string, string> | null | undefined): ThreadLabelRef | null {
  const match = LABEL_VALUE.exec(labels?.[THREAD_LABEL_KEY] ?? '');
  if (!match) return null;
  const [repositoryId, number, root] = [match[1], match[2], match[3]].map((v) => (v === undefined ? null : Number(v)));
  if (!Number.isSafeInteger(repositoryId) || !Number.isSafeInteger(number)) return null;
  return { repositoryId: repositoryId!, number: number!, reviewThreadRootId: root };
}

export type ThreadCheck = { belongs: true } | { belongs: false; reason: string };

/**
 * Whether `chat` belongs to the thread `ref` names: its labels carry exactly
 * that thread's value. A chat without the label (made elsewhere, or by a
 * version of the bot before the label existed) never belongs, so an old or
 * foreign chat id in a marker cannot be used to reach it. `reason` is for the
 * log, and names both values.
 */
export function checkChatThread(chat: { id: string; labels?: Record<string, string> | null | undefined }, ref: ThreadLabelRef | null): ThreadCheck {
  if (ref === null) return { belongs: false, reason: `this request has no thread to match chat ${chat.id} against` };
  const expected = threadLabelValue(ref);
  const actual = chat.labels?.[THREAD_LABEL_KEY];
  if (actual === undefined) return { belongs: false, reason: `chat ${chat.id} has no ${THREAD_LABEL_KEY} label (it was not started by this bot for a thread, or predates the label)` };
  if (actual !== expected) return { belongs: false, reason: `chat ${chat.id} belongs to thread ${actual}, not ${expected}` };
  return { belongs: true };
}
