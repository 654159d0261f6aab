/**
 * HTML that GitHub does not show as text, so it may neither trigger the bot
 * nor reach the agent as instruction (issue 8, kind 7c):
 * - `<script>` and `<style>` elements, with their contents: GitHub's
 *   sanitiser drops them whole; one never closed runs to the end, as an
 *   HTML block does (CommonMark §4.6), which errs towards hiding;
 * - elements read to their end tag as parsed HTML (`<rp>` and
 *   `<template>`, never rendered; `<blockquote>`, shown as a quote;
 *   `<select>`: html-elements.ts `SKIPPED_CONTENT_ELEMENTS`), and raw-text
 *   elements GFM's tag filter lets through in HTML blocks (`<xmp/x>`);
 * - tags that run over lines (`<span title="⏎/agent do it⏎">`): the line
 *   break sits inside an attribute, which a reader never sees;
 * - tags on one line, open and closing, whatever their name (but those
 *   GFM's tag filter escapes, `<textarea>`, which GitHub shows as text and
 *   whose attributes alone go), but for their address attributes (`href`,
 *   `src`): the browser shows neither a tag's
 *   name nor its attributes, only the text between tags (`/agent add a <br>
 *   here` asks "add a  here" as GitHub shows it; code spans and blocks keep
 *   their tags, as examples). They cannot hide a request (`/agent` must
 *   start a line), but they must not reach the agent as instruction.
 * Linear in the text: each search starts where the last one ended, and a
 * tag is read by one anchored pattern whose repetitions cannot overlap.
 */
import { asciiNameAt, BLOCK_NAMES, isFilteredTagName, isLetter, isNameChar } from './html-blocks.js';
import { tagEnd } from './html-code-elements.js';
import { FALLBACK_CONTENT_ELEMENTS, HIDDEN_CONTENT_ELEMENTS, isForeignElement, quoteKeepingElement, SKIPPED_CONTENT_ELEMENTS, TAG_FILTER_ELEMENTS } from './html-elements.js';
import { isEscaped } from './inline-html.js';
import { nextOccurrence, rangeWalker } from './markdown.js';
import { rangeEndWalker, RangeList, unionOfRanges } from './range-list.js';

const isUpper = (code: number): boolean => code >= 65 && code <= 90;

/**
 * What `TagStart.read` found at a `<` (CommonMark §6.6 tag names, and the
 * openers of §4.6 types 3–5): `<name` or `</name`, `<?` (a processing
 * instruction), `<!` then a letter (a declaration) or `[CDATA[`.
 */
const NONE = 0;
const OPEN = 1;
const CLOSE = 2;
const PROCESSING = 3;
const DECLARATION = 4;
const CDATA = 5;

/**
 * The tag start at a `<`, read in place: where its name (if any) starts
 * and ends, and where the opener ends. One object, reused for every `<`:
 * a pattern's match per tag (an array and its group strings) was most of
 * the garbage of a megabyte of tags (re-review 8, "Speed").
 */
class TagStart {
  kind = NONE;
  nameStart = 0;
  nameEnd = 0;
  end = 0;

  /** Reads the opener at `lt` (a `<`); `kind` is `NONE` when none starts there. */
  read(text: string, lt: number): void {
    const next = text.charCodeAt(lt + 1);
    this.kind = NONE;
    if (isLetter(next) || (next === 47 && isLetter(text.charCodeAt(lt + 2)))) {
      this.kind = next === 47 ? CLOSE : OPEN;
      this.nameStart = next === 47 ? lt + 2 : lt + 1;
      let k = this.nameStart + 1;
      while (isNameChar(text.charCodeAt(k))) k++;
      this.nameEnd = k;
      this.end = k;
    } else if (next === 63) {
      this.kind = PROCESSING;
      this.end = lt + 2;
    } else if (next === 33) {
      if (text.startsWith('[CDATA[', lt + 2)) {
        this.kind = CDATA;
        this.end = lt + 9;
      } else if (isUpper(text.charCodeAt(lt + 2))) {
        // cmark-gfm 0.29 wants an upper-case letter, inline and as a block (type 4): `<!x` is text on GitHub, and
        // skipping from it to the next `>` left the tags between unread (re-review 8b, F6).
        this.kind = DECLARATION;
        this.end = lt + 3;
      }
    }
  }
}

/** Characters that may stand before a block's `<` on its line: indentation, list item and quote markers. */
const BEFORE_BLOCK = new Set([32, 9, 45, 42, 43, 46, 41, 62, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57]);

/**
 * Whether the `<` at `start` begins a line's content (only indentation,
 * list item and quote markers before it). The backward scan stops at the
 * first other character, `<` included, so each part of a line is scanned
 * once however many tags it holds.
 */
function startsBlock(text: string, start: number): boolean {
  for (let k = start - 1; k >= 0; k--) {
    const code = text.charCodeAt(k);
    if (code === 10) return true;
    if (!BEFORE_BLOCK.has(code)) return false;
  }
  return true;
}

/** What may follow a block tag's name (CommonMark §4.6 type 6), sticky: read in place, without a slice per tag. */
const BLOCK_NAME_END = /[\s>]|\/>|$/y;

function endsBlockName(text: string, index: number): boolean {
  BLOCK_NAME_END.lastIndex = index;
  return BLOCK_NAME_END.test(text);
}

/**
 * A whole open tag from its `<` (CommonMark §6.6): attribute names, values
 * unquoted, 'single' or "double" quoted (where line breaks may hide), then
 * `>` or `/>`. Sticky, so it is only tried where a tag starts.
 */
const OPEN_TAG = /<[A-Za-z][A-Za-z0-9-]*(?:\s+[A-Za-z_:][A-Za-z0-9_.:-]*(?:\s*=\s*(?:[^\s"'=<>`]+|'[^']*'|"[^"]*"))?)*\s*\/?>/y;

/**
 * One attribute of a tag `OPEN_TAG` matched, with the whitespace before it.
 * Sticky: read attribute after attribute from the tag's name on, never
 * from inside a quoted value; tested, not executed, so no match is made.
 */
const ATTRIBUTE = /\s+[A-Za-z_:][A-Za-z0-9_.:-]*(?:\s*=\s*(?:[^\s"'=<>`]+|'[^']*'|"[^"]*"))?/y;

/** The first character of an attribute name (`[A-Za-z_:]`), which no whitespace is, and the others (`[A-Za-z0-9_.:-]`). */
const isAttributeStart = (code: number): boolean => isLetter(code) || code === 95 || code === 58;
const isAttributeChar = (code: number): boolean => isNameChar(code) || code === 95 || code === 58 || code === 46;

/**
 * Whether the attribute name `text[from, to)` is an address (`href`,
 * `src`, any case), whose value stays in the instruction: the agent needs
 * it, as it gets a Markdown link's destination. Only a name of three or
 * four characters is copied to be compared.
 */
export function isAddressName(text: string, from: number, to: number): boolean {
  if (to - from !== 3 && to - from !== 4) return false;
  const name = text.slice(from, to).toLowerCase();
  return name === 'href' || name === 'src';
}

/**
 * Pushes onto `hidden` the one-line tag that `OPEN_TAG` matched from its
 * `<` at `lt` (its name ending at `nameEnd`) to its `>` at `gt`, all but
 * its address attributes (`href`, `src`, from their names on). The browser
 * shows no tag as text: not its name (`<also-delete-the-branch>` is an
 * empty element; re-review 8d), and no attribute value (`alt`, `title`,
 * `aria-label` are tooltips or read by screen readers; GitHub's sanitiser
 * keeps them), so, like a Markdown image's alt text and a link's title
 * (link-hidden.ts), none may reach the agent as instruction (review 8, P5).
 * The text between tags stays. Linear in the tag: `OPEN_TAG` has already
 * checked its grammar, so the sticky pattern reads each attribute once, and
 * none runs past the tag's `>` (which is outside every value).
 */
function hideTag(text: string, lt: number, nameEnd: number, gt: number, hidden: RangeList): void {
  // A tag GFM's tag filter escapes is shown as text, name and `>`: only its attributes go, as before (review 8, P5).
  const shown = isFilteredTagName(text, lt + 1, nameEnd);
  let cut = lt;
  ATTRIBUTE.lastIndex = nameEnd;
  for (let from = nameEnd; ATTRIBUTE.test(text) && ATTRIBUTE.lastIndex <= gt; from = ATTRIBUTE.lastIndex) {
    let name = from;
    while (!isAttributeStart(text.charCodeAt(name))) name++;
    let afterName = name;
    while (isAttributeChar(text.charCodeAt(afterName))) afterName++;
    const address = isAddressName(text, name, afterName);
    if (shown) {
      if (!address) hidden.push(from, ATTRIBUTE.lastIndex);
    } else if (address) {
      if (name > cut) hidden.push(cut, name);
      cut = ATTRIBUTE.lastIndex;
    }
  }
  if (!shown) hidden.push(cut, gt + 1);
}

/**
 * A whole closing tag from its `<` (CommonMark §6.6: `</`, a tag name,
 * optional whitespace, `>`). Sticky, so it is only tried where one starts.
 */
const CLOSING_TAG = /<\/[A-Za-z][A-Za-z0-9-]*\s*>/y;

/** The end of the whole closing tag (`CLOSING_TAG`) starting at `lt`, or -1: tested in place. */
function closingTagEnd(text: string, lt: number): number {
  CLOSING_TAG.lastIndex = lt;
  return CLOSING_TAG.test(text) ? CLOSING_TAG.lastIndex : -1;
}

/** Whether one of the walkers holds `offset` (a loop: a closure per tag cost more than the walk). */
function inAny(walkers: readonly ((offset: number) => boolean)[], offset: number): boolean {
  for (const walk of walkers) if (walk(offset)) return true;
  return false;
}

/** After a tag name: whitespace, `/` or `>` (or the end of the text) makes it the element (WHATWG HTML §13.2.5.8). */
const TAG_NAME_END = /^[\s/>]/;

/** Whether an `indexOf` answer (-1 for none) comes before `limit`. */
const isBefore = (found: number, limit: number): boolean => found !== -1 && found < limit;

/**
 * What `findHiddenHtml` also reports, when asked, for command.ts's reading
 * of block quotes (`quoteSwallowed`), each list in order:
 * - `rawText`: the elements read as raw text that reach the browser as
 *   tags (`noscript`: not escaped by the tag filter), flat [start, end);
 * - `quoteKeeping`: the start and end tags of `QUOTE_KEEPING_ELEMENTS`, as
 *   flat (offset of `<`, element index + 1) pairs, negated for an end tag.
 *   A start tag counts wherever a `<name` is read (were it no tag to
 *   cmark-gfm, the element it would open is extra hiding); an end tag only
 *   as cmark-gfm passes it on in a paragraph or heading (`</name>`, spaces
 *   allowed before `>`, not escaped), so none is taken for closed that the
 *   browser keeps open.
 */
export interface HtmlStructure {
  rawText: number[];
  quoteKeeping: number[];
}

/**
 * Hidden HTML in `text` outside `code` (sorted flat [start, end) lists of
 * code that is shown as code: code blocks, spans, `<pre>`/`<code>`, and
 * comments), as one sorted flat list of [start, end) offsets. `structure`,
 * when given, receives what `HtmlStructure` says, but end tags inside
 * `htmlBlocks` (sorted flat [start, end) raw parts of HTML blocks), which
 * raw-html.ts reads the browser's way. `inline` (sorted flat [start, end):
 * findCode's inline content of paragraphs, headings and table cells) bounds
 * a processing instruction, declaration or CDATA section that starts in it.
 */
export function findHiddenHtml(text: string, code: readonly ArrayLike<number>[], structure?: HtmlStructure, htmlBlocks: ArrayLike<number> = [], inline: ArrayLike<number> = []): Int32Array {
  const hidden = new RangeList();
  // Media and canvas fallback content, by start (kept apart from `hidden`, whose ranges the tags inside may add to).
  const fallbackHidden: number[] = [];
  const inInline = rangeEndWalker(inline);
  const inCode = code.map((ranges) => rangeWalker(ranges));
  const inBlock = rangeWalker(htmlBlocks);
  // Asked ahead of `inBlock`, for the end tags of elements the tag filter lets through.
  const inBlockEnd = rangeWalker(htmlBlocks);
  const next: Record<string, (from: number) => number> = {};
  // Each closer's next place is searched once for all the openers before it.
  const nextCloser = (closer: string, from: number): number => (next[closer] ??= nextOccurrence(text, closer))(from);
  const tag = new TagStart();
  // The text in lower case, made only when an end tag must be found without regard to case.
  let lower: string | undefined;
  const nextEndTag: Record<string, (from: number) => number> = {};
  // The open elements whose content is never shown as a request (`<rp>`, `<blockquote>`, `<template>`): how many of
  // each name and in all, where the outermost started, and how many offsets `hidden` held then (what is pushed inside
  // gives way to the one range of them all).
  const skipped = { open: new Map<string, number>(), total: 0, start: 0, mark: 0 };
  // Where the search for the next `<` goes on: after the last opener, or after what it hid.
  let from: number;
  for (let start = text.indexOf('<'); start !== -1; start = from >= text.length ? -1 : text.indexOf('<', from)) {
    tag.read(text, start);
    from = tag.kind === NONE ? start + 1 : tag.end;
    if (tag.kind === NONE || inAny(inCode, start)) continue;
    const kind = tag.kind;
    // Names no longer than the longest listed (`annotation-xml`, fourteen characters) are looked up; longer ones match
    // no list.
    const name = kind <= CLOSE && tag.nameEnd - tag.nameStart <= 14 ? text.slice(tag.nameStart, tag.nameEnd).toLowerCase() : '';
    if (structure !== undefined && name !== '' && (kind === OPEN || !inBlock(start))) noteQuoteKeeping(text, start, tag, name, structure.quoteKeeping);
    // In an HTML block the browser's tokenizer reads the tag, not cmark's grammar: a backslash escapes nothing
    // (`<div>\<rp>` opens an `rp`), and `<rp/x>` is a start tag (re-review 8i).
    const blockHere = SKIPPED_CONTENT_ELEMENTS.has(name) && inBlock(start);
    const fallback = FALLBACK_CONTENT_ELEMENTS.has(name);
    if (fallback && kind === OPEN && !blockHere && !isEscaped(text, start)) {
      // A media element or canvas opened in a paragraph, heading or cell hides its content up to its end tag or the end
      // of that block, which closes it (`a <video>⏎/agent x`: the hard break and the phrase are fallback content).
      const inlineEnd = inInline(start);
      const openEnd = openTagEnd(text, start);
      if (inlineEnd !== -1 && openEnd !== -1 && openEnd <= inlineEnd) {
        lower ??= text.toLowerCase();
        const close = (nextEndTag[name] ??= nextOccurrence(lower, `</${name}`))(openEnd);
        const end = close !== -1 && close < inlineEnd ? close : inlineEnd;
        // Kept apart and joined at the end: the tags inside are still read (`a <video><blockquote>⏎⏎/agent x`: the
        // quote the browser opens there stays open past the video's end, so its content must be hidden too).
        fallbackHidden.push(start, end);
        from = openEnd;
        continue;
      }
    }
    const skippedContent = SKIPPED_CONTENT_ELEMENTS.has(name) && (blockHere || !fallback);
    if (skippedContent && (blockHere || !isEscaped(text, start))) {
      // Each name is counted on its own, and an end tag closes one of its own: `<rp><rp>a</rp>` leaves the outer open,
      // and `<blockquote><template></blockquote>` the quote (a template bounds the scope of end tags). Where the
      // browser closes more (implied end tags: `<blockquote><rp></blockquote>`), hiding more errs towards no request.
      // The content is read on as parsed HTML, so an end tag inside a tag's quoted value ends nothing.
      const count = skipped.open.get(name) ?? 0;
      const openEnd = kind === OPEN ? openTagEnd(text, start) : -1;
      // Where cmark's grammar takes no tag in a block, any later `>` may end the browser's (hiding more errs towards no
      // request); searched once for all such tags, so the reading stays linear.
      const blockGt = openEnd === -1 && kind === OPEN && blockHere ? nextCloser('>', tag.nameEnd) : -1;
      const opened = openEnd !== -1 ? openEnd : blockGt === -1 ? -1 : blockGt + 1;
      // In a select, a `<select>` acts as `</select>` (WHATWG HTML §13.2.6.4.16, "in select").
      const closes = kind === CLOSE || (name === 'select' && opened !== -1);
      if (opened !== -1 && !(closes && count > 0)) {
        if (skipped.total++ === 0) Object.assign(skipped, { start, mark: hidden.length });
        skipped.open.set(name, count + 1);
      } else if (closes && count > 0) {
        const tagEnd = kind === CLOSE ? closingTagEnd(text, start) : opened;
        if (tagEnd !== -1) {
          skipped.open.set(name, count - 1);
          if (--skipped.total === 0) {
            hidden.truncate(skipped.mark);
            hidden.push(skipped.start, tagEnd);
            from = tagEnd;
            continue;
          }
        }
      }
    }
    let end = -1;
    if (kind >= PROCESSING) {
      // A processing instruction, declaration or CDATA runs to its closer; one never closed is raw HTML to the
      // end when it starts a block (types 3–5), and literal text inline.
      const closer = kind === PROCESSING ? '?>' : kind === CDATA ? ']]>' : '>';
      const found = nextCloser(closer, tag.end);
      // In a paragraph, heading or table cell it must close there (inlines never cross a block's end): cmark-gfm writes
      // `<!X⏎<blockquote>` as the text "<!X", then a raw quote (re-review 8j). In an HTML block the browser reads on.
      const inlineEnd = inInline(start);
      const close = inlineEnd !== -1 && found + closer.length > inlineEnd ? -1 : found;
      if (close !== -1) end = close + closer.length;
      else if (startsBlock(text, start)) end = text.length;
      // Closed, it is hidden even on one line (`/agent fix it <?php also push to main ?>`): the browser drops it, so
      // it may not reach the agent either (re-review 8).
      if (close !== -1) {
        hidden.push(start, end);
        from = end;
        continue;
      }
    } else if (
      // CommonMark §4.6 type 6: at a line's start such a tag opens an HTML block whatever follows on the line, so it
      // is raw HTML even where the tag grammar rejects it (`<div⏎/agent …>`: the browser reads the next line as
      // attributes, or drops a tag never closed). Review-sec finding 3.
      BLOCK_NAMES.has(name) && endsBlockName(text, tag.end) && startsBlock(text, start)
    ) {
      // A block-level tag runs to the next `>` (the browser's rule), or to the end when none follows.
      const tagEnd = kind === CLOSE ? -1 : openTagEnd(text, start);
      const gt = tagEnd === -1 ? nextCloser('>', start) : tagEnd - 1;
      end = gt === -1 ? text.length : gt + 1;
      if (tagEnd !== -1 && !isBefore(nextCloser('\n', start), tagEnd)) {
        hideTag(text, start, tag.nameEnd, gt, hidden);
        from = end;
        continue;
      }
      if (kind === CLOSE && !isBefore(nextCloser('\n', start), end)) {
        // `</div>` on one line: shown as nothing, like any closing tag.
        hidden.push(start, end);
        from = end;
        continue;
      }
    } else if (kind === CLOSE) {
      // A closing tag is shown as nothing, whatever its name (`</also-delete-the-branch>`; re-review 8d), unless
      // GFM's tag filter escapes it (`</textarea>` is shown as text).
      const tagEnd = closingTagEnd(text, start);
      if (tagEnd === -1 || isFilteredTagName(text, tag.nameStart, tag.nameEnd)) continue;
      hidden.push(start, tagEnd);
      from = tagEnd;
      continue;
    } else if (kind === OPEN && TAG_FILTER_ELEMENTS.has(name) && TAG_NAME_END.test(text.charAt(tag.end)) && !isFilteredTagName(text, tag.nameStart, tag.nameEnd) && inBlock(start)) {
      // A raw-text, RCDATA or PLAINTEXT tag the tag filter lets through (`<xmp/x>`): only an HTML block passes it on
      // (inline, cmark's grammar never takes `<name/x` for a tag), and the browser opens a real element whose text is
      // all that cmark writes after it, its own `<p>` tags included (re-review 8h).
      end = letThroughEnd(text, name, tag.end, inBlockEnd);
      hidden.push(start, end);
      if (structure !== undefined) structure.rawText.push(start, end);
      if (end >= text.length) break;
      from = end;
      continue;
    } else if (HIDDEN_CONTENT_ELEMENTS.has(name) && TAG_NAME_END.test(text.charAt(tag.end) || '>')) {
      // The content starts after the start tag as the browser reads it (`<noscript title="</noscript>">`).
      const open = tagEnd(text, start);
      end = open === -1 ? text.length : contentEnd(text, name, open, inCode[0]);
      // Dropped whole, even on one line.
      hidden.push(start, end);
      if (structure !== undefined && !isFilteredTagName(text, tag.nameStart, tag.nameEnd)) structure.rawText.push(start, end);
      if (end >= text.length) break;
      from = end;
      continue;
    } else {
      const tagEnd = openTagEnd(text, start);
      if (tagEnd === -1) continue;
      if (isBefore(nextCloser('\n', start), tagEnd)) end = tagEnd;
      else {
        // A tag is read whole (CommonMark §6.6): a `<` inside one of its quoted values starts no tag.
        hideTag(text, start, tag.nameEnd, tagEnd - 1, hidden);
        from = tagEnd;
        continue;
      }
    }
    if (end === -1) continue;
    // Raw HTML on one line hides nothing that could start a line; it is skipped all the same, so openers inside
    // it are not read again (linear).
    const newline = nextCloser('\n', start);
    if (newline !== -1 && newline < end) hidden.push(start, end);
    if (end >= text.length) break;
    from = end;
  }
  if (skipped.total > 0) {
    // Never closed, it runs to the end: the browser closes it sooner, at the end of its paragraph, list item or quote
    // ("generate implied end tags"), but hiding more errs towards no request.
    hidden.truncate(skipped.mark);
    hidden.push(skipped.start, text.length);
  }
  return fallbackHidden.length === 0 ? hidden.toArray() : unionOfRanges(hidden.toArray(), fallbackHidden);
}

/**
 * The end (just past its end tag's `>`) of the element named `name` whose
 * start tag's name ends at `from`, or the text's length: the browser reads
 * its content as raw text (`noscript`) or GitHub drops it (`script`,
 * `style`), to the first end tag that reaches the browser as one. That is a
 * `</name>` (spaces allowed before `>`) outside Markdown code (`inCode`,
 * asked for increasing offsets) and not escaped: cmark-gfm writes any other
 * as text (`</name/>`, `\</name>`, one in a code span), which ends nothing.
 * One inside an HTML comment ends it all the same: raw text holds no
 * comments. In an HTML block the browser would take some of the others for
 * the end tag; not taking them errs towards hiding. Linear: one search
 * from `from`.
 */
function contentEnd(text: string, name: string, from: number, inCode: ((offset: number) => boolean) | undefined): number {
  for (let at = indexOfEndTag(text, name, from); at !== -1; at = indexOfEndTag(text, name, at + 2)) {
    const end = closingTagEnd(text, at);
    if (end !== -1 && !isNameChar(text.charCodeAt(at + 2 + name.length)) && !isEscaped(text, at) && inCode?.(at) !== true) return end;
  }
  return text.length;
}

/**
 * The end (just past its end tag's `>`, or the text's length) of the
 * element named `name` (in `TAG_FILTER_ELEMENTS`) whose start tag the tag
 * filter let through, its name ending at `from`. Its content is raw text,
 * RCDATA or (`plaintext`) all the rest; it ends at `</name` followed by
 * whitespace, `/` or `>` (WHATWG HTML §13.2.5, "appropriate end tag"), of
 * which the filter lets through only `</name/` without `>` after it, and
 * only an HTML block line (`inBlock`, asked for increasing offsets) passes
 * that on unescaped. Linear: one search from `from`.
 */
function letThroughEnd(text: string, name: string, from: number, inBlock: (offset: number) => boolean): number {
  if (name === 'plaintext') return text.length;
  for (let at = indexOfEndTag(text, name, from); at !== -1; at = indexOfEndTag(text, name, at + 2)) {
    const after = at + 2 + name.length;
    if (text.charCodeAt(after) !== 47 || isFilteredTagName(text, at + 2, after) || !inBlock(at)) continue;
    const gt = text.indexOf('>', after);
    return gt === -1 ? text.length : gt + 1;
  }
  return text.length;
}

/**
 * Pushes onto `found` (`HtmlStructure.quoteKeeping`) the tag `tag` read at
 * `lt` (its name `name`, lower-case) if it is a start tag of a
 * `QUOTE_KEEPING_ELEMENTS` element, its name ending the tokenizer's way, or
 * its end tag as cmark-gfm passes it on.
 */
function noteQuoteKeeping(text: string, lt: number, tag: TagStart, name: string, found: number[]): void {
  const element = quoteKeepingElement(name);
  if (element === -1) return;
  if (tag.kind === OPEN) {
    if (!TAG_NAME_END.test(text.charAt(tag.nameEnd) || '>')) return;
    // In MathML and SVG `/>` closes the element it opens (WHATWG HTML §13.2.6.5); an HTML element stays open.
    const end = isForeignElement(element) ? tagEnd(text, lt) : -1;
    if (end === -1 || text.charCodeAt(end - 2) !== 47) found.push(lt, element + 1);
  } else if (closingTagEnd(text, lt) !== -1 && !isEscaped(text, lt)) found.push(lt, -(element + 1));
}

/**
 * The offset of the next `</name` at or after `from`, the name matched
 * ignoring ASCII case (HTML's rule), or -1. Searched in the text itself:
 * offsets in a lower-cased copy are not the text's (`İ` lower-cases to two
 * units and shifts every offset after it).
 */
export function indexOfEndTag(text: string, name: string, from: number): number {
  for (let at = text.indexOf('</', from); at !== -1; at = text.indexOf('</', at + 1)) {
    if (asciiNameAt(text, at + 2, name)) return at;
  }
  return -1;
}

/** The end of the whole open tag (`OPEN_TAG`) starting at `lt`, or -1: tested in place, so no match is made. */
function openTagEnd(text: string, lt: number): number {
  OPEN_TAG.lastIndex = lt;
  return OPEN_TAG.test(text) ? OPEN_TAG.lastIndex : -1;
}
