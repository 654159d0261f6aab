/**
 * Finding an `/agent ...` request in a comment.
 *
 * The phrase counts only where a reader sees someone asking: at the start of
 * a line of prose. Inside code it is an example, and in a quoted line it is
 * someone quoting an earlier request, which must not run it again.
 */
import { Leaf, TableRow } from './block-structure.js';
import { findHtmlComments } from './comment-hidden.js';
import { documentLabels } from './footnote-bodies.js';
import { findHiddenHtml, type HtmlStructure } from './html-hidden.js';
import { sortedMember } from './html-line-breaks.js';
import { findOpenTagsInBogusRest } from './inline-bogus.js';
import { findHiddenLinkParts } from './link-hidden.js';
import { Kind } from './markdown-lines.js';
import { type CodeRanges, findCode, rangeWalker } from './markdown.js';
import { rangeStartWalker } from './range-list.js';
import { quoteSwallowed } from './quote-swallowed.js';
import { findRawHtmlHidden, Junction } from './raw-html.js';
import { OffsetList, RangeList } from './range-list.js';
import { findExcessCells } from './table-cells.js';
import { rowsAfterClosedTable } from './table-closed.js';
import { INVISIBLE_MARK, markInvisible } from './sanitize.js';

export const DEFAULT_TRIGGER_PHRASE = '/agent';

/**
 * - `prompt`: do this, in the thread's chat (continuing it if one exists);
 *   an empty prompt is a request without instructions, and the caller says
 *   that a prompt is needed.
 * - `new`: start a fresh chat even if the thread already has one.
 * - `stop`: interrupt the thread's chat (`/agent stop` or `/agent cancel`).
 */
export type AgentCommand = { kind: 'prompt'; prompt: string } | { kind: 'new'; prompt: string } | { kind: 'stop' };

/**
 * Parses the first `phrase` that starts a line of prose in `text` (up to
 * three spaces before it, as four make an indented code block; the phrase
 * must be followed by whitespace or the end of the line; matched
 * case-insensitively). The prompt is the rest of that line and every line
 * after it, trimmed, without quoted lines, link reference definitions and
 * footnote definitions (hidden whole: footnote-definitions.ts).
 * Returns null when there is no request. Linear in the text.
 *
 * The text is read as GitHub reads it: blocks and code first, on the text
 * as written (invisible characters are content there, so `\u200B\`\`\`` is
 * no fence), then what GitHub does not show is skipped: HTML comments
 * outside code (comment-hidden.ts) and invisible characters, so a phrase
 * hidden in a comment does not trigger and an invisible character before
 * it does not stop it. Other text GitHub does not show (`<script>`/`<style>`
 * elements, tags that run over lines: html-hidden.ts; tags and comments in
 * HTML blocks as the browser's tokenizer reads them: raw-html.ts; image alt text, link
 * titles and destinations: link-hidden.ts; fenced code's info strings)
 * neither triggers nor goes into the prompt, and neither do tags on one
 * line (names and attributes but `href`/`src`; the text between them stays).
 */
export function parseAgentCommand(text: string, phrase: string = DEFAULT_TRIGGER_PHRASE): AgentCommand | null {
  const trimmedPhrase = phrase.trim();
  if (trimmedPhrase === '') throw new RangeError('The trigger phrase is empty; set it to something like "/agent".');
  // The cheap check first: most comments never name the bot, and they cost one search.
  if (!mentionsPhrase(text, trimmedPhrase)) return null;
  // cmark-gfm skips a byte-order mark at the very start of the document (and only there), so it is not content that
  // keeps `\uFEFF    /agent …` out of an indented code block (re-review 8).
  const marked = markInvisible(text.startsWith('\uFEFF') ? text.slice(1) : text);
  const code = findCode(marked);
  const { kinds, starts, spans, inline, html, fenceInfo, definitions, footnotes, unescapedLt } = code;
  const blocks = blockRanges(code);
  const opaqueList = new RangeList();
  const comments = findHtmlComments(marked, spans, blocks.codeStarts, blocks.htmlLines, inline, opaqueList, unescapedLt);
  const opaqueComments = opaqueList.toArray();
  // `<pre>`/`<code>` elements are not code here: the browser still hides attributes, comments and CDATA inside them,
  // and Markdown images and link titles there are still images and titles (re-review 8b, L1).
  const structure: HtmlStructure = { rawText: [], quoteKeeping: [] };
  const hiddenHtml = findHiddenHtml(marked, [spans, comments], structure, blocks.htmlRaw, inline);
  // Inside HTML blocks the browser's tokenizer, not CommonMark's grammar, decides what is a tag (re-review 8).
  // It also tells which of their lines start a shown line: the browser shows their line breaks as spaces.
  const shownLines = { starts: new OffsetList(), inline, runOn: blocks.runOn, tables: blocks.tables };
  const paragraphRunsOn = sortedMember(blocks.paragraphsRunOn);
  const rawEndTags: number[] = [];
  const rawHidden = findRawHtmlHidden(marked, blocks.htmlRaw, blocks.junctions, shownLines, rawEndTags);
  // Inline, the browser reads the rest of a processing instruction or CDATA section after its first `>` as HTML:
  // a quoted value left open there hides what follows (re-review 8e).
  const restStartTags: number[] = [];
  const restHidden = findOpenTagsInBogusRest(marked, spans, inline, unescapedLt, restStartTags);
  // A comment, a `noscript` or a `<table>` that runs out of a block quote swallows the `</blockquote>` cmark writes:
  // what follows stays quoted.
  const quoteHidden = quoteSwallowed(comments, structure, code, marked.length, [rawEndTags, restStartTags]);
  // Markdown inside a `<pre>`/`<code>` element in a paragraph is still Markdown to cmark: its brackets count.
  // Definitions, footnote definitions too, are no inline content here: their brackets are not links.
  // Only comments GitHub does not show as text hold no brackets (re-review 8c, N1). A label is defined wherever its
  // definition is: in a quote or in a footnote definition's body too (re-review 8i).
  const labels = documentLabels(marked, code);
  const hiddenLinks = findHiddenLinkParts(marked, [spans, hiddenHtml, rawHidden, restHidden, quoteHidden, opaqueComments, definitions, footnotes], labels.links, labels.footnotes);
  const inSpan = rangeWalker(spans);
  const inHtml = rangeWalker(html);
  const inHidden = rangeWalker(hiddenHtml);
  const inRawHidden = rangeWalker(rawHidden);
  const inRestHidden = rangeWalker(restHidden);
  const inQuoteHidden = rangeWalker(quoteHidden);
  const inHiddenLink = rangeWalker(hiddenLinks);
  const inComment = rangeWalker(comments);
  const startsShownLine = sortedMember(shownLines.starts.toArray());
  // A comment GitHub hides starts a range of `opaqueComments`; any other (`<!-- a -- b -->`) cmark shows as text,
  // which no phrase is read through (re-review 8h).
  const isHiddenComment = rangeStartWalker(opaqueComments);
  const firstChar = trimmedPhrase.charAt(0).toLowerCase();
  const trigger = new RegExp(`^${escapeRegExp(trimmedPhrase)}(?=\\s|$)`, 'i');
  // Table rows after a raw `</table>` in a cell run on as text (table-closed.ts); read only when a row may trigger.
  let afterClosedTable: ((line: number) => boolean) | null = null;

  const { Prose, Html } = Kind;
  for (let index = 0; index < kinds.length; index++) {
    // `> /agent ...` quotes an earlier request (GitHub's "Quote reply"); code is an example. An HTML block of type 6
    // or 7 (`<div>` up to a blank line) shows its text; one of types 1–5 shows none, or shows it as code.
    const kind = kinds[index];
    if (kind !== Prose && kind !== Html) continue;
    const lineStart = starts[index] ?? 0;
    const lineEnd = (starts[index + 1] ?? 0) - 1;
    const phraseAt = firstShown(marked, lineStart, lineEnd, comments, inComment, isHiddenComment);
    // Most lines do not even start with the phrase's first character: no need to read on.
    if (phraseAt === -1 || !startsLike(marked.charCodeAt(phraseAt), firstChar)) continue;
    // A line of an HTML block goes on the shown line before it, unless the browser broke the line before it.
    // So does a tight item's paragraph right after an HTML block: cmark writes no `<p>` there (re-review 8j).
    if (kind === Html || paragraphRunsOn(lineStart + (code.contentAt[index] ?? 0))) {
      if (!startsShownLine(lineStart + (code.contentAt[index] ?? 0))) continue;
    }
    if (code.tableRow[index] === TableRow.Body && (afterClosedTable ??= sortedMember(rowsAfterClosedTable(marked, starts, code.tableRow, code.contentAt, spans)))(index)) continue;
    const shown = shownText(marked, phraseAt, lineEnd, comments, trimmedPhrase.length + 1, isHiddenComment);
    if (!trigger.test(shown.text)) continue;
    // What follows the phrase must follow it as shown: a comment cmark-gfm shows as text (`/agent<!-- x`, unclosed)
    // is no separator, as `/agent<x` is none (re-review 8f).
    if (!followedAsShown(marked, shown.ends[trimmedPhrase.length - 1] ?? phraseAt, opaqueComments)) continue;
    if (inSpan(phraseAt) || inHtml(phraseAt) || inHidden(phraseAt) || inRawHidden(phraseAt) || inRestHidden(phraseAt) || inQuoteHidden(phraseAt) || inHiddenLink(phraseAt)) continue;
    const after = shown.ends[trimmedPhrase.length - 1] ?? phraseAt;
    // Table cells past the header's count are not shown; a row's first cell never is one, so they start no request.
    const excessCells = findExcessCells(marked, starts, code.tableRow, code.contentAt);
    const prompt = promptText(marked, after, { kinds, starts, first: index + 1 }, [hiddenHtml, rawHidden, restHidden, quoteHidden, hiddenLinks, comments, fenceInfo, excessCells]);
    return toCommand(prompt.replaceAll(INVISIBLE_MARK, '').trim());
  }
  return null;
}

/**
 * Whether the phrase, whose last shown character ends at `after`, is
 * followed by what GitHub shows as a separator: the first character shown
 * after it is whitespace, or there is none. Comments GitHub hides as one
 * (`opaque`, sorted flat [start, end): findHtmlComments's) and invisible
 * characters are skipped, wherever they end: a comment that closes on a
 * later line of the paragraph is dropped with its line break
 * (`/agent<!--⏎-->y` reads "/agenty": re-review 8g). Any other `<!--` is
 * shown as text (`/agent<!-- x`, never closed), and so is the `<` of a
 * processing instruction, declaration or CDATA section to `shownText`,
 * which then finds no separator. Reads only what follows the phrase up to
 * its first shown character.
 */
function followedAsShown(text: string, after: number, opaque: ArrayLike<number>): boolean {
  for (let k = after; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c === 60 && text.startsWith('!--', k + 1)) {
      const at = firstEndingAfter(opaque, k);
      if (opaque[at] !== k) return false;
      k = (opaque[at + 1] ?? k + 1) - 1;
    } else if (c !== INVISIBLE_MARK_CODE) return WHITESPACE.test(text.charAt(k));
  }
  return true;
}

/** What the trigger's `(?=\s|$)` takes for a separator. */
const WHITESPACE = /\s/;

const INVISIBLE_MARK_CODE = INVISIBLE_MARK.charCodeAt(0);

/**
 * Whether the UTF-16 unit `code` may start the phrase whose first character,
 * lower-cased, is `firstChar`: `String.prototype.toLowerCase` decides, but an
 * ASCII unit is decided without a string per line (ASCII lower-cases to
 * ASCII, A–Z to a–z only).
 */
function startsLike(code: number, firstChar: string): boolean {
  if (code < 128) {
    const lower = code >= 65 && code <= 90 ? code + 32 : code;
    return firstChar.length === 1 && firstChar.charCodeAt(0) === lower;
  }
  return String.fromCharCode(code).toLowerCase() === firstChar;
}

/**
 * The offset of the first shown character of the line [from, to): after
 * spaces, tabs, invisible characters and comments that start on this line
 * and that GitHub hides (`isHidden(start)`, asked for increasing offsets;
 * one cmark-gfm shows as text is shown, from its `<`). -1 when the line
 * shows nothing, or when a comment from an earlier line runs into it: what
 * follows such a comment continues that earlier line (`a<!--⏎-->/agent`
 * reads "a/agent").
 */
function firstShown(text: string, from: number, to: number, comments: ArrayLike<number>, inComment: (offset: number) => boolean, isHidden: (start: number) => boolean): number {
  let k = from;
  while (k < to) {
    const code = text.charCodeAt(k);
    if (code === 32 || code === 9 || code === 0x200b) k++;
    else if (inComment(k)) {
      const end = commentEnd(comments, k);
      if (end.start < from) return -1;
      if (!isHidden(end.start)) return k;
      k = end.end;
    } else return k;
  }
  return -1;
}

/** The comment range holding `offset`. */
function commentEnd(comments: ArrayLike<number>, offset: number): { start: number; end: number } {
  const at = firstCommentEndingAfter(comments, offset);
  return { start: comments[at] ?? offset, end: comments[at + 1] ?? offset + 1 };
}

/**
 * The index (into the flat list) of the first comment that ends after
 * `offset`, or `comments.length`: a binary search, so a line's reading
 * starts at its own comments, not at the first of the text (a walk from the
 * start for every line beginning with `/` was quadratic: re-review 8b, P1).
 */
function firstCommentEndingAfter(comments: ArrayLike<number>, offset: number): number {
  let lo = 0;
  let hi = comments.length / 2;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((comments[mid * 2 + 1] ?? 0) <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo * 2;
}

/**
 * Up to `count` shown characters of [from, to) (invisible characters and
 * comments GitHub hides skipped: `isHidden(start)`, as for `firstShown`),
 * and for each the offset just after it. A comment cmark-gfm shows as text
 * (`/ag<!-- a -- b -->ent`) is read as text (re-review 8h).
 */
function shownText(text: string, from: number, to: number, comments: ArrayLike<number>, count: number, isHidden: (start: number) => boolean): { text: string; ends: number[] } {
  let shown = '';
  const ends: number[] = [];
  let c = firstCommentEndingAfter(comments, from);
  for (let k = from; k < to && ends.length < count; ) {
    while (c < comments.length && (comments[c + 1] ?? 0) <= k) c += 2;
    const start = comments[c] ?? Infinity;
    // Asked once per comment: at its start (a comment shown as text is read on from there).
    if (start === k && isHidden(start)) {
      k = comments[c + 1] ?? to;
      continue;
    }
    const ch = text.charAt(k);
    k++;
    if (ch === INVISIBLE_MARK) continue;
    shown += ch;
    ends.push(k);
  }
  return { text: shown, ends };
}

/**
 * From the lines' kinds and HTML block types, in one pass over the lines:
 * - `codeStarts`: the offsets where code blocks start (the first line of
 *   each run of code lines), in order;
 * - `htmlLines`: the lines of HTML blocks (CommonMark §4.6), quoted ones
 *   included, as sorted flat [start, end) offsets, consecutive lines as one
 *   range;
 * - `htmlRaw`: their raw HTML, each line from its content (a quote's `>`
 *   marker is not raw HTML) to just past its newline, which the browser
 *   reads too, consecutive parts as one range;
 * - `junctions`: where cmark-gfm writes tags of its own between one HTML
 *   block line and the next (raw-html.ts `findRawHtmlHidden`), as flat
 *   (offset just past the line, `Junction`, offset where the first block
 *   that writes tags starts its content or -1) triples in order: a Markdown
 *   block between them (not a link reference or footnote definition, which
 *   writes nothing in place: re-review 8j),
 *   or a container opened or closed (`<blockquote>`, `</li>`, …), which
 *   comes first when both do. The
 *   browser reads those tags too, so an open tag or bogus comment ends at
 *   their first `>`, and a block quote whose end tag is swallowed stays open
 *   (issue 8, fix 8h);
 * - `runOn`: the offsets where raw parts start whose line comes right after
 *   a paragraph's line in the same containers, the HTML block interrupting
 *   it: in a tight list item cmark writes no `</p>`, so the paragraph's text and the block's
 *   run on one shown line (`- a⏎  <tr>⏎  /agent x` shows "a /agent x");
 * - `tables`: the offsets of the junctions whose Markdown holds a GFM table
 *   (its `<table>` closes a raw one left open);
 * - `paragraphsRunOn`: where the first lines of text start of the
 *   paragraphs that go on the shown line of the HTML block before them
 *   (block-structure.ts `runOnParagraph`: a tight list item writes no
 *   `<p>`), at a `Junction.RunOn`, in order: such a line starts a request
 *   only where raw-html.ts finds a line start (re-review 8j).
 * `code` is `findCode`'s (`starts` has one more entry than lines).
 */
export function blockRanges(code: Pick<CodeRanges, 'kinds' | 'starts' | 'htmlBlock' | 'contentAt' | 'leaf' | 'containerEpoch' | 'tableRow' | 'runOnParagraph'>): {
  codeStarts: Int32Array;
  htmlLines: Int32Array;
  htmlRaw: Int32Array;
  junctions: Int32Array;
  runOn: Int32Array;
  tables: Int32Array;
  paragraphsRunOn: Int32Array;
} {
  const { kinds, starts, htmlBlock, contentAt, leaf, containerEpoch, tableRow, runOnParagraph } = code;
  // Typed lists: one entry per line or block at most, hundreds of thousands in a megabyte (perf8a).
  const paragraphsRunOn = new OffsetList();
  const codeStarts = new OffsetList();
  const htmlLines = new RangeList();
  const htmlRaw = new RangeList();
  const junctions = new OffsetList();
  const runOn = new OffsetList();
  const tables = new OffsetList();
  // Whether a GFM table row has come since the last HTML block line.
  let table = false;
  const { Code, Definition, Quote, Prose } = Kind;
  // The last HTML block line, and the first line after it of a block that writes tags (-1: none yet).
  let last = -1;
  let written = -1;
  // Whether tags come between the last HTML block line and line `next` (-1: the end); if so, it is listed.
  const junction = (next: number): boolean => {
    if (last === -1) return false;
    const epoch = containerEpoch[last];
    const containers = (written !== -1 && containerEpoch[written] !== epoch) || (written === -1 && next !== -1 && containerEpoch[next] !== epoch);
    if (written === -1 && !containers) return false;
    const first = written === -1 ? -1 : (starts[written] ?? 0) + (contentAt[written] ?? 0);
    // A tight item's paragraph right after the block, past any definitions at its start: no tag between.
    const runOn = !containers && written !== -1 && runOnParagraph[last + 1] === 1 && kinds[written] === Prose && leaf[written] === Leaf.Paragraph && !blankBetween(leaf, last + 1, written);
    if (runOn && kinds[last] !== Quote) paragraphsRunOn.push(first);
    junctions.push(starts[last + 1] ?? 0);
    junctions.push(kinds[last] === Quote ? Junction.Quote : containers ? Junction.Containers : runOn ? Junction.RunOn : Junction.Block);
    junctions.push(first);
    if (table) tables.push(starts[last + 1] ?? 0);
    return true;
  };
  for (let i = 0; i < kinds.length; i++) {
    const offset = starts[i] ?? 0;
    if (kinds[i] === Code && kinds[i - 1] !== Code) codeStarts.push(offset);
    if (htmlBlock[i] === 0) {
      if (written === -1 && leaf[i] !== Leaf.Blank && kinds[i] !== Definition) written = i;
      if (tableRow[i] !== 0) table = true;
      continue;
    }
    const split = junction(i);
    last = i;
    written = -1;
    table = false;
    const end = (starts[i + 1] ?? 0) - 1;
    htmlLines.pushOrJoin(offset, end, offset - 1);
    const from = offset + (contentAt[i] ?? 0);
    if (i > 0 && leaf[i - 1] === Leaf.Paragraph && htmlBlock[i - 1] === 0 && containerEpoch[i - 1] === containerEpoch[i]) runOn.push(from);
    // Raw parts with tags between stay apart, so the junction ends one (`- <!A⏎<b>`: `</li></ul>` between).
    if (split) htmlRaw.push(from, end + 1);
    else htmlRaw.pushOrJoin(from, end + 1, from);
  }
  junction(-1);
  return {
    codeStarts: codeStarts.toArray(),
    htmlLines: htmlLines.toArray(),
    htmlRaw: htmlRaw.toArray(),
    junctions: junctions.toArray(),
    runOn: runOn.toArray(),
    tables: tables.toArray(),
    paragraphsRunOn: paragraphsRunOn.toArray(),
  };
}

/** Whether a blank line is among lines [from, to): between definitions and the paragraph text after them, none is. */
function blankBetween(leaf: Uint8Array, from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (leaf[k] === Leaf.Blank) return true;
  return false;
}

/**
 * The prompt: `text` from `start` to the end, without what is context at
 * most (quoted lines: someone else's words) or never shown (link reference
 * definitions, the `hidden` lists of HTML and link ranges), from line
 * `first` on (`starts`: `findCode`'s line offsets). Linear: each list is
 * sorted already, so they are merged in place (a handful of lists; a sort
 * of one cut per tag cost more than the parse: re-review 8d), and the text
 * is sliced once.
 */
function promptText(text: string, start: number, after: { kinds: Uint8Array; starts: Int32Array; first: number }, hidden: readonly ArrayLike<number>[]): string {
  const lines = new RangeList();
  const { kinds, starts } = after;
  for (let k = after.first; k < kinds.length; k++) {
    const kind = kinds[k];
    if (kind === Kind.Quote || kind === Kind.Definition) lines.pushOrJoin(starts[k] ?? 0, Math.min(text.length, starts[k + 1] ?? 0), starts[k] ?? 0);
  }
  const lists = [lines.toArray(), ...hidden];
  // Where each list is read from: its first range that ends after `start`.
  const at = lists.map((ranges) => firstEndingAfter(ranges, start));
  const parts: string[] = [];
  let pos = start;
  for (;;) {
    // The list whose next range starts first.
    let best = -1;
    let bestStart = Infinity;
    for (let l = 0; l < lists.length; l++) {
      const ranges = lists[l] as ArrayLike<number>;
      const r = at[l] ?? 0;
      if (r < ranges.length && (ranges[r] ?? Infinity) < bestStart) {
        best = l;
        bestStart = ranges[r] ?? Infinity;
      }
    }
    if (best === -1) break;
    const r = at[best] ?? 0;
    const to = (lists[best] as ArrayLike<number>)[r + 1] ?? 0;
    at[best] = r + 2;
    if (bestStart > pos) parts.push(text.slice(pos, bestStart));
    pos = Math.max(pos, to);
  }
  parts.push(text.slice(pos));
  return parts.join('');
}

/** The index (into the flat sorted list) of the first range that ends after `offset`, or `ranges.length`: a binary search. */
function firstEndingAfter(ranges: ArrayLike<number>, offset: number): number {
  let lo = 0;
  let hi = ranges.length / 2;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((ranges[mid * 2 + 1] ?? 0) <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo * 2;
}

/**
 * Whether `text` may hold `phrase`, ignoring case: a test linear in the text
 * that rules out most comments before any Markdown is read. Invisible
 * characters are skipped, and a text holding an HTML comment always passes
 * (which comments hide depends on its code), so the answer never differs
 * from `parseAgentCommand` on "no".
 */
export function mentionsPhrase(text: string, phrase: string = DEFAULT_TRIGGER_PHRASE): boolean {
  const needle = phrase.trim().toLowerCase();
  if (needle === '') return false;
  // A "yes" is always safe (the parser decides), so a phrase already in the text as written needs no pass over the
  // whole text to mark invisible characters: that pass is left for the texts that may hide the phrase with them.
  // The phrase as written (lower-case, as most triggers are) is found without lower-casing a copy of the text: a
  // lower-case needle in the text stays in the text lower-cased, so the answer is the same.
  if (text.includes(needle) || text.includes('<!--') || text.toLowerCase().includes(needle)) return true;
  return markInvisible(text).replaceAll(INVISIBLE_MARK, '').toLowerCase().includes(needle);
}

/**
 * `stop` and `cancel` count only when they are the whole request:
 * "/agent stop using var here" is an instruction about code, not a stop.
 */
function toCommand(request: string): AgentCommand {
  const word = /^(\S+)(?:\s+|$)/.exec(request);
  const first = word?.[1]?.toLowerCase();
  if (first === 'new') return { kind: 'new', prompt: request.slice(word?.[0].length ?? 0).trim() };
  if (/^(?:stop|cancel)[.!]*$/i.test(request)) return { kind: 'stop' };
  return { kind: 'prompt', prompt: request };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
