/**
 * Raw HTML and autolinks inside Markdown's inline content, as GitHub's
 * renderer reads them: cmark-gfm 0.29.0.gfm (`src/scanners.re`,
 * `handle_pointy_brace` in `src/inlines.c`), CommonMark 0.29 §6.5, §6.6.
 *
 * Code spans, raw HTML and autolinks have the same precedence (§6.1):
 * whichever starts first wins, so a backtick inside `<a title="`">` or
 * `<http://a.b/`>` opens no code span (re-review 8b, F1), and a `<!--`
 * inside an attribute value opens no comment (F3). Getting this grammar
 * wrong in either direction moves a code span, so it follows cmark-gfm
 * exactly, down to the whitespace it accepts (ASCII only, never NBSP).
 */

/** cmark's `spacechar`: space, tab, line feed, vertical tab, form feed, carriage return. */
const SPACE = '[ \\t\\n\\v\\f\\r]';

/** An open tag (§6.6), sticky: attribute values unquoted, 'single' or "double" quoted, then `>` or `/>`. */
const OPEN_TAG = new RegExp(
  `<[A-Za-z][A-Za-z0-9-]*(?:${SPACE}+[A-Za-z_:][A-Za-z0-9_.:-]*(?:${SPACE}*=${SPACE}*(?:[^ \\t\\n\\v\\f\\r"'=<>\`\\0]+|'[^'\\0]*'|"[^"\\0]*"))?)*${SPACE}*/?>`,
  'y',
);
/** A closing tag: `</name`, spaces, `>`. */
const CLOSING_TAG = new RegExp(`</[A-Za-z][A-Za-z0-9-]*${SPACE}*>`, 'y');
/** A URI autolink (§6.5): a scheme of 2–32 characters, `:`, no spaces, `<` or `>`. */
const URI_AUTOLINK = /<[A-Za-z][A-Za-z0-9.+-]{1,31}:[^\0- <>]*>/y;
/** An email autolink (§6.5). */
const EMAIL_AUTOLINK = /<[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*>/y;
/**
 * A declaration as cmark-gfm 0.29 has it: `<!`, upper-case letters, spaces, anything but `>` or NUL, then `>`.
 * This is its start; the `>` is searched once per text (`InlineHtml.next`), not once per `<!A `.
 */
const DECLARATION_START = new RegExp(`<![A-Z]+${SPACE}+`, 'y');

/**
 * Reads inline raw HTML at a `<`. The far closers (`--`, `?>`, `]]>`, a
 * declaration's `>`) are searched once each per text and remembered while later `<` ask, so a
 * text of unclosed `<?` costs one search, not one per opener: ask for
 * non-decreasing offsets.
 */
export class InlineHtml {
  private readonly closers = new Map<string, number>();

  constructor(private readonly text: string) {}

  /**
   * The end (just past the `>`) of the raw HTML or autolink starting at the
   * `<` at `lt`, or -1 when none starts there or it would end after `limit`
   * (the end of the block's inline content: inlines never cross blocks).
   * Does not look at backslashes: a caller skips an escaped `<` (§2.4).
   */
  endAt(lt: number, limit: number): number {
    const text = this.text;
    const next = text.charCodeAt(lt + 1);
    let end: number;
    if (next === 33) {
      if (text.startsWith('--', lt + 2)) end = this.commentEnd(lt);
      else if (text.startsWith('[CDATA[', lt + 2)) end = this.closedBy(']]>', lt + 9);
      else end = this.declarationEnd(lt);
    } else if (next === 63) end = this.closedBy('?>', lt + 2);
    else if (next === 47) end = sticky(CLOSING_TAG, text, lt);
    else if (isAsciiLetter(next)) {
      end = sticky(URI_AUTOLINK, text, lt);
      if (end === -1) end = sticky(EMAIL_AUTOLINK, text, lt);
      if (end === -1) end = sticky(OPEN_TAG, text, lt);
    } else if (next !== next || next < 33 || next > 126) return -1;
    else end = sticky(EMAIL_AUTOLINK, text, lt);
    return end > limit ? -1 : end;
  }

  /**
   * cmark-gfm 0.29's comment: after `<!--`, text that does not start with
   * `>` or `->` and holds no `--`, then `-->` (`<!---->` is one; `<!-->`,
   * `<!--->` and `<!-- a -- b -->` are text).
   */
  private commentEnd(lt: number): number {
    const body = lt + 4;
    const text = this.text;
    if (text.startsWith('>', body) || text.startsWith('->', body)) return -1;
    const dashes = this.next('--', body);
    return dashes !== -1 && text.charCodeAt(dashes + 2) === 62 ? dashes + 3 : -1;
  }

  private declarationEnd(lt: number): number {
    const body = sticky(DECLARATION_START, this.text, lt);
    if (body === -1) return -1;
    const gt = this.next('>', body);
    const nul = gt === -1 ? -1 : this.next('\0', body);
    return gt === -1 || (nul !== -1 && nul < gt) ? -1 : gt + 1;
  }

  private closedBy(closer: string, from: number): number {
    const at = this.next(closer, from);
    return at === -1 ? -1 : at + closer.length;
  }

  /** `text.indexOf(needle, from)`, remembered per needle: right while `from` does not decrease. */
  private next(needle: string, from: number): number {
    const found = this.closers.get(needle);
    if (found !== undefined && (found === -1 || found >= from)) return found;
    const at = this.text.indexOf(needle, from);
    this.closers.set(needle, at);
    return at;
  }
}

function sticky(pattern: RegExp, text: string, at: number): number {
  pattern.lastIndex = at;
  return pattern.test(text) ? pattern.lastIndex : -1;
}

const isAsciiLetter = (code: number): boolean => (code >= 97 && code <= 122) || (code >= 65 && code <= 90);

/** Whether a backslash escapes the character at `index` (an odd run of backslashes before it, CommonMark §2.4). */
export function isEscaped(text: string, index: number): boolean {
  let backslashes = 0;
  for (let k = index - 1; k >= 0 && text.charCodeAt(k) === 92; k--) backslashes++;
  return backslashes % 2 === 1;
}
