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
 * `text` with line endings normalised to LF and every invisible or
 * bidi-control character that `sanitizeUntrusted` removes replaced by
 * `INVISIBLE_MARK` (one per UTF-16 unit), so offsets and line structure
 * stay as GitHub reads them: an invisible character is content, not
 * indentation, so `\u200B\`\`\`` is no fence (review-sec finding 2).
 */
export function markInvisible(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(FLAG_OR_INVISIBLE, (match: string, flag: string | undefined) => flag ?? INVISIBLE_MARK.repeat(match.length))
    .replace(STRAY_ZWJ, INVISIBLE_MARK);
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
