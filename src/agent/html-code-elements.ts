/**
 * Where `<pre>` and `<code>` elements written as HTML are, as the browser
 * builds them (WHATWG HTML §13.2.5 tokenizer, §13.2.6 tree construction),
 * so a request inside one, shown as code, does not start the agent
 * (re-review 8b, F5).
 *
 * Where the browser's reading is costly to follow exactly, the element is
 * taken to run on: text wrongly taken for code is a missed request, text
 * wrongly taken for prose may be a false one. So:
 * - only an end tag the browser surely sees ends an element: `</code>` or
 *   `</pre>` with nothing but spaces before its `>`, not escaped (`\</code>`
 *   is text), not inside a code span, a comment, a bogus comment or another
 *   tag (`<a title="</pre>">`, `<br</pre>`: one tag named `br<`);
 * - elements nest: two `<code>` need two `</code>`, and a `<pre>` opened
 *   inside a `<code>` outlives it;
 * - `</pre>` does not end a `<code>` opened inside it: the browser reopens
 *   that formatting element in the next paragraph;
 * - one never closed runs to the end of the text;
 * - an end tag in a GFM table cell or a footnote definition closes only
 *   elements opened there: the browser ignores `</code>` in a cell when the
 *   `<code>` is outside the table (the cell bounds the scope, WHATWG HTML
 *   §13.2.4.2), and cmark-gfm moves a footnote definition to the end of the
 *   document, or drops it when nothing refers to it. The `<code>` left open
 *   is then reopened in every later paragraph ("reconstruct the active
 *   formatting elements", §13.2.4.3), so what follows is shown as code
 *   (`<code>a⏎[^f]: </code>⏎⏎/agent x`; fix8u).
 *
 * `<tt>` is read as `<code>` is, each closed by its own end tag: a
 * formatting element to the tree builder too, and GitHub's stylesheet
 * shows both alike, in monospace.
 *
 * What the browser reads as a tag depends on where the `<` is. In a
 * paragraph or heading cmark-gfm passes on only the raw HTML its inline
 * grammar accepts (inline-html.ts) and escapes every other `<`: that one is
 * text to the browser, so a `<code>` right after it is a real tag
 * (`<b<code>` is `&lt;b` and an element; `<b c="d" <code>` too). Elsewhere
 * (HTML blocks) the text reaches the browser as written, and the tag is read
 * with the tokenizer's states (§13.2.5.8–.40): a tag name runs to
 * whitespace, `/` or `>`, and an `=` where an attribute's name would start
 * is part of that name (`<b="x>` and `<b ="x>` end at that `>`).
 */
import { asciiNameAt, isLetter, isSpace } from './html-blocks.js';
import { InlineHtml, isEscaped } from './inline-html.js';
import { rangeWalker } from './range-list.js';

/** `<pre`, `<code` or `<tt` followed by whitespace, `/` or `>`: the start of an element GitHub shows as code. */
const HTML_CODE_OPEN = /<(pre|code|tt)(?=[\s/>])/gi;


/**
 * `<pre>…</pre>` and `<code>…</code>` elements outside the code in `spans`
 * (sorted flat [start, end) offsets of code blocks and spans), as sorted
 * flat [start, end) offsets. `inline` (sorted flat [start, end) offsets) is
 * the inline content of paragraphs and headings, where a `<` is a tag only
 * if cmark-gfm's inline grammar takes it. `bounded` (sorted flat [start,
 * end) offsets: table cells and footnote definitions) is where an end tag
 * closes only what was opened in the same range. Linear: the search for the next
 * element starts where the last one ended, each element's tags are read
 * once, and the inline reader is asked for increasing offsets.
 */
export function htmlCodeElements(text: string, spans: ArrayLike<number>, inline: ArrayLike<number> = [], bounded: ArrayLike<number> = []): number[] {
  const ranges: number[] = [];
  const inSpan = rangeWalker(spans);
  const reader = new TagReader(text, inline, bounded);
  const open = new RegExp(HTML_CODE_OPEN.source, HTML_CODE_OPEN.flags);
  for (let m = open.exec(text); m !== null; m = open.exec(text)) {
    if (inSpan(m.index)) continue;
    const end = elementEnd(text, m.index, inSpan, reader);
    ranges.push(m.index, end);
    if (end >= text.length) break;
    open.lastIndex = end;
  }
  return ranges;
}

/** Per element name, how many are open. */
interface Open {
  code: number;
  pre: number;
  tt: number;
}

/**
 * The end (just past the `>` of the last end tag) of the elements opened
 * by the tag at `lt`, or the text's length. Reads the tags from `lt` on as
 * the tokenizer does: comments to `-->`, bogus comments (`<!…`, `<?…`) to
 * `>`, tags to the `>` outside quoted values.
 */
function elementEnd(text: string, lt: number, inSpan: (offset: number) => boolean, reader: TagReader): number {
  const open: Open = { code: 0, pre: 0, tt: 0 };
  // How many were open where the bounded range holding the tag began: its end tags close no more than that.
  const floor: Open = { code: 0, pre: 0, tt: 0 };
  let region = -1;
  for (let at = lt; at !== -1; at = text.indexOf('<', at)) {
    if (at !== lt && inSpan(at)) {
      at++;
      continue;
    }
    const here = reader.boundedStart(at);
    if (here !== region) {
      region = here;
      floor.code = here === -1 ? 0 : open.code;
      floor.pre = here === -1 ? 0 : open.pre;
      floor.tt = here === -1 ? 0 : open.tt;
    }
    const next = text.charCodeAt(at + 1);
    let end: number;
    // The opener itself is read as the tokenizer would: were it text, the element it would open is extra hiding.
    const blockEnd = at === lt ? -1 : reader.inlineEnd(at);
    if (blockEnd !== -1) {
      // Inline content: raw HTML if cmark-gfm takes it (then the browser reads the same extent), else a `<` it
      // escapes, text to the browser.
      end = isEscaped(text, at) ? -1 : reader.html.endAt(at, blockEnd);
      if (end === -1) end = at + 1;
      else if (isLetter(next) || next === 47) count(text, at, end, open, floor);
      if (open.code === 0 && open.pre === 0 && open.tt === 0) return end;
    } else if (next === 33 && text.startsWith('--', at + 2)) {
      const close = text.indexOf('-->', at + 4);
      end = close === -1 ? -1 : close + 3;
    } else if (next === 33 || next === 63 || (next === 47 && !isLetter(text.charCodeAt(at + 2)))) {
      const gt = text.indexOf('>', at + 2);
      end = gt === -1 ? -1 : gt + 1;
    } else if (isLetter(next) || next === 47) {
      end = tagEnd(text, at);
      if (end !== -1) count(text, at, end, open, floor);
      if (end !== -1 && open.code === 0 && open.pre === 0 && open.tt === 0) return end;
    } else end = at + 1;
    if (end === -1) break;
    at = end;
  }
  return text.length;
}

/**
 * Counts the tag `text[at, end)` if it opens or surely closes a `<pre>` or
 * `<code>` (or `<tt>`); an end tag closes only one counted above `floor`.
 */
function count(text: string, at: number, end: number, open: Open, floor: Open): void {
  const closing = text.charCodeAt(at + 1) === 47;
  const nameAt = closing ? at + 2 : at + 1;
  const name = nameIs(text, nameAt, 'code') ? 'code' : nameIs(text, nameAt, 'pre') ? 'pre' : nameIs(text, nameAt, 'tt') ? 'tt' : '';
  if (name === '') return;
  if (!closing) {
    open[name]++;
    return;
  }
  let k = nameAt + name.length;
  while (isSpace(text.charCodeAt(k))) k++;
  if (k === end - 1 && !isEscaped(text, at) && open[name] > floor[name]) open[name]--;
}

/** Whether the tag name at `at` is `name` (lower-case ASCII letters), ignoring ASCII case, and ends there. */
function nameIs(text: string, at: number, name: string): boolean {
  if (!asciiNameAt(text, at, name)) return false;
  const after = text.charCodeAt(at + name.length);
  return isSpace(after) || after === 47 || after === 62;
}

/**
 * Where the inline content of paragraphs and headings is, and cmark-gfm's
 * reading of raw HTML in it; where the bounded ranges (cells, footnote
 * definitions) are.
 */
class TagReader {
  readonly html: InlineHtml;
  private r = 0;
  private b = 0;

  constructor(
    text: string,
    private readonly inline: ArrayLike<number>,
    private readonly bounded: ArrayLike<number>,
  ) {
    this.html = new InlineHtml(text);
  }

  /** The start of the bounded range holding `at`, or -1 when none does. Ask for non-decreasing offsets. */
  boundedStart(at: number): number {
    const bounded = this.bounded;
    while (this.b < bounded.length && (bounded[this.b + 1] ?? 0) <= at) this.b += 2;
    return this.b < bounded.length && (bounded[this.b] ?? Infinity) <= at ? (bounded[this.b] ?? 0) : -1;
  }

  /** The end of the inline content holding `at`, or -1 when `at` is outside it. Ask for non-decreasing offsets. */
  inlineEnd(at: number): number {
    const inline = this.inline;
    while (this.r < inline.length && (inline[this.r + 1] ?? 0) <= at) this.r += 2;
    return this.r < inline.length && (inline[this.r] ?? Infinity) <= at ? (inline[this.r + 1] ?? 0) : -1;
  }
}

/** The tokenizer's states inside a tag (WHATWG HTML §13.2.5), those that decide where it ends. */
const enum Tag {
  Name,
  BeforeAttributeName,
  AttributeName,
  AfterAttributeName,
  BeforeAttributeValue,
  UnquotedValue,
  AfterQuotedValue,
  SelfClosing,
}

/**
 * The end (just past `>`) of the tag at `at`, read as the tokenizer does:
 * the name runs to whitespace, `/` or `>` (`<` and `=` included, so
 * `<br</pre>` is one tag and `<b="x>` ends at its `>`); an attribute's name
 * may start with `=`; a value opened by `"` or `'` after a name's `=` runs
 * to the same quote. -1 when it never ends.
 */
export function tagEnd(text: string, at: number): number {
  let state = Tag.Name;
  for (let k = at + 1; k < text.length; k++) {
    const c = text.charCodeAt(k);
    const space = isSpace(c);
    switch (state) {
      case Tag.Name:
        if (space) state = Tag.BeforeAttributeName;
        else if (c === 47) state = Tag.SelfClosing;
        else if (c === 62) return k + 1;
        break;
      case Tag.BeforeAttributeName:
      case Tag.AfterQuotedValue:
      case Tag.SelfClosing:
        if (c === 62) return k + 1;
        if (space) state = Tag.BeforeAttributeName;
        else if (c === 47) state = Tag.SelfClosing;
        // Any other character starts a name, `=` included (unexpected-equals-sign-before-attribute-name).
        else state = Tag.AttributeName;
        break;
      case Tag.AttributeName:
      case Tag.AfterAttributeName:
        if (c === 62) return k + 1;
        if (space) state = Tag.AfterAttributeName;
        else if (c === 47) state = Tag.SelfClosing;
        else if (c === 61) state = Tag.BeforeAttributeValue;
        else state = Tag.AttributeName;
        break;
      case Tag.BeforeAttributeValue:
        if (c === 62) return k + 1;
        if (c === 34 || c === 39) {
          const close = text.indexOf(c === 34 ? '"' : "'", k + 1);
          if (close === -1) return -1;
          k = close;
          state = Tag.AfterQuotedValue;
        } else if (!space) state = Tag.UnquotedValue;
        break;
      case Tag.UnquotedValue:
        if (c === 62) return k + 1;
        if (space) state = Tag.BeforeAttributeName;
        break;
    }
  }
  return -1;
}
