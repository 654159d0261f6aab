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
}

const MARKER_TAG = 'coder-agent-bot';

/** Coder chat ids are UUIDs; the looser pattern tolerates other id formats without letting markup through. */
const CHAT_ID = /^[0-9a-fA-F-]{8,64}$/;

/** Our marker: `<!-- coder-agent-bot key=value ... -->`. Unknown keys are ignored so a later version can add some. */
const MARKER_COMMENT = new RegExp(`<!--[ \\t]*${MARKER_TAG}[ \\t]+([^<>]*?)[ \\t]*-->`, 'g');

/** Anything that looks like our marker, however malformed or unterminated, and in any letter case. */
const MARKER_LOOKALIKE = new RegExp(`<!--\\s*${MARKER_TAG}[\\s\\S]*?(?:-->|$)`, 'gi');

export function isChatId(value: string): boolean {
  return CHAT_ID.test(value);
}

export function renderMarker(marker: Marker): string {
  if (!isChatId(marker.chatId)) throw new RangeError(`Not a chat id: ${JSON.stringify(marker.chatId)}`);
  return `<!-- ${MARKER_TAG} chat=${marker.chatId} state=${marker.state} -->`;
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
  return { chatId, state };
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
