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
 *
 * The GitHub host: repository ids are unique only within one GitHub, and one
 * Coder account may serve github.com and a GitHub Enterprise Server (or a
 * GHE.com tenant) alike. github.com keeps the `gh/` prefix, so chats started
 * before the host was named keep working. Any other host `h` gets the prefix
 * `gh-<first 16 hex digits of SHA-256 of h>`, e.g. `gh-1a2b3c4d5e6f7a8b/7/42`:
 * a host is up to 253 bytes and may carry a `:port`, which neither fits an
 * older server's 64 bytes nor its key pattern, while a digest of fixed length
 * does. A chat labelled for another host never belongs to a thread here.
 */
import { createHash } from 'node:crypto';
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
  /**
   * The GitHub host the repository lives on (`host[:port]`, as
   * `githubHostOf` gives it). Null or absent for github.com.
   */
  host?: string | null | undefined;
}

/** github.com, as a host; `githubHostOf` answers null for it. */
const GITHUB_COM = 'github.com';

/**
 * The host a front door's GitHub URL names, for `ThreadLabelRef.host`: the
 * URL's `host[:port]`, lower case, with a default port dropped (WHATWG URL);
 * null for github.com and for an empty or missing URL (github.com is the
 * default of every front door). Accepts a bare host too (the App's
 * `GHE_HOST`). Throws TypeError on text that is not a URL or host, so a
 * misconfigured host is never read as github.com.
 */
export function githubHostOf(urlOrHost: string | null | undefined): string | null {
  const text = urlOrHost?.trim() ?? '';
  if (text === '') return null;
  const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
  if (url.host === '') throw new TypeError('A GitHub URL without a host');
  // The root's trailing dot is dropped from the name itself, so `ghe.x.:8443` is `ghe.x:8443`.
  const hostname = url.hostname.toLowerCase().replace(/\.$/, '');
  const host = url.port === '' ? hostname : `${hostname}:${url.port}`;
  return host === GITHUB_COM ? null : host;
}

/** `host` for a ref: left out for github.com, so a github.com ref reads as before hosts were named. */
function hostPart(host: string | null | undefined): Pick<ThreadLabelRef, 'host'> {
  return host == null || host === GITHUB_COM ? {} : { host };
}

/** The value's prefix: `gh` for github.com, `gh-<16 hex digits>` for another host (see the module docstring). */
function hostPrefix(host: string | null | undefined): string {
  if (host == null || host === GITHUB_COM) return 'gh';
  return `gh-${createHash('sha256').update(host).digest('hex').slice(0, 16)}`;
}

/**
 * The label value for a thread, e.g. `gh/1296269/42` or
 * `gh/1296269/42/rc/987654321` on github.com, `gh-<16 hex>/1296269/42` on
 * another host. Throws RangeError on ids that are not positive integers.
 */
export function threadLabelValue(ref: ThreadLabelRef): string {
  const ids = [ref.repositoryId, ref.number, ...(ref.reviewThreadRootId == null ? [] : [ref.reviewThreadRootId])];
  for (const id of ids) {
    if (!Number.isSafeInteger(id) || id <= 0) throw new RangeError(`Not a GitHub id: ${String(id)}`);
  }
  const conversation = `${hostPrefix(ref.host)}/${ref.repositoryId}/${ref.number}`;
  return ref.reviewThreadRootId == null ? conversation : `${conversation}/rc/${ref.reviewThreadRootId}`;
}

/** The labels to put on a chat created for `ref` (merge them last, so no configured label can overwrite them). */
export function threadLabels(ref: ThreadLabelRef): Record<string, string> {
  return { [THREAD_LABEL_KEY]: threadLabelValue(ref) };
}

/**
 * The thread a trigger happened in, on the GitHub `host` (null or absent:
 * github.com), or null when it has none (schedule, workflow_dispatch) or the
 * payload lacks the repository id. A review comment names its review thread;
 * everything else the conversation.
 */
export function threadLabelRefOf(trigger: Pick<Trigger, 'repositoryId' | 'thread'>, host?: string | null): ThreadLabelRef | null {
  if (trigger.thread === null || trigger.repositoryId === null) return null;
  return { repositoryId: trigger.repositoryId, number: trigger.thread.number, reviewThreadRootId: trigger.thread.reviewThreadRootId, ...hostPart(host) };
}

const LABEL_VALUE = /^(gh(?:-[0-9a-f]{16})?)\/(\d{1,19})\/(\d{1,19})(?:\/rc\/(\d{1,19}))?$/;

/**
 * The thread on the GitHub `host` (null or absent: github.com) a chat's
 * label names, or null when the chat has no such label, its value is not one
 * `threadLabelValue` writes, or it names a thread on another host. For the
 * lifecycle events, which start from the chat (found by its pull request)
 * rather than from a thread.
 */
export function labelledThread(labels: Record<string, string> | null | undefined, host?: string | null): ThreadLabelRef | null {
  const match = LABEL_VALUE.exec(labels?.[THREAD_LABEL_KEY] ?? '');
  if (!match || match[1] !== hostPrefix(host)) return null;
  const [repositoryId, number, root] = [match[2], match[3], match[4]].map((v) => (v === undefined ? null : Number(v)));
  if (!Number.isSafeInteger(repositoryId) || !Number.isSafeInteger(number)) return null;
  return { repositoryId: repositoryId!, number: number!, reviewThreadRootId: root, ...hostPart(host) };
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
