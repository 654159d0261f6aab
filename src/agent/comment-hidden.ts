/**
 * HTML comments in a comment's Markdown, found after its code: a `<!--`
 * inside a code block or code span is code that GitHub shows, and removing
 * comments before reading the blocks turned code into prose (review-sec
 * findings 2 and 7: `<!-- -->` before a closing fence made it close, a
 * backtick joined to a fence's info string unmade the fence).
 */
import { InlineHtml, isEscaped } from './inline-html.js';
import { isLetter } from './html-blocks.js';
import { nextOccurrence, rangeWalker } from './markdown.js';
import { RangeList } from './range-list.js';

/**
 * The HTML comments in `text` as a sorted flat list of [start, end)
 * offsets: `<!--…-->`, and in HTML blocks `<!-->` and `<!--->` (the
 * browser's reading; inline, cmark-gfm 0.29 shows them as text); one never
 * closed runs to the end, as GitHub hides it. A comment starts only outside
 * `code` (code blocks and spans). One in a paragraph ends at the latest
 * where a code block starts (`blockStarts`, sorted): the block is read
 * before the comment on GitHub too, and a comment must never hide a fence.
 * One inside an HTML block (`htmlBlocks`, sorted flat [start, end) ranges
 * of its lines) is raw HTML that the browser reads, not Markdown: it runs
 * to the next `-->` that is raw HTML too, across whatever Markdown lies
 * between (code and paragraphs reach the browser with `>` escaped), or to
 * the end. In a paragraph or heading (`inline`, sorted flat [start, end)
 * ranges of their inline content) a `<!--` escaped by a backslash or inside
 * an earlier tag's attribute value opens nothing (re-review 8b, F3).
 * One the browser opens after an inline processing instruction's or CDATA
 * section's first `>` runs to the next `-->` that reaches the browser as
 * raw HTML, over code blocks too, or to the end (`InlineOpeners`). One that
 * cmark-gfm shows as text (unclosed, `--` inside) is hidden all the same,
 * but the raw HTML inside it is still read, and a comment opened there
 * joins it.
 * Each search starts where the last one ended, and the next
 * closers are remembered, so many unclosed comments cut short by code
 * blocks (`<!--\n```\n` repeated) do not each search to the end: linear in
 * the text.
 *
 * A backslash that ends an extended autolink escapes nothing: `unescapedLt`
 * (findCode's) lists the `<` after such links, which may open a comment
 * (cmark-gfm 0.29: `www.\\<!--` is the link `www.\\`, then a comment).
 *
 * `opaque`, when given, receives the comments in which brackets are no
 * Markdown (sorted flat [start, end) list): those in HTML blocks and those
 * cmark-gfm 0.29's inline grammar reads as comments (inline-html.ts). The
 * rest (an unclosed `<!--`, one with `--` inside) are hidden here to err
 * towards hiding, but GitHub shows them as text, so a `]` inside still closes
 * an image: excluding it from bracket matching showed the alt text
 * (re-review 8c, N1: `![a⏎/agent do x <!--](u)`).
 */
export function findHtmlComments(
  text: string,
  code: ArrayLike<number>,
  blockStarts: ArrayLike<number>,
  htmlBlocks: ArrayLike<number>,
  inline: ArrayLike<number>,
  opaque?: RangeList,
  unescapedLt: Iterable<number> = [],
): Int32Array {
  // Typed: a megabyte of comments makes hundreds of thousands of ranges (perf8a).
  const comments = new RangeList();
  let r = 0;
  let b = 0;
  // The next `-->` at or after a position, kept between comments: searches only move forward (-1: none left).
  let close = -2;
  const inHtmlBlock = rangeWalker(htmlBlocks);
  const nextRawClose = nextRawCloser(text, htmlBlocks);
  const notOpener = new InlineOpeners(text, code, inline, unescapedLt);
  for (let start = text.indexOf('<!--'); start !== -1; ) {
    while (r < code.length && (code[r + 1] ?? 0) <= start) r += 2;
    if (r < code.length && (code[r] ?? Infinity) <= start) {
      start = text.indexOf('<!--', code[r + 1] ?? text.length);
      continue;
    }
    let end: number;
    const raw = inHtmlBlock(start);
    const skipTo = raw ? -1 : notOpener.skipFrom(start);
    if (skipTo !== -1) {
      start = text.indexOf('<!--', skipTo);
      continue;
    }
    // Opened where cmark-gfm passes raw HTML that the browser reads otherwise (after a processing instruction's or
    // CDATA section's first `>`): the browser's comment, whatever cmark makes of the text after it (re-review 8e).
    const browser = !raw && notOpener.opensInBrowser();
    if (text.startsWith('>', start + 4)) end = start + 5;
    else if (text.startsWith('->', start + 4)) end = start + 6;
    else if (raw) {
      const found = nextRawClose(start + 4);
      end = found === -1 ? text.length : found + 3;
    } else if (browser) end = notOpener.rawCloseAfter(start + 4, nextRawClose(start + 4));
    else {
      if (close !== -1 && close < start + 4) close = text.indexOf('-->', start + 4);
      end = close === -1 ? text.length : close + 3;
    }
    while (b < blockStarts.length && (blockStarts[b] ?? 0) <= start) b++;
    // A comment the browser opens runs over code blocks too: cmark writes them out escaped, inside it.
    if (!raw && !browser) end = Math.min(end, blockStarts[b] ?? Infinity);
    // Inside one shown as text (below), a later comment may run on further: the two are one hidden range.
    comments.pushOrExtend(start, end);
    const inlineComment = !raw && !browser && notOpener.isInlineComment(start);
    if (opaque !== undefined && (raw || inlineComment)) opaque.push(start, end);
    if (raw || browser || inlineComment) {
      notOpener.passed(end);
      start = end >= text.length ? -1 : text.indexOf('<!--', end);
    } else {
      // cmark-gfm shows this one as text (unclosed, or `--` inside): it is hidden to err towards hiding, but the raw
      // HTML inside it still reaches the browser, so its `<` are read on. A processing instruction there may open
      // the browser's comment, which runs on past this one (`\<!--<?⏎]]><!--?>…`: re-review 8e).
      start = text.indexOf('<!--', start + 4);
    }
  }
  return comments.toArray();
}

/**
 * `from ↦` the offset of the next `-->` at or after `from` inside
 * `htmlBlocks`, or -1, for non-decreasing `from`: each `-->` is looked at
 * once.
 */
function nextRawCloser(text: string, htmlBlocks: ArrayLike<number>): (from: number) => number {
  const inBlock = rangeWalker(htmlBlocks);
  let found = -2;
  return (from) => {
    if (found === -1 || found >= from) return found;
    found = text.indexOf('-->', from);
    while (found !== -1 && !inBlock(found)) found = text.indexOf('-->', found + 1);
    return found;
  };
}

/**
 * Tells, outside HTML blocks, which `<!--` is no comment opener in
 * Markdown: one escaped by a backslash (`\<!--`, §2.4), `<!-->` and
 * `<!--->` (text in cmark-gfm 0.29: re-review 8b, F7), and one inside
 * raw HTML that starts before it in the same paragraph or heading
 * (`<a title="<!--">`: F3). The `<` before each opener are read left to
 * right once, with cmark-gfm's inline grammar (inline-html.ts), skipping
 * code and comments: ask for increasing offsets.
 *
 * But cmark-gfm passes a processing instruction (`<?` to `?>`) and a CDATA
 * section (`<![CDATA[` to `]]>`) on whole, and the browser (GitHub's
 * sanitiser too) reads both as a bogus comment that ends at the FIRST `>`
 * (WHATWG HTML §13.2.5.41, §13.2.5.42: CDATA is one only in SVG and
 * MathML). The rest, up to cmark's `?>` or `]]>`, reaches the browser as
 * raw HTML, where a `<!--` opens a comment; the browser's comment then runs
 * to the next `-->` it gets as raw HTML, however cmark read the text
 * between, so one without such a `-->` hides the rest of the page
 * (re-review 8e: `a <?><!--?>⏎/agent y` shows only "a"). That rest is read
 * the browser's way (`opensInBrowser`, `rawCloseAfter`): bogus comments in
 * it (`<?`, `<!`, `</` and no letter, each to the next `>`) hide a `<!--`;
 * a tag there is not read, so a `<!--` in its attribute value is taken for
 * an opener, which errs towards hiding.
 */
class InlineOpeners {
  private readonly html: InlineHtml;
  private readonly inCode: (offset: number) => boolean;
  /** Where the next `<` to read is searched from. */
  private readAt = 0;
  /** The index in `inline` of the first range that ends after `readAt`'s `<`. */
  private block = 0;
  /** The same for `isInlineComment`'s comment openers. */
  private commentBlock = 0;
  /**
   * The `<` that a backslash before them does not escape (they end an extended autolink holding it), as a set
   * built on the first escaped `<` asked about: a text of `www.\<` holds one per link and rarely an escaped `<!--`.
   */
  private unescaped: Set<number> | undefined;
  /**
   * The end of the raw HTML (as cmark-gfm reads it) whose rest the browser reads as HTML, not as one bogus
   * comment: after a processing instruction's or CDATA section's first `>`, or after the `-->` that closed a
   * browser's comment inside it. 0: none.
   */
  private rawEnd = 0;
  /** Where the browser's reading of that rest goes on. */
  private browserAt = 0;
  /** Whether the last `<!--` that `skipFrom` accepted opens a comment in the browser only. */
  private browser = false;
  private readonly nextGt: (from: number) => number;
  private readonly nextClose: (from: number) => number;

  constructor(
    private readonly text: string,
    code: ArrayLike<number>,
    private readonly inline: ArrayLike<number>,
    private readonly unescapedLt: Iterable<number>,
  ) {
    this.html = new InlineHtml(text);
    this.inCode = rangeWalker(code);
    this.nextGt = nextOccurrence(text, '>');
    this.nextClose = nextOccurrence(text, '-->');
  }

  private escaped(lt: number): boolean {
    return isEscaped(this.text, lt) && !(this.unescaped ??= new Set(this.unescapedLt)).has(lt);
  }

  /** -1 when the `<!--` at `start` opens a comment; else where to search for the next `<!--`. */
  skipFrom(start: number): number {
    const text = this.text;
    this.browser = false;
    if (start < this.rawEnd) return this.browserSkip(start);
    if (text.startsWith('>', start + 4) || text.startsWith('->', start + 4)) return start + 1;
    for (let lt = this.nextLt(start); lt !== -1; lt = this.nextLt(start)) {
      const end = this.html.endAt(lt, this.blockEnd);
      if (end === -1) continue;
      this.readAt = end;
      if (end <= start) continue;
      const rest = this.bogusEnd(lt);
      if (rest === -1) return end;
      this.rawEnd = end;
      this.browserAt = rest;
      return rest > start ? rest : this.browserSkip(start);
    }
    if (this.readAt < start) this.readAt = start;
    // Escaped only outside raw HTML: a backslash is text to the browser (`<![CDATA[>\<!--]]>` opens a comment).
    return this.escaped(start) ? start + 1 : -1;
  }

  /** Whether the comment `skipFrom` just accepted is opened in raw HTML that cmark-gfm reads otherwise. */
  opensInBrowser(): boolean {
    return this.browser;
  }

  /**
   * The end of the browser's comment that `skipFrom` just accepted, its body
   * starting at `from`: just past the next `-->` the browser gets as raw
   * HTML. That is one in the rest of the raw HTML it opened in, in later
   * raw HTML that cmark-gfm passes on in a paragraph or heading (read with
   * its grammar, as `skipFrom` does), or `blockClose` (the next `-->` in an
   * HTML block, or -1); else the end of the text. Any other `-->` reaches
   * the browser escaped, as text.
   */
  rawCloseAfter(from: number, blockClose: number): number {
    const text = this.text;
    const close = this.nextClose(from);
    if (close === -1) return text.length;
    if (close + 3 <= this.rawEnd) {
      this.browserAt = close + 3;
      return close + 3;
    }
    const limit = blockClose === -1 ? text.length : blockClose;
    if (this.readAt < this.rawEnd) this.readAt = this.rawEnd;
    for (let lt = this.nextLt(limit); lt !== -1; lt = this.nextLt(limit)) {
      const end = this.html.endAt(lt, this.blockEnd);
      if (end === -1) continue;
      this.readAt = end;
      const inside = this.nextClose(lt);
      if (inside === -1 || inside + 3 > end) continue;
      // The rest of this raw HTML, after the `-->`, is read the browser's way.
      this.rawEnd = end;
      this.browserAt = inside + 3;
      return inside + 3;
    }
    return blockClose === -1 ? text.length : blockClose + 3;
  }

  /** The end of the inline content holding the `<` that `nextLt` last returned. */
  private blockEnd = 0;

  /**
   * The next `<` before `limit` from `readAt` on that cmark-gfm may read as
   * raw HTML (in a paragraph or heading, outside code, not escaped), or -1.
   * Moves `readAt` past it.
   */
  private nextLt(limit: number): number {
    const text = this.text;
    const inline = this.inline;
    for (let lt = text.indexOf('<', this.readAt); lt !== -1 && lt < limit; lt = text.indexOf('<', this.readAt)) {
      this.readAt = lt + 1;
      while (this.block < inline.length && (inline[this.block + 1] ?? 0) <= lt) this.block += 2;
      if ((inline[this.block] ?? Infinity) > lt || this.inCode(lt) || this.escaped(lt)) continue;
      this.blockEnd = inline[this.block + 1] ?? 0;
      return lt;
    }
    return -1;
  }

  /**
   * Where the browser's bogus comment ends (just past the first `>`) when
   * the raw HTML at `lt` is a processing instruction or CDATA section; -1
   * for any other raw HTML, which the browser reads as cmark-gfm does.
   */
  private bogusEnd(lt: number): number {
    const text = this.text;
    // cmark-gfm's processing instruction and CDATA section end with `>`, so one is found.
    if (text.charCodeAt(lt + 1) === 63) return this.nextGt(lt + 2) + 1;
    if (text.startsWith('![CDATA[', lt + 1)) return this.nextGt(lt + 9) + 1;
    return -1;
  }

  /**
   * `skipFrom` for a `<!--` at `start` inside the rest of raw HTML that the
   * browser reads (before `rawEnd`): reads it from `browserAt` as the
   * browser's tokenizer does, bogus comments and comments only. A backslash
   * escapes nothing in raw HTML.
   */
  private browserSkip(start: number): number {
    const text = this.text;
    for (let lt = text.indexOf('<', this.browserAt); lt !== -1 && lt < start; lt = text.indexOf('<', this.browserAt)) {
      this.browserAt = lt + 1;
      const next = text.charCodeAt(lt + 1);
      if (next === 33 && text.startsWith('--', lt + 2)) {
        // `<!-->`, `<!--->`: an empty comment. Any other was asked before and moved `browserAt` past its end.
        this.browserAt = lt + (text.startsWith('>', lt + 4) ? 5 : text.startsWith('->', lt + 4) ? 6 : 4);
      } else if (next === 33 || next === 63 || (next === 47 && !isLetter(text.charCodeAt(lt + 2)))) {
        const gt = this.nextGt(lt + 2);
        this.browserAt = gt + 1;
        if (gt >= start) return gt + 1;
      }
    }
    if (text.startsWith('>', start + 4) || text.startsWith('->', start + 4)) return start + 1;
    this.browser = true;
    return -1;
  }
  /**
   * Whether the comment opened at `start` (just accepted by `skipFrom`) is
   * one in cmark-gfm 0.29's inline grammar, inside its paragraph or heading.
   */
  isInlineComment(start: number): boolean {
    const inline = this.inline;
    while (this.commentBlock < inline.length && (inline[this.commentBlock + 1] ?? 0) <= start) this.commentBlock += 2;
    if ((inline[this.commentBlock] ?? Infinity) > start) return false;
    return this.html.endAt(start, inline[this.commentBlock + 1] ?? 0) !== -1;
  }

  /** A comment was taken up to `end`: nothing inside it is read. */
  passed(end: number): void {
    if (this.readAt < end) this.readAt = end;
    if (this.browserAt < end) this.browserAt = end;
  }
}
