/**
 * Where a line opens an HTML block, and which line ends it (CommonMark
 * §4.6), as GitHub's renderer reads them: cmark-gfm 0.29.0.gfm
 * (`src/scanners.re`, `src/blocks.c`). Inside an HTML block nothing is
 * Markdown: a fence there is no fence, so the block must be found in the
 * same left-to-right pass as the fences, whichever opens first winning
 * (issue 8, N1: `<!--⏎```⏎```⏎/agent …⏎-->` is all one comment on GitHub).
 *
 * Where cmark-gfm and CommonMark 0.31 differ, GitHub's reading is taken:
 * type 1 is `<script`, `<pre`, `<style` (no `<textarea`), type 4 needs an
 * upper-case letter after `<!`, and type 6 lists `source` (not `search`).
 */
import { TAG_FILTER_ELEMENTS } from './html-elements.js';

/** Type 1: these elements, then whitespace, `>` or the line's end; ends at a line holding one of their end tags. */
const TYPE_1_NAMES: ReadonlySet<string> = new Set(['script', 'pre', 'style']);
const TYPE_1_END = /<\/(?:script|pre|style)>/i;

/**
 * Type 6: `<name` or `</name` with one of these names (cmark-gfm's
 * `blocktagname`, case-insensitive), then whitespace, `>`, `/>` or the
 * line's end: an HTML block whatever follows on the line.
 */
export const BLOCK_NAMES: ReadonlySet<string> = new Set(
  'address article aside base basefont blockquote body caption center col colgroup dd details dialog dir div dl dt fieldset figcaption figure footer form frame frameset h1 h2 h3 h4 h5 h6 head header hr html iframe legend li link main menu menuitem nav noframes ol optgroup option p param section source summary table tbody td tfoot th thead title tr track ul'.split(' '),
);
/** Whether the character is an ASCII letter, which starts a tag name. */
export const isLetter = (code: number): boolean => (code >= 97 && code <= 122) || (code >= 65 && code <= 90);
/** Whether the character may continue a tag name (`[A-Za-z0-9-]`). */
export const isNameChar = (code: number): boolean => isLetter(code) || (code >= 48 && code <= 57) || code === 45;
/** HTML whitespace (tab, line feed, form feed, carriage return, space). */
export const isSpace = (code: number): boolean => code === 32 || code === 10 || code === 9 || code === 12 || code === 13;

/**
 * The first letters (lower-case) of the tag filter's names: most tags are
 * ruled out without copying their name (asked for every tag: perf8a). A tag
 * name starts with an ASCII letter, which `| 0x20` lower-cases.
 */
const FILTERED_FIRST: ReadonlySet<number> = new Set([...TAG_FILTER_ELEMENTS].map((name) => name.charCodeAt(0)));

/**
 * Whether GFM's tag filter (GFM spec §6.11, on for GitHub) escapes the tag
 * whose name is `text[from, to)`, so GitHub shows it as text, name and all:
 * the name is one of html-elements.ts `TAG_FILTER_ELEMENTS` (any case) and
 * is followed by a space, tab, line break, `>` or `/>` (cmark-gfm 0.29,
 * extensions/tagfilter.c `is_tag`). cmark ends every line with a line
 * break, so the end of the text counts as one. Anything else after the
 * name (`<xmp/x>`, `<xmp` and a form feed) is let through: in an HTML block
 * the browser reads a real element there. Only a name of three to nine
 * characters is copied.
 */
export function isFilteredTagName(text: string, from: number, to: number): boolean {
  if (to - from < 3 || to - from > 9 || !FILTERED_FIRST.has(text.charCodeAt(from) | 0x20) || !TAG_FILTER_ELEMENTS.has(text.slice(from, to).toLowerCase())) return false;
  const after = text.charCodeAt(to);
  return Number.isNaN(after) || after === 32 || after === 9 || after === 10 || after === 13 || after === 62 || (after === 47 && text.charCodeAt(to + 1) === 62);
}

/** Whether `text` at `at` holds `name` (lower-case ASCII letters), ignoring ASCII case (HTML's rule for tag names). */
export function asciiNameAt(text: string, at: number, name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    if ((text.charCodeAt(at + i) | 0x20) !== name.charCodeAt(i)) return false;
  }
  return true;
}

/** Whether what follows a tag name at `k` (the line ends at `end`) lets a type 1 or 6 start: whitespace, `>`, the line's end, or (type 6 only) `/>`. */
function endsName(text: string, k: number, end: number, slash: boolean): boolean {
  if (k >= end) return true;
  const code = text.charCodeAt(k);
  return code === 32 || code === 9 || code === 62 || code === 11 || code === 12 || code === 13 || (slash && code === 47 && k + 1 < end && text.charCodeAt(k + 1) === 62);
}

/**
 * Type 7: one whole open tag (attributes as in §6.6) or closing tag, then
 * only spaces, tabs or form feeds. White space is cmark-gfm's, ASCII only
 * (`scanners.re`: `spacechar` is `[ \t\v\f\r\n]` inside the tag, and
 * `[\t\n\f ]` after it): a no-break or ideographic space is an ordinary
 * character there (`<b\u00A0x>` is text; re-review 8h). Each repetition
 * starts with white space that the part before it cannot take, so a line
 * is read in linear time.
 */
const TYPE_7 =
  /^<(?:[A-Za-z][A-Za-z0-9-]*(?:[ \t\v\f\r\n]+[A-Za-z_:][A-Za-z0-9_.:-]*(?:[ \t\v\f\r\n]*=[ \t\v\f\r\n]*(?:[^ \t\v\f\r\n"'=<>`]+|'[^']*'|"[^"]*"))?)*[ \t\v\f\r\n]*\/?>|\/[A-Za-z][A-Za-z0-9-]*[ \t\v\f\r\n]*>)[ \t\f]*\r?$/;

/** What ends blocks of types 2–5: a line holding this string. */
const CLOSERS: readonly string[] = ['', '', '-->', '?>', '>', ']]>'];

/**
 * The HTML block type (1–7) that the line of `text` ending at `end` opens
 * when its `<` is at `at` (the caller has checked the indentation), or 0.
 * Type 7 cannot interrupt a paragraph, so it counts only when
 * `inParagraph` is false.
 */
export function htmlBlockStart(text: string, at: number, end: number, inParagraph: boolean): number {
  if (text.charCodeAt(at) !== 60) return 0; // `<`
  const second = at + 1 < end ? text.charCodeAt(at + 1) : -1;
  if (second === 33) {
    // `<!`
    if (text.startsWith('--', at + 2) && at + 4 <= end) return 2;
    const third = at + 2 < end ? text.charCodeAt(at + 2) : -1;
    if (third >= 65 && third <= 90) return 4;
    CDATA_START.lastIndex = at;
    return at + 9 <= end && CDATA_START.test(text) ? 5 : 0;
  }
  if (second === 63) return 3; // `<?`
  const closing = second === 47; // `</`
  const nameAt = closing ? at + 2 : at + 1;
  const first = nameAt < end ? text.charCodeAt(nameAt) : -1;
  if (!((first >= 97 && first <= 122) || (first >= 65 && first <= 90))) return 0;
  let k = nameAt + 1;
  while (k < end && isNameChar(text.charCodeAt(k))) k++;
  // The longest name either list holds is ten characters: longer names need no lower-casing.
  const name = k - nameAt <= 10 ? text.slice(nameAt, k).toLowerCase() : '';
  if (!closing && TYPE_1_NAMES.has(name) && endsName(text, k, end, false)) return 1;
  if (BLOCK_NAMES.has(name) && endsName(text, k, end, true)) return 6;
  // Type 7 is a whole line's pattern: only here is the line copied out of the text.
  return !inParagraph && TYPE_7.test(text.slice(at, end)) ? 7 : 0;
}

/** `<![CDATA[`, any case (as cmark-gfm 0.29 reads it), sticky. */
const CDATA_START = /<!\[CDATA\[/iy;

/**
 * Where HTML blocks of types 1–5 end (CommonMark §4.6), for the lines of
 * one text read in order: each end condition's next place in the text is
 * searched for once and remembered while the lines before it ask, so a
 * block of many lines without its closer is not searched to the end of
 * the text from every line (which would be quadratic).
 */
export class HtmlBlockEnds {
  private readonly text: string;
  /** Per type 1–5, the offset of the next closer found, -2 when not yet searched, -1 when there is none left. */
  private readonly found = [-2, -2, -2, -2, -2, -2];
  private readonly type1 = new RegExp(TYPE_1_END.source, 'gi');

  constructor(text: string) {
    this.text = text;
  }

  /**
   * Whether the line from `from` to `end` meets the end condition of a
   * block of `type` 1–5 (the opening line counts, from its `<`: `<!-- a -->`
   * is a whole block). `from` must not go back between calls. Blocks of
   * types 6 and 7 end before a blank line instead. No closer holds a line
   * break, so one that starts on the line ends on it.
   */
  ends(from: number, end: number, type: number): boolean {
    let found = this.found[type] ?? -1;
    if (found === -1) return false;
    if (found < from) {
      if (type === 1) {
        this.type1.lastIndex = from;
        found = this.type1.exec(this.text)?.index ?? -1;
      } else {
        const closer = CLOSERS[type];
        found = closer === undefined || closer === '' ? -1 : this.text.indexOf(closer, from);
      }
      this.found[type] = found;
    }
    return found !== -1 && found < end;
  }
}
