/**
 * Footnote references (`[^label]`) whose text GitHub does not show.
 *
 * cmark-gfm 0.29 (`handle_close_bracket`, "What if we're a footnote
 * link?") makes a reference of any bracket pair that is no link and whose
 * text starts with `^` (as written, escaped `\^`, or an entity decoding to
 * it), with more after the `^`. Its label is taken as `end column − start
 * column − 2` bytes of the input after the `^`, columns counted on the
 * line of each bracket. Then (`process_footnotes`) a reference to a
 * definition shows as a number, and any other one is written back as text,
 * `[^` + that label + `]`. So:
 * - over one line, a `^` label is shown as written unless a definition
 *   matches it (then only the number is shown);
 * - over lines, the columns come from different lines and the label loses
 *   most of its text: the rest of the line and whole lines after it vanish,
 *   and the line breaks kept are plain newlines, no `<br>`
 *   (github/cmark-gfm#282, re-review 8h);
 * - with an entity (`&#94;`, `&Hat;`) the label is read from past the end
 *   of the one-byte buffer the entity was decoded into: what is shown is
 *   memory, and a NUL there ends the page early (the cmark-gfm command line
 *   prints nothing after it).
 */
import { normalizeLabel } from './link-definitions.js';

/** An entity cmark decodes to `^` (1 to 8 digits, houdini_html_u.c; `&Hat;` is the only named one). */
const CARET_ENTITY = /&(?:#0{0,6}94|#[xX]0{0,6}5[eE]|Hat);/y;

/**
 * The offset just past the `^` that starts the text of the bracket opened
 * at `open` (the `[` of `[` or `![`), as cmark reads its first inline: a
 * `^` as written or escaped (`\^`), both text nodes pointing into the
 * input, or an entity, decoded into a buffer of its own; -1 when there is
 * none, so no footnote reference.
 */
function caretEnd(text: string, open: number): number {
  const c = text.charCodeAt(open + 1);
  if (c === 94) return open + 2;
  if (c === 92) return text.charCodeAt(open + 2) === 94 ? open + 3 : -1;
  if (c !== 38) return -1;
  CARET_ENTITY.lastIndex = open + 1;
  return CARET_ENTITY.test(text) ? CARET_ENTITY.lastIndex : -1;
}

/**
 * The end of what a footnote reference hides, when the bracket pair
 * [`open`, `closer`] that made no link is one (see the file's comment), or
 * -1 when GitHub shows its text as written:
 * - over lines (`lineBreak`: a line ends between the brackets): the whole
 *   reference, `closer + 1` (cmark keeps a few characters of it, as one
 *   line with the text before: hiding them errs towards no request);
 * - with an entity: the rest of the text, which may never reach the page;
 * - a one-line `^` label that a footnote definition defines (`labels`,
 *   normalised): the reference, shown as a number.
 * `bracketInside`: another `[` opened inside the brackets, so the label
 * holds a `]` too (a `]` closes the innermost `[`), which no definition's
 * label does: the label is not read, so nested brackets cost no more than
 * their own length in all. Constant work but for that label.
 */
export function footnoteReferenceEnd(text: string, open: number, closer: number, lineBreak: boolean, bracketInside: boolean, labels: ReadonlySet<string>): number {
  const after = caretEnd(text, open);
  // cmark needs more than the `^`: another character in its text node, or another node (a line break is one).
  if (after === -1 || after >= closer) return -1;
  const first = text.charCodeAt(open + 1);
  if (first === 38) return text.length;
  if (lineBreak) return closer + 1;
  if (first === 94 && labels.size > 0 && !bracketInside && labels.has(normalizeLabel(text.slice(after, closer)))) return closer + 1;
  return -1;
}

/**
 * The labels of the footnote definitions at `footnotes` (flat [start, end)
 * offsets, each from the label's `[`: markdown-lines.ts `lineKinds`),
 * without the `^`, normalised as references are matched (cmark-gfm looks
 * footnotes up in a map normalised as link labels are). Each label is read
 * once: linear.
 */
export function footnoteLabels(text: string, footnotes: readonly number[]): Set<string> {
  const labels = new Set<string>();
  for (let d = 0; d < footnotes.length; d += 2) {
    const open = footnotes[d] ?? 0;
    const close = text.indexOf(']', open);
    if (close !== -1) labels.add(normalizeLabel(text.slice(open + 2, close)));
  }
  return labels;
}
