/**
 * The hidden marker that links a GitHub thread to its Coder chat.
 *
 * The Action keeps no state between runs, so the bot's own comment carries
 * the chat id in an HTML comment (invisible on GitHub); a later `/agent ...`
 * in the same thread finds it and continues that chat (DESIGN.md, "What a
 * person sees" 5). This is the one module that knows the marker's format.
 */

export const MARKER_STATES = ['running', 'done', 'error', 'stopped'] as const;
export type MarkerState = (typeof MARKER_STATES)[number];

export interface Marker {
  chatId: string;
  state: MarkerState;
  /**
   * The request this comment answers (the App's delivery id): how a run
   * resumed after a crash finds the comment it posted, whatever the clocks
   * say. Absent in comments from older versions and the Action.
   */
  request?: string | undefined;
  /** On a CI-failure notice: the workflow run and attempt relayed (`<run id>.<attempt>`), so it is relayed once. */
  ciRun?: string | undefined;
}

const CI_RUN = /^\d{1,20}\.\d{1,6}$/;

const MARKER_TAG = 'coder-agent-bot';

/** Coder chat ids are UUIDs; the looser pattern tolerates other id formats without letting markup through. */
const CHAT_ID = /^[0-9a-fA-F-]{8,64}$/;

/** Request keys: GitHub delivery ids are UUIDs; the pattern keeps markup and spaces out. */
const REQUEST_KEY = /^[A-Za-z0-9._:-]{1,128}$/;

/** Our marker: `<!-- coder-agent-bot key=value ... -->`. Unknown keys are ignored so a later version can add some. */
const MARKER_COMMENT = new RegExp(`<!--[ \\t]*${MARKER_TAG}[ \\t]+([^<>]*?)[ \\t]*-->`, 'g');

/** Anything that looks like our marker, however malformed or unterminated, and in any letter case. */
const MARKER_LOOKALIKE = new RegExp(`<!--\\s*${MARKER_TAG}[\\s\\S]*?(?:-->|$)`, 'gi');

export function isChatId(value: string): boolean {
  return CHAT_ID.test(value);
}

export function isRequestKey(value: string): boolean {
  return REQUEST_KEY.test(value);
}

export function renderMarker(marker: Marker): string {
  if (!isChatId(marker.chatId)) throw new RangeError(`Not a chat id: ${JSON.stringify(marker.chatId)}`);
  if (marker.request !== undefined && !isRequestKey(marker.request)) throw new RangeError(`Not a request key: ${JSON.stringify(marker.request)}`);
  const request = marker.request === undefined ? '' : ` request=${marker.request}`;
  if (marker.ciRun !== undefined && !CI_RUN.test(marker.ciRun)) throw new RangeError(`Not a run id and attempt: ${JSON.stringify(marker.ciRun)}`);
  const ciRun = marker.ciRun === undefined ? '' : ` ci-run=${marker.ciRun}`;
  return `<!-- ${MARKER_TAG} chat=${marker.chatId} state=${marker.state}${request}${ciRun} -->`;
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
 * Reads the marker in a comment body, or null. When a body holds several, the
 * last wins: renderers append theirs at the very end, after any text they
 * were given.
 */
export function readMarker(body: string | null | undefined): Marker | null {
  if (!body) return null;
  let found: Marker | null = null;
  for (const match of body.matchAll(MARKER_COMMENT)) {
    const marker = parseFields(match[1] ?? '');
    if (marker !== null) found = marker;
  }
  return found;
}

function parseFields(fields: string): Marker | null {
  const values = new Map<string, string>();
  for (const field of fields.split(/\s+/)) {
    const eq = field.indexOf('=');
    if (eq > 0) values.set(field.slice(0, eq), field.slice(eq + 1));
  }
  const chatId = values.get('chat');
  const state = values.get('state');
  if (chatId === undefined || !isChatId(chatId)) return null;
  if (!isMarkerState(state)) return null;
  const request = values.get('request');
  const ciRun = values.get('ci-run');
  return {
    chatId,
    state,
    ...(request !== undefined && isRequestKey(request) ? { request } : {}),
    ...(ciRun !== undefined && CI_RUN.test(ciRun) ? { ciRun } : {}),
  };
}

function isMarkerState(value: string | undefined): value is MarkerState {
  return (MARKER_STATES as readonly string[]).includes(value ?? '');
}

/**
 * Removes marker look-alikes from text the bot did not write (the agent's
 * answer, an error detail) before it goes into the bot's comment, so nobody
 * can make the bot's own comment point at another chat.
 */
export function stripMarkers(text: string): string {
  return text.replace(MARKER_LOOKALIKE, '');
}

/** The fields of a GitHub comment this module reads; Octokit's comment objects fit. */
export interface MarkedComment {
  id?: number;
  body?: string | null;
  created_at?: string;
}

/**
 * The newest comment for which `isOwn` holds (authored by the bot) that
 * carries a marker, with its marker. Markers in anyone else's comment are
 * never trusted: anyone can paste one. "Newest" is by `created_at`, then id,
 * then position in the list.
 */
export function findLatestMarker<C extends MarkedComment>(
  comments: readonly C[],
  isOwn: (comment: C) => boolean,
): { comment: C; marker: Marker } | null {
  let latest: { comment: C; marker: Marker; rank: [number, number, number] } | null = null;
  for (const [index, comment] of comments.entries()) {
    if (!isOwn(comment)) continue;
    const marker = readMarker(comment.body);
    if (marker === null) continue;
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
