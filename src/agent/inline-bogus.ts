/**
 * Tags left open by the rest of an inline processing instruction or CDATA
 * section (re-review 8e). cmark-gfm 0.29 passes `<?…?>` and
 * `<![CDATA[…]]>` in a paragraph or heading on whole, as raw HTML; the
 * browser (and GitHub's HTML5 sanitiser) reads each as a bogus comment
 * that ends at the FIRST `>` (WHATWG HTML §13.2.5.41, §13.2.5.42; CDATA is
 * one only in SVG and MathML) and reads the rest, up to cmark's `?>` or
 * `]]>`, as raw HTML. A tag there whose quoted attribute value is still
 * open where cmark's span ends runs on through everything cmark writes
 * after it, up to a raw quote of the same kind (`a <?><b title="?>⏎/agent y`
 * shows only "a"; with no such quote later the browser drops the tag and
 * the rest of the page). A raw-text element opened there (`<script>`,
 * `<style>`, …: html-elements.ts `RAW_TEXT_ELEMENTS`) hides the rest of the
 * page too (re-review 8f: `a <?><script>?>⏎/agent y` shows only "a"): its
 * end tag would have to reach the browser as raw HTML, which cmark-gfm's
 * tag filter escapes, so it is not looked for (but `</noscript>`, which
 * the filter lets through: not looking for it errs towards hiding). Comments opened in that rest are comment-hidden.ts's.
 */
import { isLetter, isSpace } from './html-blocks.js';
import { quoteKeepingElement, RAW_TEXT_ELEMENTS } from './html-elements.js';
import { InlineHtml, isEscaped } from './inline-html.js';
import { nextOccurrence } from './markdown.js';
import { rangeWalker } from './range-list.js';

/** The tokenizer's states in the rest (WHATWG HTML §13.2.5), those that decide where a tag or bogus comment ends. */
const enum State {
  Data,
  Bogus,
  Name,
  BeforeAttributeName,
  AttributeName,
  AfterAttributeName,
  BeforeAttributeValue,
  UnquotedValue,
  Quoted,
  Comment,
}

/**
 * [start, end of text) from the first processing instruction or CDATA
 * section in inline content (sorted flat [start, end) `inline` ranges)
 * whose rest leaves a quoted attribute value open, as a flat list (empty
 * when none does): the browser hides the rest of the page from there, or
 * up to a raw quote cmark writes itself, which is not looked for (hiding
 * more errs towards no request). The `<?` and `<!` are read left to
 * right once with cmark-gfm's inline grammar (inline-html.ts), outside
 * `code` and escapes (`unescapedLt`: findCode's `<` that a backslash before
 * them does not escape), and each rest is read once: linear in the text.
 * `startTags`, when given, receives the start tags of html-elements.ts
 * `QUOTE_KEEPING_ELEMENTS` opened in the rests (`> a <?><table>?>` keeps the
 * quote open), as flat (offset of `<`, element index + 1) pairs in order;
 * their end tags there are not looked for, which errs towards hiding.
 */
export function findOpenTagsInBogusRest(text: string, code: ArrayLike<number>, inline: ArrayLike<number>, unescapedLt: Iterable<number>, startTags?: number[]): number[] {
  // Built on the first escaped `<?` or `<!`: a text of `www.\<` holds one `<` per link that no backslash escapes.
  let unescaped: Set<number> | undefined;
  const html = new InlineHtml(text);
  const inCode = rangeWalker(code);
  // Remembered: the rests are read in order, so each `-->` is searched for once.
  const nextClose = nextOccurrence(text, '-->');
  let r = 0;
  // Where the search for the next `<` goes on: after this one, or after the raw HTML it starts.
  let from: number;
  for (let lt = text.indexOf('<'); lt !== -1; lt = text.indexOf('<', from)) {
    from = lt + 1;
    // Only `<?` and `<!` (comments, declarations, CDATA) are read with the grammar: reading every tag cost a
    // quarter of the parse of a megabyte of `<a⏎`. A `<?` inside a tag's quoted value is then taken for an
    // instruction, which can only hide more.
    const next = text.charCodeAt(lt + 1);
    if (next !== 63 && next !== 33) continue;
    while (r < inline.length && (inline[r + 1] ?? 0) <= lt) r += 2;
    if ((inline[r] ?? Infinity) > lt || inCode(lt) || (isEscaped(text, lt) && !(unescaped ??= new Set(unescapedLt)).has(lt))) continue;
    const end = html.endAt(lt, inline[r + 1] ?? 0);
    if (end === -1) continue;
    from = end;
    const cdata = text.startsWith('![CDATA[', lt + 1);
    if (text.charCodeAt(lt + 1) !== 63 && !cdata) continue;
    // The span ends with `>`, so its first `>` is inside it.
    const rest = text.indexOf('>', lt + (cdata ? 9 : 2)) + 1;
    if (hidesOnward(text, rest, end, nextClose, startTags)) return [lt, text.length];
  }
  return [];
}

/**
 * Whether the browser, reading `text[from, to)` from its data state, ends
 * inside a quoted attribute value or opens a raw-text element there; not
 * when a comment opened there runs on. Start tags of
 * `QUOTE_KEEPING_ELEMENTS` read there go to `startTags`.
 */
function hidesOnward(text: string, from: number, to: number, nextClose: (from: number) => number, startTags?: number[]): boolean {
  let state = State.Data;
  let quote = 0;
  for (let k = from; k < to; k++) {
    const c = text.charCodeAt(k);
    switch (state) {
      case State.Data:
        if (c !== 60) break;
        if (text.startsWith('!--', k + 1)) {
          // `<!-->` and `<!--->` end at once; any other comment runs to `-->` (past `to`: comment-hidden.ts's).
          const close = text.startsWith('>', k + 4) ? k + 4 : text.startsWith('->', k + 4) ? k + 5 : nextClose(k + 4) + 2;
          if (close < k || close >= to) return false;
          k = close;
        } else if (isLetter(text.charCodeAt(k + 1))) {
          const name = startTagName(text, k + 1, to);
          if (RAW_TEXT_ELEMENTS.has(name)) return true;
          const element = startTags === undefined ? -1 : quoteKeepingElement(name);
          if (element !== -1) startTags?.push(k, element + 1);
          state = State.Name;
        } else if (text.charCodeAt(k + 1) === 47 && isLetter(text.charCodeAt(k + 2))) state = State.Name;
        else if ((text.charCodeAt(k + 1) === 33 || text.charCodeAt(k + 1) === 63 || text.charCodeAt(k + 1) === 47)) state = State.Bogus;
        break;
      case State.Bogus:
        if (c === 62) state = State.Data;
        break;
      case State.Quoted:
        if (c === quote) state = State.BeforeAttributeName;
        break;
      default:
        state = tagStep(state, c);
        if (state === State.Quoted) quote = c;
    }
  }
  return state === State.Quoted;
}

/**
 * The name, lower-cased, of the start tag whose name starts at `from`: it
 * ends before `to` at whitespace, `/` or `>` (WHATWG HTML §13.2.5.8). Empty
 * when it runs to `to` or past the longest name listed in html-elements.ts
 * (fourteen characters), which names none of them. The name's characters
 * are read again by the caller's tag states, so each is read twice at most.
 */
function startTagName(text: string, from: number, to: number): string {
  let k = from;
  while (k < to && k - from <= 14 && !isSpace(text.charCodeAt(k)) && text.charCodeAt(k) !== 47 && text.charCodeAt(k) !== 62) k++;
  if (k >= to || k - from > 14) return '';
  return text.slice(from, k).toLowerCase();
}

/** One character of a tag, outside quoted values. */
function tagStep(state: State, c: number): State {
  const space = isSpace(c);
  if (c === 62 && state !== State.Quoted) return State.Data;
  switch (state) {
    case State.BeforeAttributeValue:
      if (c === 34 || c === 39) return State.Quoted;
      return space ? state : State.UnquotedValue;
    case State.UnquotedValue:
      return space ? State.BeforeAttributeName : state;
    case State.AttributeName:
    case State.AfterAttributeName:
      if (c === 61) return State.BeforeAttributeValue;
      if (space) return State.AfterAttributeName;
      return c === 47 ? State.BeforeAttributeName : State.AttributeName;
    default:
      // The name, the space before an attribute's name, after a quoted value or a `/`: any other character
      // starts a name, `=` included (unexpected-equals-sign-before-attribute-name).
      if (space || c === 47) return State.BeforeAttributeName;
      return state === State.Name ? state : State.AttributeName;
  }
}
