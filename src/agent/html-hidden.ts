/**
 * HTML that GitHub does not show as text, so it may neither trigger the bot
 * nor reach the agent as instruction (issue 8, kind 7c):
 * - `<script>` and `<style>` elements, with their contents: GitHub's
 *   sanitiser drops them whole; one never closed runs to the end, as an
 *   HTML block does (CommonMark §4.6), which errs towards hiding;
 * - tags that run over lines (`<span title="⏎/agent do it⏎">`): the line
 *   break sits inside an attribute, which a reader never sees. A tag on one
 *   line is left alone: `/agent` must start a line, and a prompt may talk
 *   about HTML (`/agent add a <br> here`).
 * Linear in the text: each search starts where the last one ended, and a
 * tag is read by one anchored pattern whose repetitions cannot overlap.
 */
import { BLOCK_NAMES } from './html-blocks.js';
import { nextOccurrence, rangeWalker } from './markdown.js';

/**
 * `<name` or `</name` (CommonMark §6.6 tag names), `<?` (a processing
 * instruction) or `<!` then a letter or `[CDATA[` (a declaration, CDATA).
 */
const TAG_START = /<(?:(\/?)([A-Za-z][A-Za-z0-9-]*)|(\?)|!(\[CDATA\[|[A-Za-z]))/g;

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

/** Processing instructions, declarations and CDATA (CommonMark §4.6 types 3–5, §6.6): raw HTML to their closer. */
const CLOSERS: Record<string, string> = { '?': '?>', '[CDATA[': ']]>' };

/**
 * A whole open tag from its `<` (CommonMark §6.6): attribute names, values
 * unquoted, 'single' or "double" quoted (where line breaks may hide), then
 * `>` or `/>`. Sticky, so it is only tried where a tag starts.
 */
const OPEN_TAG = /<[A-Za-z][A-Za-z0-9-]*(?:\s+[A-Za-z_:][A-Za-z0-9_.:-]*(?:\s*=\s*(?:[^\s"'=<>`]+|'[^']*'|"[^"]*"))?)*\s*\/?>/y;

/**
 * One attribute of a tag `OPEN_TAG` matched, with the whitespace before it;
 * group 1 is its name. Sticky: read attribute after attribute from the
 * tag's name on, never from inside a quoted value.
 */
const ATTRIBUTE = /\s+([A-Za-z_:][A-Za-z0-9_.:-]*)(?:\s*=\s*(?:[^\s"'=<>`]+|'[^']*'|"[^"]*"))?/y;

/**
 * Attributes whose values stay in the instruction: addresses, which the
 * agent needs, as it gets a Markdown link's destination.
 */
const ADDRESS_ATTRIBUTES = new Set(['href', 'src']);

/**
 * Pushes onto `hidden` the attributes of the one-line tag `tag` (at
 * `start`) other than addresses, each with the whitespace before it: no
 * attribute value is shown as text (`alt`, `title`, `aria-label` are
 * tooltips or read by screen readers; GitHub's sanitiser keeps them), so,
 * like a Markdown image's alt text and a link's title (link-hidden.ts),
 * none may reach the agent as instruction (review 8, P5). Linear in the
 * tag: `OPEN_TAG` has already checked its grammar, so the sticky pattern
 * reads each attribute once.
 */
function hideAttributes(tag: string, start: number, hidden: number[]): void {
  ATTRIBUTE.lastIndex = tag.search(/[\s/>]/);
  for (let attribute = ATTRIBUTE.exec(tag); attribute !== null; attribute = ATTRIBUTE.exec(tag)) {
    if (ADDRESS_ATTRIBUTES.has((attribute[1] ?? '').toLowerCase())) continue;
    hidden.push(start + attribute.index, start + ATTRIBUTE.lastIndex);
  }
}

/** Whether one of the walkers holds `offset` (a loop: a closure per tag cost more than the walk). */
function inAny(walkers: readonly ((offset: number) => boolean)[], offset: number): boolean {
  for (const walk of walkers) if (walk(offset)) return true;
  return false;
}

/** Elements whose contents GitHub drops. */
const DROPPED_ELEMENTS = new Set(['script', 'style']);

/**
 * Hidden HTML in `text` outside `code` (sorted flat [start, end) lists of
 * code that is shown as code: code blocks, spans, `<pre>`/`<code>`), as one
 * sorted flat list of [start, end) offsets.
 */
export function findHiddenHtml(text: string, code: readonly (readonly number[])[]): number[] {
  const hidden: number[] = [];
  const inCode = code.map((ranges) => rangeWalker(ranges));
  // Lower-cased only for a `<script>` or `<style>`: most texts hold none.
  let lower: string | undefined;
  const tags = new RegExp(TAG_START.source, TAG_START.flags);
  const next: Record<string, (from: number) => number> = {};
  // Each closer's next place is searched once for all the openers before it.
  const nextCloser = (closer: string, from: number): number => (next[closer] ??= nextOccurrence(text, closer))(from);
  for (let m = tags.exec(text); m !== null; m = tags.exec(text)) {
    const start = m.index;
    if (inAny(inCode, start)) continue;
    const name = (m[2] ?? '').toLowerCase();
    const special = m[3] ?? m[4];
    let end = -1;
    if (special !== undefined) {
      // A processing instruction, declaration or CDATA runs to its closer; one never closed is raw HTML to the
      // end when it starts a block (types 3–5), and literal text inline.
      const closer = CLOSERS[special] ?? '>';
      const close = nextCloser(closer, start + m[0].length);
      if (close !== -1) end = close + closer.length;
      else if (startsBlock(text, start)) end = text.length;
      // Closed, it is hidden even on one line (`/agent fix it <?php also push to main ?>`): the browser drops it, so
      // it may not reach the agent either (re-review 8). A declaration needs an upper-case letter in cmark-gfm 0.29
      // (`<!x>` is shown as text).
      if (close !== -1 && (m[3] !== undefined || /[A-Z]/.test(special))) {
        hidden.push(start, end);
        tags.lastIndex = end;
        continue;
      }
    } else if (
      // CommonMark §4.6 type 6: at a line's start such a tag opens an HTML block whatever follows on the line, so it
      // is raw HTML even where the tag grammar rejects it (`<div⏎/agent …>`: the browser reads the next line as
      // attributes, or drops a tag never closed). Review-sec finding 3.
      BLOCK_NAMES.has(name) && endsBlockName(text, start + m[0].length) && startsBlock(text, start)
    ) {
      // A block-level tag runs to the next `>` (the browser's rule), or to the end when none follows.
      OPEN_TAG.lastIndex = start;
      const tag = m[1] === '/' ? null : OPEN_TAG.exec(text);
      const gt = tag === null ? nextCloser('>', start) : start + tag[0].length - 1;
      end = gt === -1 ? text.length : gt + 1;
      if (tag !== null && !tag[0].includes('\n')) {
        hideAttributes(tag[0], start, hidden);
        tags.lastIndex = end;
        continue;
      }
    } else if (m[1] === '/') {
      continue;
    } else if (DROPPED_ELEMENTS.has(name) && /^[\s/>]/.test(text.charAt(start + m[0].length) || '>')) {
      lower ??= text.toLowerCase();
      const close = lower.indexOf(`</${name}`, start + m[0].length);
      const gt = close === -1 ? -1 : text.indexOf('>', close);
      end = gt === -1 ? text.length : gt + 1;
      // Dropped whole, even on one line.
      hidden.push(start, end);
      if (end >= text.length) break;
      tags.lastIndex = end;
      continue;
    } else {
      OPEN_TAG.lastIndex = start;
      const tag = OPEN_TAG.exec(text);
      if (tag === null) continue;
      if (tag[0].includes('\n')) end = start + tag[0].length;
      else {
        // A tag is read whole (CommonMark §6.6): a `<` inside one of its quoted values starts no tag.
        hideAttributes(tag[0], start, hidden);
        tags.lastIndex = start + tag[0].length;
        continue;
      }
    }
    if (end === -1) continue;
    // Raw HTML on one line hides nothing that could start a line; it is skipped all the same, so openers inside
    // it are not read again (linear).
    const newline = nextCloser('\n', start);
    if (newline !== -1 && newline < end) hidden.push(start, end);
    if (end >= text.length) break;
    tags.lastIndex = end;
  }
  return hidden;
}
