/**
 * The labels a document defines, wherever their definitions are: link
 * reference definitions and footnote definitions are document-wide
 * (CommonMark §4.7: a definition "can come either before or after the links
 * that use them", in any container; cmark-gfm 0.29 keeps footnotes in one
 * map alike), so a definition in a block quote or inside a footnote
 * definition's body defines its label as one at the top level does, and a
 * reference to it (`[a][label]`, `[^label]`) hides the label (link-hidden.ts,
 * footnote-references.ts; re-review 8i).
 *
 * Definitions in quotes are found with the others (markdown-lines.ts
 * `lineKinds`). A footnote definition is a container that block-structure.ts
 * does not read: its body is read here as a document of its own, made of
 * the text after `[^label]:` and its later lines without their containers'
 * prefixes and the four columns the definition takes (cmark-gfm
 * `parse_footnote_definition_block_prefix`). Bodies nest (a footnote
 * definition may hold one), so each nesting level reads text no longer
 * than the document's: at most `MAX_NESTING` levels are read, and a
 * document nesting deeper counts every label as defined, which hides a
 * reference's label at worst (the safe side): linear in the text.
 */
import { type BlockScan, lineStarts, readBlocks } from './block-structure.js';
import { footnoteLabels } from './footnote-references.js';
import { definedLabels, normalizeLabel } from './link-definitions.js';
import { lineKinds } from './markdown-lines.js';
import { nextOccurrence } from './markdown.js';

/** Footnote definitions nested deeper than this inside each other are not read (see the module comment). */
export const MAX_NESTING = 4;

/** The labels of a document's definitions, normalised (`normalizeLabel`). */
export interface DefinedLabels {
  /** Link reference definitions' labels. */
  links: ReadonlySet<string>;
  /** Footnote definitions' labels, without the `^`. */
  footnotes: ReadonlySet<string>;
}

/**
 * A set that holds every label: what a document whose footnote definitions
 * nest deeper than `MAX_NESTING` defines, for all this reader knows.
 */
class EveryLabel extends Set<string> {
  constructor() {
    // Not empty, so a caller that skips the lookup for an empty set asks.
    super(['']);
  }

  override has(): boolean {
    return true;
  }
}

/** The parts of a scan these labels are read from: the line offsets, container prefixes and definitions found. */
export interface DefinitionScan {
  starts: Int32Array;
  prefixAt: Int32Array;
  prefixColumn: Int32Array;
  /** Link reference definitions (markdown-lines.ts `lineKinds`), flat [start, end) offsets from their `[`. */
  definitions: readonly number[];
  /** Footnote definitions with their bodies, the same way. */
  footnotes: readonly number[];
}

/**
 * The labels `text` defines, in definitions at any depth: those of `scan`
 * (`findCode`'s, for `text`) and those in every footnote definition's body.
 * Linear in the text (see the module comment).
 */
export function documentLabels(text: string, scan: DefinitionScan): DefinedLabels {
  return labelsOf(text, scan, 0);
}

function labelsOf(text: string, scan: DefinitionScan, depth: number): DefinedLabels {
  const links = definedLabels(text, scan.definitions);
  const footnotes = footnoteLabels(text, scan.footnotes);
  if (scan.footnotes.length === 0) return { links, footnotes };
  if (depth >= MAX_NESTING) return { links: new EveryLabel(), footnotes: new EveryLabel() };
  const { starts } = scan;
  // The bodies of this level are read as one text, each a document of its own (`readBlocks`'s restarts), after a
  // line that ends whatever the body before left open: one read per level, not one per body, which cost an
  // allocation-heavy reader per footnote. A level's text is no longer than the one before (see `SEPARATOR`). It is
  // built by `+=`, which V8 keeps as a rope flattened once when read: joining an array of ~10⁵ slices cost more.
  let bodies = '';
  let bodyCount = 0;
  const restarts: number[] = [];
  let lines = 0;
  // Every definition holds `]:` (its label's end, or a footnote label's): a body without one defines nothing and is
  // not read. Searched once over the text, as the bodies come in order.
  const nextColon = nextOccurrence(text, ']:');
  for (let d = 0; d < scan.footnotes.length; d += 2) {
    const open = scan.footnotes[d] ?? 0;
    const end = scan.footnotes[d + 1] ?? 0;
    const close = text.indexOf(']', open);
    // `[^a b]: /u` is no footnote definition (cmark-gfm's footnote label holds no space or tab) but a link reference
    // definition of the label `^a b`; footnote-definitions.ts hides it as a footnote, so its label is a link's here.
    if (holdsSpaceOrTab(text, open + 1, close)) links.add(normalizeLabel(text.slice(open + 1, close)));
    const colon = nextColon(close + 2);
    if (colon === -1 || colon >= end) continue;
    const first = lineOf(starts, open);
    const last = lineOf(starts, end);
    if (bodyCount++ > 0) {
      restarts.push(lines);
      bodies += SEPARATOR;
      lines++;
    }
    bodies += footnoteBody(text, scan, first, last, close + 2);
    lines += last - first + 1;
  }
  if (bodyCount === 0) return { links, footnotes };
  // Each body line ends with a line feed; the last one is no line of the text.
  const bodyText = bodies.slice(0, -1);
  const inner = labelsOf(bodyText, scanOf(bodyText, restarts), depth + 1);
  if (inner.links instanceof EveryLabel) return inner;
  for (const label of inner.links) links.add(label);
  for (const label of inner.footnotes) footnotes.add(label);
  return { links, footnotes };
}

/**
 * The line between two footnote bodies read as one text: a thematic break,
 * a block that no paragraph, definition or footnote definition before it
 * runs over (markdown-lines.ts `lineKinds`), read after the reader has
 * ended every block the body before it left open. Shorter than the
 * `[^x]:` each body leaves out, so a level's text is never longer than the
 * one before it.
 */
const SEPARATOR = '***\n';

/** Whether `text[from, to)` holds a space or a tab. */
function holdsSpaceOrTab(text: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) {
    const c = text.charCodeAt(k);
    if (c === 32 || c === 9) return true;
  }
  return false;
}

/** The definitions of `text` read as a document (`findCode` without the inline reading), restarted at `restarts`. */
function scanOf(text: string, restarts: readonly number[]): DefinitionScan {
  const starts = lineStarts(text);
  const blocks: BlockScan = readBlocks(text, starts, restarts);
  const definitions: number[] = [];
  const footnotes: number[] = [];
  lineKinds(text, starts, blocks, definitions, footnotes);
  return { starts, prefixAt: blocks.prefixAt, prefixColumn: blocks.prefixColumn, definitions, footnotes };
}

/** The index of the line of `offset` (`starts` as `lineStarts` gives them): a binary search. */
function lineOf(starts: Int32Array, offset: number): number {
  let lo = 0;
  let hi = starts.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * The body of the footnote definition on lines [first, last] whose `]:`
 * ends at `afterColon`: the rest of its first line after spaces and tabs
 * (cmark-gfm's footnote definition scanner takes them), then each later
 * line from its containers' prefix (`prefixAt`), with up to four columns of
 * indentation taken off (a tab split by that keeps its other columns as
 * spaces). Each of its lines ends with a line feed.
 */
function footnoteBody(text: string, scan: DefinitionScan, first: number, last: number, afterColon: number): string {
  const { starts, prefixAt, prefixColumn } = scan;
  let k = afterColon;
  const firstEnd = (starts[first + 1] ?? 0) - 1;
  while (k < firstEnd && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9)) k++;
  let body = `${text.slice(k, firstEnd)}\n`;
  for (let j = first + 1; j <= last; j++) {
    const end = (starts[j + 1] ?? 0) - 1;
    const column = prefixColumn[j] ?? 0;
    let p = (starts[j] ?? 0) + (prefixAt[j] ?? 0);
    let width = 0;
    let rest = 0;
    while (p < end && width < 4) {
      const c = text.charCodeAt(p);
      if (c === 32) width++;
      else if (c === 9) {
        const tab = 4 - ((column + width) % 4);
        if (width + tab > 4) rest = width + tab - 4;
        width += tab;
      } else break;
      p++;
    }
    body += `${' '.repeat(rest)}${text.slice(p, end)}\n`;
  }
  return body;
}
