/**
 * Cleaning text that comes from a GitHub thread before it reaches the agent.
 *
 * Text from the thread is context; only the trigger comment is an
 * instruction (DESIGN.md, "Safety rules"). Hidden text is the usual way to
 * smuggle instructions past the person who reads the thread: an HTML comment
 * is invisible in GitHub's rendering, zero-width and tag characters are
 * invisible everywhere, and bidi controls make text read differently from how
 * it is stored. We remove exactly those and keep everything a reader can see
 * (code, emoji, every script) untouched.
 */

/**
 * `<!-- ... -->`, or an unterminated `<!--` up to the end of the text: GitHub
 * hides an unterminated comment to the end of the body, so must we. `<!-->`
 * and `<!--->` are whole (empty) comments (CommonMark §6.6, HTML).
 */
const HTML_COMMENT = /<!--(?:-?>|[\s\S]*?(?:-->|$))/g;

/**
 * The three RGI subdivision flags (England, Scotland, Wales) are the only
 * emoji built from tag characters; they are matched first so they survive,
 * and every other tag character is invisible ("ASCII smuggling") and goes.
 */
const SUBDIVISION_FLAG = '\\u{1F3F4}\\u{E0067}\\u{E0062}(?:\\u{E0065}\\u{E006E}\\u{E0067}|\\u{E0073}\\u{E0063}\\u{E0074}|\\u{E0077}\\u{E006C}\\u{E0073})\\u{E007F}';

/**
 * Invisible and bidi-control characters:
 * - U+200B–U+200C zero-width space and non-joiner (U+200D is handled below),
 * - U+2060–U+2064 word joiner and invisible operators, U+FEFF BOM,
 *   U+00AD soft hyphen,
 * - U+200E, U+200F, U+061C directional marks, U+202A–U+202E embeddings and
 *   overrides, U+2066–U+2069 isolates ("Trojan Source"),
 * - U+E0000–U+E007F tag characters.
 */
const INVISIBLE = '[\\u200B\\u200C\\u2060-\\u2064\\uFEFF\\u00AD\\u200E\\u200F\\u061C\\u202A-\\u202E\\u2066-\\u2069\\u{E0000}-\\u{E007F}]';

const FLAG_OR_INVISIBLE = new RegExp(`(${SUBDIVISION_FLAG})|${INVISIBLE}`, 'gu');

/**
 * U+200D zero-width joiner, except between two pictographs: there it draws
 * one emoji (👨‍👩‍👧, 👩🏽‍💻) instead of several, which a reader does see.
 */
const STRAY_ZWJ = /(?<![\p{Extended_Pictographic}\p{Emoji_Modifier}]\uFE0F?)\u200D|\u200D(?!\p{Extended_Pictographic})/gu;

/** What `markInvisible` puts in place of each UTF-16 unit of an invisible character: U+200B, itself invisible. */
export const INVISIBLE_MARK = '\u200B';

/**
 * Any UTF-16 unit `markInvisible` may change: CR, the BMP characters of
 * `INVISIBLE`, U+200D, and U+DB40 (the high surrogate of every tag
 * character). Text without one (most comments) is returned as it is.
 * U+200B is left out: it is `INVISIBLE_MARK`, so marking it changes
 * nothing, and a text dense in it alone is not copied (re-review 8, "Speed").
 */
const MAY_CHANGE = /[\r\u00AD\u061C\u200C-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\uDB40]/;

/** A subdivision flag starting exactly at `lastIndex`. */
const SUBDIVISION_FLAG_AT = new RegExp(SUBDIVISION_FLAG, 'uy');

/** Whether the code point `cp` may join an emoji sequence before a U+200D (STRAY_ZWJ's look-behind). */
const PICTOGRAPH_OR_MODIFIER = /^[\p{Extended_Pictographic}\p{Emoji_Modifier}]$/u;
const PICTOGRAPH = /^\p{Extended_Pictographic}$/u;

/** Units per `String.fromCharCode` call: well under any engine's argument limit. */
const CHUNK = 8192;

/**
 * `text` with line endings normalised to LF and every invisible or
 * bidi-control character that `sanitizeUntrusted` removes replaced by
 * `INVISIBLE_MARK` (one per UTF-16 unit), so offsets and line structure
 * stay as GitHub reads them: an invisible character is content, not
 * indentation, so `\u200B\`\`\`` is no fence (review-sec finding 2).
 *
 * One pass over the UTF-16 units into a buffer: the same result as
 * `sanitizeUntrusted`'s three regex replacements with marks instead of
 * removals, but those cost 300–500 ms per MB of text dense in CRs or
 * zero-width characters (re-review 8, "Speed"), and this runs on every
 * comment before any permission check.
 */
export function markInvisible(text: string): string {
  const found = text.search(MAY_CHANGE);
  if (found === -1) return text;
  // A tag character may be part of a subdivision flag that starts before it.
  const first = text.charCodeAt(found) === 0xdb40 ? 0 : found;
  const n = text.length;
  const out = new Uint16Array(n);
  let j = 0;
  for (let i = 0; i < first; i++) out[j++] = text.charCodeAt(i);
  for (let i = first; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 13) {
      // CRLF and a lone CR are one line ending each (CommonMark §2.1).
      if (text.charCodeAt(i + 1) === 10) i++;
      out[j++] = 10;
    } else if (c === 0x200b || c === 0x200c || c === 0x00ad || c === 0xfeff || c === 0x200e || c === 0x200f || c === 0x061c || (c >= 0x2060 && c <= 0x2064) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) {
      out[j++] = 0x200b;
    } else if (c === 0xdb40 && isTagLow(text.charCodeAt(i + 1))) {
      // A tag character (U+E0000–U+E007F), two units, two marks.
      out[j++] = 0x200b;
      out[j++] = 0x200b;
      i++;
    } else if (c === 0xd83c && text.charCodeAt(i + 1) === 0xdff4 && flagLengthAt(text, i) > 0) {
      // A subdivision flag is kept whole, tag characters included.
      const end = i + flagLengthAt(text, i);
      for (; i < end; i++) out[j++] = text.charCodeAt(i);
      i--;
    } else if (c === 0x200d) {
      const mark = joinsEmoji(out, j, text, i + 1) ? c : 0x200b;
      out[j++] = mark;
    } else out[j++] = c;
  }
  const parts: string[] = [];
  // `apply` takes the typed array as its argument list (any array-like will do); spreading it instead goes through
  // its iterator, four times slower. TextDecoder would be faster still but turns a lone surrogate into U+FFFD.
  for (let k = 0; k < j; k += CHUNK) parts.push(String.fromCharCode.apply(null, out.subarray(k, Math.min(j, k + CHUNK)) as unknown as number[]));
  return parts.join('');
}

function isTagLow(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdc7f;
}

/** The length in units of the subdivision flag at `index`, or 0. */
function flagLengthAt(text: string, index: number): number {
  SUBDIVISION_FLAG_AT.lastIndex = index;
  const match = SUBDIVISION_FLAG_AT.exec(text);
  return match === null ? 0 : match[0].length;
}

/**
 * Whether the U+200D about to be written at `out[j]` joins two emoji
 * (STRAY_ZWJ keeps it): a pictograph or modifier, then an optional U+FE0F,
 * before it in `out`, and a pictograph at `text[next]`. Nothing `out` holds
 * differs from STRAY_ZWJ's input where it matters: marks and stray joiners
 * are pictographs neither before nor after.
 */
function joinsEmoji(out: Uint16Array, j: number, text: string, next: number): boolean {
  const after = text.codePointAt(next);
  if (after === undefined || !PICTOGRAPH.test(String.fromCodePoint(after))) return false;
  // U+FE0F is neither, so at most one of the two readings can hold.
  return PICTOGRAPH_OR_MODIFIER.test(codePointBefore(out, out[j - 1] === 0xfe0f ? j - 1 : j));
}

/** The code point ending just before `out[end]`, as a string ('' at the start). */
function codePointBefore(out: Uint16Array, end: number): string {
  const low = out[end - 1];
  if (low === undefined) return '';
  const high = out[end - 2];
  if (low >= 0xdc00 && low <= 0xdfff && high !== undefined && high >= 0xd800 && high <= 0xdbff) return String.fromCharCode(high, low);
  return String.fromCharCode(low);
}

/**
 * Removes hidden content (HTML comments, invisible and bidi-control
 * characters) and normalizes line endings to LF. Everything else is kept as
 * written.
 */
export function sanitizeUntrusted(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(HTML_COMMENT, '')
    .replace(FLAG_OR_INVISIBLE, (_match, flag: string | undefined) => flag ?? '')
    .replace(STRAY_ZWJ, '');
}
