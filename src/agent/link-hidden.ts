/**
 * Parts of Markdown links and images that GitHub does not show as text, so
 * they may neither trigger the bot nor reach the agent as instruction (the
 * inline cousins of link reference definitions, issue 8 kind 7c):
 * - an image's description (`![alt](url)`), all of it, links inside it
 *   included: it becomes the alt text, shown only if the image fails;
 * - a link's or image's title (`[text](url "title")`): a tooltip;
 * - a destination on a line of its own (an href, not text);
 * - a reference's label with its brackets (`[text][label]`, `[text][]`):
 *   it only picks the definition (re-review 8h).
 * Any of them may run over lines of a paragraph, which is how a line
 * starting with `/agent` could hide inside; on one line they cannot
 * trigger, but they are still left out of the instruction (issue 8, N1 item
 * b: a reader never sees `![do X](u)` or `[a](u "do X")` ask for anything).
 * A link's text and destination stay: the text is shown, and the agent
 * needs the address.
 *
 * Which `[` a `]` closes is decided as CommonMark's "look for link or image"
 * does (spec §6.3, appendix "Processing emphasis and brackets"): openers go
 * on a stack, a `]` takes the innermost one, a link inside an image's
 * description is fine, and a link makes every `[` (not `![`) below it
 * inactive, as links do not nest (re-review 8b, F2 and L2). Linear: each
 * bracket is pushed and popped once, "inactive below" is one watermark
 * rather than a walk down the stack, and what follows a `](` is read once.
 *
 * References (`[text][ref]`, `[text][]`, `[text]`) count only when the
 * label is defined (`labels`, normalised: link-definitions.ts), as in cmark,
 * except that an image with an explicit label (`![alt][ref]`) counts
 * whether or not `ref` is defined: erring towards hidden.
 *
 * A bracket pair that makes no link may make a footnote reference
 * (`[^label]`), whose label cmark-gfm cuts short when it runs over lines:
 * footnote-references.ts says which are hidden and how far.
 */
import { footnoteReferenceEnd } from './footnote-references.js';
import { normalizeLabel } from './link-definitions.js';
import { isEscaped } from './inline-html.js';
import { InlineLinkTails } from './link-destinations.js';
import { nextOccurrence, rangeWalker } from './markdown.js';

/** After `]`: a reference label `[…]` (no unescaped `[`, at most 999 characters, CommonMark §4.7), or `[]`. */
const REFERENCE = /\[(?:[^[\]\\]|\\[\s\S]){0,999}\]/y;

/** `reference`'s answer for `![alt][ref]` with `ref` not defined: the alt is hidden, the `[ref]` read on its own. */
const UNDEFINED_IMAGE_LABEL = -2;

/** CommonMark §4.7: a link label holds at most 999 characters. */
const MAX_LABEL = 999;

/**
 * Hidden link parts and footnote references in `text` outside `code`
 * (sorted flat [start, end) lists of code or hidden HTML, in which brackets
 * are not Markdown), as one sorted flat list of [start, end) offsets.
 * `labels` are the defined link labels, `footnotes` the footnote
 * definitions' (footnote-references.ts `footnoteLabels`), both normalised.
 */
export function findHiddenLinkParts(
  text: string,
  code: readonly ArrayLike<number>[],
  labels: ReadonlySet<string> = new Set(),
  footnotes: ReadonlySet<string> = new Set(),
): number[] {
  if (!text.includes(']')) return [];
  return new BracketReader(text, code, labels, footnotes).read();
}

/** The state of one pass over the brackets of a text. */
class BracketReader {
  readonly text: string;
  readonly inCode: ((offset: number) => boolean)[];
  readonly blanks: number[];
  readonly labels: ReadonlySet<string>;
  readonly footnotes: ReadonlySet<string>;
  /**
   * The opener stack: the offset of each `[`, whether it is an image's
   * (`![`), whether another opener came after it (its text then holds a
   * bracket, so it is no label: cmark `bracket_after`), and the first line
   * break after it (-1: none), which a footnote reference must not hold.
   */
  at: Int32Array = new Int32Array(64);
  image: Uint8Array = new Uint8Array(64);
  bracketAfter: Uint8Array = new Uint8Array(64);
  lineBreakAfter: Int32Array = new Int32Array(64);
  /** `text.indexOf('\n', from)`, asked at each opener in order. */
  readonly nextLineBreak: (from: number) => number;
  depth = 0;
  /** Every `[` opener below this stack index is inactive (a link closed above it: links do not nest). */
  activeFrom = 0;
  /** The output: sorted flat [start, end) offsets. */
  readonly hidden: number[] = [];
  /** Inline links' `(destination "title")`, read on the first `](` that may close a link. */
  private tails: InlineLinkTails | undefined;

  constructor(text: string, code: readonly ArrayLike<number>[], labels: ReadonlySet<string>, footnotes: ReadonlySet<string>) {
    this.text = text;
    this.labels = labels;
    this.footnotes = footnotes;
    this.nextLineBreak = nextOccurrence(text, '\n');
    this.inCode = code.map((ranges) => rangeWalker(ranges));
    this.blanks = blankLineStarts(text);
  }

  read(): number[] {
    const { text, blanks } = this;
    const n = text.length;
    // The next blank line: it ends the paragraph, and with it every opener (CommonMark §6: inlines stay in their block).
    let blank = 0;
    // A loop over the characters rather than a regex: a match object per bracket was most of the cost of a megabyte of them.
    for (let k = text.indexOf('[') === -1 ? n : 0; k < n; k++) {
      const c = text.charCodeAt(k);
      if (c !== 91 && c !== 93) continue;
      while (blank < blanks.length && (blanks[blank] ?? 0) < k) {
        blank++;
        this.depth = 0;
        this.activeFrom = 0;
      }
      if (this.inCodeAt(k) || isEscaped(text, k)) continue;
      if (c === 91) this.push(k, k > 0 && text.charCodeAt(k - 1) === 33 && !isEscaped(text, k - 1));
      else if (this.depth > 0) k = this.close(k, blanks[blank] ?? n) - 1;
    }
    return this.hidden;
  }

  /** Whether `offset` is inside any of the code ranges (offsets asked in increasing order). */
  inCodeAt(offset: number): boolean {
    for (const walk of this.inCode) if (walk(offset)) return true;
    return false;
  }

  push(offset: number, image: boolean): void {
    if (this.depth === this.at.length) {
      const at = new Int32Array(this.depth * 2);
      at.set(this.at);
      this.at = at;
      const images = new Uint8Array(this.depth * 2);
      images.set(this.image);
      this.image = images;
      const after = new Uint8Array(this.depth * 2);
      after.set(this.bracketAfter);
      this.bracketAfter = after;
      const lineBreaks = new Int32Array(this.depth * 2);
      lineBreaks.set(this.lineBreakAfter);
      this.lineBreakAfter = lineBreaks;
    }
    if (this.depth > 0) this.bracketAfter[this.depth - 1] = 1;
    this.at[this.depth] = offset;
    this.lineBreakAfter[this.depth] = this.nextLineBreak(offset);
    this.image[this.depth] = image ? 1 : 0;
    this.bracketAfter[this.depth] = 0;
    // Everything at this index and above is new, so active.
    if (this.activeFrom > this.depth) this.activeFrom = this.depth;
    this.depth++;
  }

  /**
   * A `]` at `closer`: when the innermost opener is active and a
   * destination or reference follows (before `blankAt`, the next blank
   * line), a link or image ends here. Returns the offset just after it, or
   * `closer + 1`.
   */
  close(closer: number, blankAt: number): number {
    if (this.depth === 0) return closer + 1;
    const top = this.depth - 1;
    const open = this.at[top] ?? 0;
    const image = this.image[top] === 1;
    this.depth = top;
    if (!image && top < this.activeFrom) return closer + 1;
    const { text } = this;
    const next = text.charCodeAt(closer + 1);
    let end = -1;
    let titleAt = -1;
    let titleEnd = -1;
    let destinationAt = -1;
    let destinationEnd = -1;
    if (next === 40) {
      const tails = (this.tails ??= new InlineLinkTails(text));
      end = tails.read(closer);
      if (end !== -1) {
        // A destination after a line break starts a line but is an href (review-sec finding 4: `[docs](⏎/agent "x")`).
        if (tails.lineBreakBefore) {
          destinationAt = tails.destinationAt;
          destinationEnd = tails.destinationEnd;
        }
        titleAt = tails.titleAt;
        titleEnd = tails.titleEnd;
      }
    }
    // A link or image ends within its paragraph: a blank line inside the title (or reference) ends that first.
    if (end > blankAt) end = titleAt = destinationAt = -1;
    // A reference's label (`[text][label]`, `[text][]`) picks the definition and is never shown (CommonMark §6.3):
    // hidden with its brackets, as a title is (re-review 8h: a label over lines holds a line's start).
    let labelAt = -1;
    if (end === -1) {
      end = this.reference(open, closer, image, this.bracketAfter[top] === 1);
      labelAt = closer + 1;
    }
    if (end === UNDEFINED_IMAGE_LABEL) {
      // Hidden by choice, but on GitHub this `![…]` is text and its `[ref]` may start a link of its own (re-review
      // 8c, N4: `![x][a](u "secret")` shows a link titled "secret"): read on from the label's `[`.
      this.hideAlt(open, closer);
      return closer + 1;
    }
    if (end === -1 || end > blankAt) return this.footnoteReference(open, closer, top);
    const hidden = this.hidden;
    if (image) this.hideAlt(open, closer);
    else {
      // Links do not nest: every `[` below this one is text now.
      this.activeFrom = top;
    }
    if (destinationAt !== -1 && destinationEnd > destinationAt) hidden.push(destinationAt, destinationEnd);
    if (titleAt !== -1) hidden.push(titleAt, titleEnd);
    if (labelAt !== -1 && end > labelAt) hidden.push(labelAt, end);
    return end;
  }

  /** The description of the image opened at `open` and closed at `closer`: all alt text, what was hidden inside it included. */
  hideAlt(open: number, closer: number): void {
    this.hideWhole(open + 1, closer);
  }

  /** Hides [from, to), what was hidden inside it included (as one range, so the list stays sorted). */
  hideWhole(from: number, to: number): void {
    const hidden = this.hidden;
    // Two pops rather than a shorter length: setting an array's length takes V8's slow path.
    while (hidden.length > 0 && (hidden[hidden.length - 2] ?? 0) >= from) {
      hidden.pop();
      hidden.pop();
    }
    if (to > from) hidden.push(from, to);
  }

  /**
   * The bracket pair [`open`, `closer`], the opener at stack index `top`,
   * made no link: when it makes a footnote reference that GitHub does not
   * show as written, that is hidden. Returns the offset to read on from.
   */
  footnoteReference(open: number, closer: number, top: number): number {
    const lineBreak = this.lineBreakAfter[top] ?? -1;
    const end = footnoteReferenceEnd(this.text, open, closer, lineBreak !== -1 && lineBreak < closer, this.bracketAfter[top] === 1, this.footnotes);
    if (end === -1) return closer + 1;
    this.hideWhole(open, end);
    return end;
  }

  /**
   * A reference after the `]` at `closer` whose opener is at `open` (cmark
   * `handle_close_bracket`): `[ref]` (full), `[]` (collapsed) or nothing
   * (shortcut), the last two labelled by the opener's text, which must hold
   * no bracket. Returns the offset after it when it makes a link,
   * `UNDEFINED_IMAGE_LABEL` for an image with an explicit label that is not
   * defined, or -1.
   */
  reference(open: number, closer: number, image: boolean, bracketAfter: boolean): number {
    const text = this.text;
    const explicit = text.charCodeAt(closer + 1) === 91;
    // No definitions: only an image with an explicit label can count (most texts; no label is read for them).
    if (this.labels.size === 0 && !(image && explicit)) return -1;
    let after = closer + 1;
    let label: string | null = null;
    if (explicit) {
      REFERENCE.lastIndex = closer + 1;
      if (REFERENCE.test(text)) {
        after = REFERENCE.lastIndex;
        if (after > closer + 3) {
          label = text.slice(closer + 2, after - 1);
          // Erring towards hidden: an image with an explicit label hides its alt text, defined or not.
          if (image) return this.labels.has(normalizeLabel(label)) ? after : UNDEFINED_IMAGE_LABEL;
        }
      }
    }
    if (label === null) {
      if (bracketAfter || closer - open - 1 > MAX_LABEL) return -1;
      label = text.slice(open + 1, closer);
    }
    return this.labels.has(normalizeLabel(label)) ? after : -1;
  }
}

/** Offsets of the `\n` that starts each blank line, in order. */
function blankLineStarts(text: string): number[] {
  const starts: number[] = [];
  // Scanned by hand: a regular expression's match object per blank line cost 6 % of the parse of a megabyte of footnote
  // definitions' parse.
  for (let nl = text.indexOf('\n'); nl !== -1; ) {
    let k = nl + 1;
    while (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9) k++;
    if (text.charCodeAt(k) === 10) starts.push(nl);
    nl = text.indexOf('\n', k);
  }
  return starts;
}
