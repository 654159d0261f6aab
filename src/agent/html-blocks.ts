/**
 * Where a line opens an HTML block, and which line ends it (CommonMark
 * §4.6), as GitHub's renderer reads them: cmark-gfm 0.29.0.gfm
 * (`src/scanners.re`, `src/blocks.c`). Inside an HTML block nothing is
 * Markdown: a fence there is no fence, so the block must be found in the
 * same left-to-right pass as the fences, whichever opens first winning
 * (issue 8, N1: `<!--⏎```⏎```⏎/agent …⏎-->` is all one comment on GitHub).
 *
 * Where cmark-gfm and CommonMark 0.31 differ, GitHub's reading is taken:
 * type 1 is `<script`, `<pre`, `<style` (no `<textarea`), type 4 needs an
 * upper-case letter after `<!`, and type 6 lists `source` (not `search`).
 */

/** Type 1: these elements, then whitespace, `>` or the line's end; ends at a line holding one of their end tags. */
const TYPE_1_NAMES: ReadonlySet<string> = new Set(['script', 'pre', 'style']);
const TYPE_1_END = /<\/(?:script|pre|style)>/i;

/**
 * Type 6: `<name` or `</name` with one of these names (cmark-gfm's
 * `blocktagname`, case-insensitive), then whitespace, `>`, `/>` or the
 * line's end: an HTML block whatever follows on the line.
 */
export const BLOCK_NAMES: ReadonlySet<string> = new Set(
  'address article aside base basefont blockquote body caption center col colgroup dd details dialog dir div dl dt fieldset figcaption figure footer form frame frameset h1 h2 h3 h4 h5 h6 head header hr html iframe legend li link main menu menuitem nav noframes ol optgroup option p param section source summary table tbody td tfoot th thead title tr track ul'.split(' '),
);
/** Whether the character may continue a tag name (`[A-Za-z0-9-]`). */
const isNameChar = (code: number): boolean => (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 45;

/** Whether what follows a tag name at `k` lets a type 1 or 6 start: whitespace, `>`, the line's end, or (type 6 only) `/>`. */
function endsName(line: string, k: number, slash: boolean): boolean {
  if (k >= line.length) return true;
  const code = line.charCodeAt(k);
  return code === 32 || code === 9 || code === 62 || code === 11 || code === 12 || code === 13 || (slash && code === 47 && line.charCodeAt(k + 1) === 62);
}

/**
 * Type 7: one whole open tag (attributes as in §6.6) or closing tag, then
 * only whitespace. Each repetition starts with whitespace that the part
 * before it cannot take, so a line is read in linear time.
 */
const TYPE_7 = /^<(?:[A-Za-z][A-Za-z0-9-]*(?:\s+[A-Za-z_:][A-Za-z0-9_.:-]*(?:\s*=\s*(?:[^\s"'=<>`]+|'[^']*'|"[^"]*"))?)*\s*\/?>|\/[A-Za-z][A-Za-z0-9-]*\s*>)\s*$/;

/** What ends blocks of types 2–5: a line holding this string. */
const CLOSERS: readonly string[] = ['', '', '-->', '?>', '>', ']]>'];

/**
 * The HTML block type (1–7) that `line` opens when its `<` is at `at`
 * (the caller has checked the indentation), or 0. Type 7 cannot interrupt
 * a paragraph, so it counts only when `inParagraph` is false.
 */
export function htmlBlockStart(line: string, at: number, inParagraph: boolean): number {
  if (line.charCodeAt(at) !== 60) return 0; // `<`
  const rest = at === 0 ? line : line.slice(at);
  const second = rest.charCodeAt(1);
  if (second === 33) {
    // `<!`
    if (rest.startsWith('<!--')) return 2;
    const third = rest.charCodeAt(2);
    if (third >= 65 && third <= 90) return 4;
    return /^<!\[CDATA\[/i.test(rest) ? 5 : 0;
  }
  if (second === 63) return 3; // `<?`
  const closing = second === 47; // `</`
  const nameAt = closing ? 2 : 1;
  const first = rest.charCodeAt(nameAt);
  if (!((first >= 97 && first <= 122) || (first >= 65 && first <= 90))) return 0;
  let k = nameAt + 1;
  while (k < rest.length && isNameChar(rest.charCodeAt(k))) k++;
  // The longest name either list holds is ten characters: longer names need no lower-casing.
  const name = k - nameAt <= 10 ? rest.slice(nameAt, k).toLowerCase() : '';
  if (!closing && TYPE_1_NAMES.has(name) && endsName(rest, k, false)) return 1;
  if (BLOCK_NAMES.has(name) && endsName(rest, k, true)) return 6;
  return !inParagraph && TYPE_7.test(rest) ? 7 : 0;
}

/**
 * Whether `line`, read from `from`, meets the end condition of a block of
 * `type` 1–5 (the opening line counts, from its `<`: `<!-- a -->` is a
 * whole block). Blocks of types 6 and 7 end before a blank line instead.
 */
export function endsHtmlBlock(line: string, from: number, type: number): boolean {
  const rest = from === 0 ? line : line.slice(from);
  if (type === 1) return TYPE_1_END.test(rest);
  const closer = CLOSERS[type];
  return closer !== undefined && closer !== '' && rest.includes(closer);
}
