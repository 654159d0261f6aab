/**
 * GFM extended autolinks as cmark-gfm 0.29.0.gfm's autolink extension
 * reads them while it parses inlines (`extensions/autolink.c`: `www_match`
 * at a `w`, `url_match` at a `:`; GFM spec §6.9). They start at the same
 * left-to-right scan as code spans, so a backtick inside `www.a`` or
 * `http://y`` opens no code span (re-review 8c). Email, `mailto:` and
 * `xmpp:` links are found after inline parsing, on text nodes, so they
 * never move a code span and are not read here.
 *
 * Rules, from cmark-gfm's behaviour (checked with cmark-gfm 0.29.0.gfm.6):
 * - none starts while a `[` or `![` is open in the paragraph (the caller
 *   says so);
 * - `www.` (case-sensitive) at the block's start or after ASCII
 *   whitespace or one of `*_~(`;
 * - `http`, `https` or `ftp` (any case) as the whole run of ASCII letters
 *   before `://` and at least one more character;
 * - after `://` the host starts with an ASCII letter or digit or a non-ASCII
 *   character that is neither punctuation nor whitespace; cmark checks the
 *   host byte by byte from its second byte, so a non-ASCII first character
 *   (two bytes or more) ends it at once and nothing after it is checked;
 * - the host (from the second character after `www` / `://`) runs over
 *   letters, digits, `-`, `.`, `_` and one non-ASCII non-punctuation
 *   character; an `_` in its last two dot-separated parts, or (for `www.`)
 *   no dot, makes no link;
 * - the link runs to ASCII whitespace, is cut at the first `<`, then loses
 *   trailing `?!.,:*_~'"`, `;` (with an entity `&name;` before it) and `)`
 *   while more `)` than `(` are in it.
 */

import { InlineLinkTails } from './link-destinations.js';

const ASCII_SPACE = /[ \t\n\v\f\r]/;
/** Space, `\t`, `\n`, `\v`, `\f`, `\r`: `ASCII_SPACE` by code, for the scan to a link's end. */
const isAsciiSpace = (code: number): boolean => code === 32 || (code >= 9 && code <= 13);
const TRAILING = new Set('?!.,:*_~\'"');
const isAsciiLetter = (code: number): boolean => (code >= 97 && code <= 122) || (code >= 65 && code <= 90);
const isAsciiAlnum = (code: number): boolean => isAsciiLetter(code) || (code >= 48 && code <= 57);

/**
 * Finds and reads extended autolinks in one text. Ask for non-decreasing
 * offsets: the next candidate and the host scan are remembered, so a run of
 * candidates costs one pass (`www.a_www.a_…` would otherwise rescan the
 * host per candidate).
 */
export class ExtendedAutolinks {
  private found = -2;
  private hostFrom = -1;
  private hostEnd = -1;
  private hostLimit = -1;
  private lastDot = -1;
  private prevDot = -1;
  /**
   * The last `_` the host scan met, and the last one before `lastDot` (-1: none): what `check_domain` asks of
   * the underscores, kept in the scan instead of a count per offset of the text (a 4-byte array per character
   * cost a twentieth of a megabyte of `www.\<⏎⏎`).
   */
  private lastUnderscore = -1;
  private underscoreBeforeDot = -1;
  /** The next `www.` and `://` at or after the last search, found with `indexOf` (a regular expression of two was slower). */
  private nextWww = -2;
  private nextScheme = -2;

  /** Inline links' `(destination "title")`, read on the first `](` before a candidate. */
  private linkTails: InlineLinkTails | undefined;
  private readonly tails = (): InlineLinkTails => (this.linkTails ??= new InlineLinkTails(this.text));

  constructor(private readonly text: string) {}

  /** The offset of the next `w` of `www.` or `:` of `://` at or after `from`, or -1. */
  next(from: number): number {
    if (this.found === -1 || this.found >= from) return this.found;
    if (this.nextWww !== -1 && this.nextWww < from) this.nextWww = this.text.indexOf('www.', from);
    if (this.nextScheme !== -1 && this.nextScheme < from) this.nextScheme = this.text.indexOf('://', from);
    const www = this.nextWww;
    const scheme = this.nextScheme;
    this.found = www === -1 ? scheme : scheme === -1 ? www : Math.min(www, scheme);
    return this.found;
  }

  /**
   * The end of the extended autolink whose matcher fires at `at` (a
   * candidate from `next`), or -1 when none does. `blockStart` and
   * `blockEnd` bound the block's inline content; `linkCloser` is the last
   * `]` that took an opener off the bracket stack (or -1). The caller checks
   * that no bracket is open and that `at` is not escaped or inside earlier
   * inlines.
   */
  endAt(at: number, blockStart: number, blockEnd: number, linkCloser = -1): number {
    const text = this.text;
    let hostStart: number;
    if (blockEnd - at < 4) return -1;
    if (text.charCodeAt(at) === 119) {
      const before = at > blockStart ? text.charAt(at - 1) : ' ';
      if (!ASCII_SPACE.test(before) && !'*_~('.includes(before)) return -1;
      if (opensDestination(text, at, linkCloser, blockEnd, this.tails)) return -1;
      hostStart = at;
    } else {
      let s = at;
      while (s > blockStart && isAsciiLetter(text.charCodeAt(s - 1))) s--;
      if (!/^(?:https?|ftp)$/i.test(text.slice(s, at)) || opensDestination(text, s, linkCloser, blockEnd, this.tails)) return -1;
      hostStart = at + 3;
      // The host's first character must be a host character itself: `http://-b`, `http://.b`, `http://_b` and
      // `http://«b` are text in cmark-gfm 0.29.0.gfm.6, `http://1` and `http://é` are links.
      if (!isHostStart(text, hostStart)) return -1;
    }
    // cmark reads the host byte by byte from its second byte: after `://` a first character of more than one byte
    // ends it at once (its second byte is no host character), so nothing after it is checked (`https://é_a.b_c`).
    const multiByteStart = hostStart !== at && text.charCodeAt(hostStart) >= 128;
    if (!multiByteStart && !this.hostValid(hostStart, blockEnd, hostStart === at)) return -1;
    // To ASCII whitespace, cut at the first `<`: searched here, not in the text, so each link is read once.
    let end = at;
    for (; end < blockEnd; end++) {
      const code = text.charCodeAt(end);
      if (code === 60 || isAsciiSpace(code)) break;
    }
    end = trimEnd(text, at, end);
    return end > at ? end : -1;
  }

  /** cmark-gfm's `check_domain` for the host scanned from `start + 1`, up to the block's last character. */
  private hostValid(start: number, blockEnd: number, needDot: boolean): boolean {
    const limit = blockEnd - 1;
    if (!(start >= this.hostFrom && start < this.hostEnd) || this.hostLimit !== limit) this.scanHost(start, limit);
    const lastDot = this.lastDot > start ? this.lastDot : -1;
    if (needDot && lastDot === -1) return false;
    // An `_` after the host's last dot (or in a host without one) or between its last two dots makes no link.
    if (this.lastUnderscore > (lastDot === -1 ? start : lastDot)) return false;
    if (lastDot === -1) return true;
    return this.underscoreBeforeDot <= Math.max(this.prevDot, start);
  }

  private scanHost(start: number, limit: number): void {
    const text = this.text;
    let i = start + 1;
    this.lastDot = -1;
    this.prevDot = -1;
    this.lastUnderscore = -1;
    this.underscoreBeforeDot = -1;
    for (; i < limit; i++) {
      const code = text.charCodeAt(i);
      if (code === 46) {
        this.prevDot = this.lastDot;
        this.lastDot = i;
        this.underscoreBeforeDot = this.lastUnderscore;
      } else if (code === 95) this.lastUnderscore = i;
      else if (code < 128) {
        if (code !== 95 && code !== 45 && !isAsciiAlnum(code)) break;
      } else {
        // cmark steps byte by byte: a valid non-ASCII character ends the scan on its next (continuation) byte.
        if (!/[\p{P}\s]/u.test(text.charAt(i))) i++;
        break;
      }
    }
    this.hostFrom = start;
    this.hostLimit = limit;
    this.hostEnd = Math.max(i, start + 1);
  }

}

/**
 * Whether `start` opens the destination of an inline link that cmark
 * makes: `](` or `](<` before it, the `]` taking an opener (`linkCloser`),
 * and `(destination "title")` read whole within the block (`blockEnd`).
 * cmark reads a destination when it reaches the `]`, before any matcher
 * sees the `w` or `:` in it (`[](www.)` `` ` ``: the backtick opens a code
 * span); when that link is not made, the `(` is text and the autolink
 * starts after it (`[;](www.a\<!--⏎…`: a link `www.a\`, then a comment).
 * A `](` with no `[` before it opens nothing (`/agent ](http://x`<g t="`">`).
 */
function opensDestination(text: string, start: number, linkCloser: number, blockEnd: number, tails: () => InlineLinkTails): boolean {
  const before = text.charAt(start - 1) === '<' ? start - 1 : start;
  if (linkCloser === -1 || linkCloser !== before - 2 || !text.startsWith('](', before - 2)) return false;
  const end = tails().read(linkCloser);
  return end !== -1 && end <= blockEnd;
}

/** An ASCII letter or digit, or a non-ASCII character that is neither punctuation nor whitespace. */
function isHostStart(text: string, at: number): boolean {
  const code = text.charCodeAt(at);
  if (code < 128) return isAsciiAlnum(code);
  return !/[\p{P}\s]/u.test(String.fromCodePoint(text.codePointAt(at) ?? 0));
}

/** cmark-gfm's `autolink_delim` after the cut at `<`: linear, the `(`/`)` counts are taken once. */
function trimEnd(text: string, start: number, end: number): number {
  let open = 0;
  let close = 0;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code === 40) open++;
    else if (code === 41) close++;
  }
  while (end > start) {
    const last = text.charAt(end - 1);
    if (TRAILING.has(last)) end--;
    else if (last === ';') {
      let k = end - 2;
      while (k > start && isAsciiLetter(text.charCodeAt(k))) k--;
      end = k < end - 2 && text.charAt(k) === '&' ? k : end - 1;
    } else if (last === ')' && close > open) {
      close--;
      end--;
    } else break;
  }
  return end;
}
