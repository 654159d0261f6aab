/**
 * The hidden marker that links a GitHub thread to its Coder chat.
 *
 * The Action keeps no state between runs, so the bot's own comment carries
 * the chat id in an HTML comment (invisible on GitHub); a later `/agent ...`
 * in the same thread finds it and continues that chat (DESIGN.md, "What a
 * person sees" 5). This is the one module that knows the marker's format.
 */

/**
 * `stopping`: a `/agent stop` posted its comment and has not yet heard that
 * Coder took the interrupt (stop.ts); the marker then also names the
 * chat's newest message at that moment (`last-message`).
 */
export const MARKER_STATES = ['running', 'done', 'error', 'stopped', 'stopping'] as const;
export type MarkerState = (typeof MARKER_STATES)[number];

/**
 * What a marker says. It names a chat, a request, or both: the comment a
 * request posts before any chat exists (an error, a refusal) carries only
 * the request, so a run resumed after a crash finds it too and does not
 * post it again.
 */
export interface Marker {
  /** The chat this comment links the thread to; absent in a comment posted before any chat existed. */
  chatId?: string | undefined;
  state: MarkerState;
  /**
   * The request this comment answers (the App's delivery id): how a run
   * resumed after a crash finds the comment it posted, whatever the clocks
   * say. Absent in comments from older versions and the Action.
   */
  request?: string | undefined;
  /** On a CI-failure notice: the workflow run and attempt relayed (`<run id>.<attempt>`), so it is relayed once. */
  ciRun?: string | undefined;
  /**
   * On a `/agent stop` comment: the id of the chat's newest message when the
   * stop was asked (Coder's message ids grow), so a resumed stop tells the
   * turn it was asked to stop from a turn another request started since.
   */
  lastMessageId?: number | undefined;
}

const CI_RUN = /^\d{1,20}\.\d{1,6}$/;

/** Coder's message ids: int64, never negative; 0 when the chat had no message. */
const MESSAGE_ID = /^\d{1,19}$/;

const MARKER_TAG = 'coder-agent-bot';

/** Coder chat ids are UUIDs; the looser pattern tolerates other id formats without letting markup through. */
const CHAT_ID = /^[0-9a-fA-F-]{8,64}$/;

/** Request keys: GitHub delivery ids are UUIDs; the pattern keeps markup and spaces out. */
const REQUEST_KEY = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * What stands between `<!` and `--` when text the bot did not write holds
 * `<!--`: U+200B ZERO WIDTH SPACE, so the text reads the same (in code
 * blocks too) but is no longer an HTML comment, hence no marker.
 */
const COMMENT_BREAK = '\u200B';

/** What a marker holds between `<!--` and `-->`: the tag, then fields free of `<` and `>`. Anchored, no nested repetition. */
const MARKER_INSIDE = new RegExp(`^[ \\t]*${MARKER_TAG}[ \\t]([^<>]*)$`);

export function isChatId(value: string): boolean {
  return CHAT_ID.test(value);
}

export function isRequestKey(value: string): boolean {
  return REQUEST_KEY.test(value);
}

/** A marker that names a chat: the thread↔chat link. */
export type ChatMarker = Marker & { chatId: string };

/**
 * `<!-- coder-agent-bot chat=ID state=S request=KEY ci-run=R last-message=N -->`,
 * each of `chat`, `request`, `ci-run` and `last-message` present when
 * given. Throws RangeError for a value that could not be read back, and
 * for a marker naming neither a chat nor a request (it would identify
 * nothing).
 */
export function renderMarker(marker: Marker): string {
  if (marker.chatId === undefined && marker.request === undefined) throw new RangeError('A marker names a chat, a request or both');
  if (marker.chatId !== undefined && !isChatId(marker.chatId)) throw new RangeError(`Not a chat id: ${JSON.stringify(marker.chatId)}`);
  const chat = marker.chatId === undefined ? '' : ` chat=${marker.chatId}`;
  if (marker.request !== undefined && !isRequestKey(marker.request)) throw new RangeError(`Not a request key: ${JSON.stringify(marker.request)}`);
  const request = marker.request === undefined ? '' : ` request=${marker.request}`;
  if (marker.ciRun !== undefined && !CI_RUN.test(marker.ciRun)) throw new RangeError(`Not a run id and attempt: ${JSON.stringify(marker.ciRun)}`);
  const ciRun = marker.ciRun === undefined ? '' : ` ci-run=${marker.ciRun}`;
  const lastMessageId = marker.lastMessageId;
  if (lastMessageId !== undefined && !(Number.isSafeInteger(lastMessageId) && lastMessageId >= 0)) throw new RangeError(`Not a message id: ${JSON.stringify(lastMessageId)}`);
  const lastMessage = lastMessageId === undefined ? '' : ` last-message=${lastMessageId}`;
  return `<!-- ${MARKER_TAG}${chat} state=${marker.state}${request}${ciRun}${lastMessage} -->`;
}

/** Whether the marker names a chat (a comment posted before any chat existed names none). */
export function hasChat(marker: Marker | null | undefined): marker is ChatMarker {
  return marker?.chatId !== undefined;
}

/**
 * The request tag the bot appends, as a text part of its own, to every
 * message it sends to a chat: `<!-- coder-agent-bot request=KEY -->`. Coder
 * has no labels on messages, so a run resumed after a crash reads the
 * chat's messages for this tag to learn whether its prompt went out. The
 * agent sees an HTML comment, which renders as nothing.
 */
export function renderRequestTag(request: string): string {
  if (!isRequestKey(request)) throw new RangeError(`Not a request key: ${JSON.stringify(request)}`);
  return `<!-- ${MARKER_TAG} request=${request} -->`;
}

/**
 * The key of a request tag, when `text` is exactly one (the whole text part
 * the bot sent; a tag pasted inside someone's comment is never the whole
 * part), else null.
 */
export function readRequestTag(text: string | undefined): string | null {
  const match = /^<!-- coder-agent-bot request=([^\s<>]+) -->$/.exec(text ?? '');
  const key = match?.[1];
  return key !== undefined && isRequestKey(key) ? key : null;
}

/**
 * Reads the marker at the end of a comment body, or null. Renderers put the
 * marker last, after any text they were given, so a marker anywhere else
 * (one that text from the thread or the agent smuggled in) is not ours and
 * is ignored; of several at the end, the last counts. Even the marker read
 * here is only a hint: the chat's thread label decides (thread-label.ts).
 * Only the text after the last `<!--` is read, with anchored patterns
 * without nested repetition, so the work is linear in the body.
 */
export function readMarker(body: string | null | undefined): Marker | null {
  if (!body) return null;
  const open = body.lastIndexOf('<!--');
  if (open === -1) return null;
  const tail = body.slice(open).trimEnd();
  if (!tail.endsWith('-->') || tail.length < 7) return null;
  const fields = MARKER_INSIDE.exec(tail.slice(4, -3))?.[1];
  return fields === undefined ? null : parseFields(fields.trim());
}

function parseFields(fields: string): Marker | null {
  const values = new Map<string, string>();
  for (const field of fields.split(/\s+/)) {
    const eq = field.indexOf('=');
    if (eq > 0) values.set(field.slice(0, eq), field.slice(eq + 1));
  }
  const chatId = values.get('chat');
  const state = values.get('state');
  const request = values.get('request');
  // A chat field that is not a chat id is a damaged or forged marker, not a chatless one.
  if (chatId !== undefined && !isChatId(chatId)) return null;
  const validRequest = request !== undefined && isRequestKey(request);
  if (chatId === undefined && !validRequest) return null;
  if (!isMarkerState(state)) return null;
  const ciRun = values.get('ci-run');
  const lastMessage = values.get('last-message');
  const lastMessageId = lastMessage !== undefined && MESSAGE_ID.test(lastMessage) ? Number(lastMessage) : undefined;
  return {
    ...(chatId === undefined ? {} : { chatId }),
    state,
    ...(validRequest ? { request } : {}),
    ...(ciRun !== undefined && CI_RUN.test(ciRun) ? { ciRun } : {}),
    ...(lastMessageId !== undefined && Number.isSafeInteger(lastMessageId) ? { lastMessageId } : {}),
  };
}

function isMarkerState(value: string | undefined): value is MarkerState {
  return (MARKER_STATES as readonly string[]).includes(value ?? '');
}

/**
 * Neutralises text the bot did not write (the agent's answer, an error
 * detail, an image URL or file name in a note, a title) before it goes into
 * the bot's comment, so nobody can make the bot's own comment point at
 * another chat (issue 8, kind 1). Every renderer passes such text through
 * here. Linear in the text.
 *
 * 1. Marker look-alikes (`<!--`, whitespace, `coder-agent-bot` in any case,
 *    up to the next `-->` or the end) are removed, as removing them until
 *    nothing changes would: taking one out can join its neighbours into a
 *    new one (`<!-<!-- coder-agent-bot -->- coder-agent-bot chat=… -->`), so
 *    the output is checked for a look-alike's start as it grows rather than
 *    the input re-scanned (a loop of re-scans is quadratic on nested input).
 * 2. Every `<!--` left is broken (`<!` U+200B `--`): the result holds no
 *    `<!--` at all, so whatever step 1 missed carries no marker, and no
 *    unterminated comment hides the bot's footer and marker from readers.
 *    The break only inserts a character, so no new `<!--` forms across it.
 */
export function stripMarkers(text: string): string {
  return removeLookalikes(text).replaceAll('<!--', `<!${COMMENT_BREAK}--`);
}

const TAG_CODES = Array.from(MARKER_TAG, (c) => c.charCodeAt(0));
const OPEN_CODES = Array.from('<!--', (c) => c.charCodeAt(0));

/**
 * Step 1 of `stripMarkers`, with the output in a buffer of UTF-16 code
 * units. At each `coder-agent-bot` in the input, the output's tail is read
 * backwards over whitespace for `<!--`: whitespace read and found to follow
 * `<!--` is cut with it, and whitespace read without is sealed by the tag
 * written after it, so each unit is read back at most twice.
 */
function removeLookalikes(text: string): string {
  if (!text.toLowerCase().includes(MARKER_TAG)) return text;
  const out = new Uint16Array(text.length);
  let length = 0;
  let i = 0;
  while (i < text.length) {
    if (tagAt(text, i)) {
      let j = length;
      while (j > 0 && isWhitespace(out[j - 1] ?? 0)) j--;
      if (j >= 4 && OPEN_CODES.every((code, k) => out[j - 4 + k] === code)) {
        length = j - 4;
        const close = text.indexOf('-->', i + MARKER_TAG.length);
        i = close === -1 ? text.length : close + 3;
        continue;
      }
    }
    out[length++] = text.charCodeAt(i++);
  }
  const parts: string[] = [];
  // In slices: `fromCharCode` takes its units as arguments, and argument lists are bounded.
  for (let at = 0; at < length; at += 8192) parts.push(String.fromCharCode(...out.subarray(at, Math.min(length, at + 8192))));
  return parts.join('');
}

/** Whether `coder-agent-bot`, in any ASCII letter case, starts at `at`. */
function tagAt(text: string, at: number): boolean {
  if (at + TAG_CODES.length > text.length) return false;
  for (let k = 0; k < TAG_CODES.length; k++) {
    const code = text.charCodeAt(at + k);
    const lower = code >= 65 && code <= 90 ? code + 32 : code;
    if (lower !== TAG_CODES[k]) return false;
  }
  return true;
}

/** JavaScript's `\s`, which look-alikes were matched with: a marker must not hide behind a Unicode space. */
function isWhitespace(code: number): boolean {
  return /\s/.test(String.fromCharCode(code));
}

/** The fields of a GitHub comment this module reads; Octokit's comment objects fit. */
export interface MarkedComment {
  id?: number;
  body?: string | null;
  created_at?: string;
}

/**
 * The newest comment for which `isOwn` holds (authored by the bot) that
 * carries a marker naming a chat, with its marker. Markers in anyone else's
 * comment are never trusted: anyone can paste one. A comment posted before
 * any chat existed (its marker names only its request) links nothing.
 * "Newest" is by `created_at`, then id, then position in the list.
 */
export function findLatestMarker<C extends MarkedComment>(
  comments: readonly C[],
  isOwn: (comment: C) => boolean,
): { comment: C; marker: ChatMarker } | null {
  let latest: { comment: C; marker: ChatMarker; rank: [number, number, number] } | null = null;
  for (const [index, comment] of comments.entries()) {
    if (!isOwn(comment)) continue;
    const marker = readMarker(comment.body);
    if (!hasChat(marker)) continue;
    const rank: [number, number, number] = [timestamp(comment.created_at), comment.id ?? -1, index];
    if (latest === null || compareRank(rank, latest.rank) >= 0) latest = { comment, marker, rank };
  }
  return latest === null ? null : { comment: latest.comment, marker: latest.marker };
}

function timestamp(iso: string | undefined): number {
  const ms = iso === undefined ? NaN : Date.parse(iso);
  return Number.isNaN(ms) ? -Infinity : ms;
}

function compareRank(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
