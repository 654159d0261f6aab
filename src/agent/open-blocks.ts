/**
 * Closing what an answer leaves open, so it cannot swallow what the bot puts
 * after it (issue 12, item 8: the footer, the status, the hidden marker).
 *
 * An answer may end inside a fenced code block (turns the rest into code),
 * inside block HTML such as `<details>` (folds the rest into a collapsed
 * section) or inside an HTML comment (hides the rest). `closeOpenBlocks`
 * closes each, innermost first. Linear in the text: one pass over the tags,
 * and each element is pushed and popped at most once.
 */
import { applyMask, closeOpenFence, findCode } from './markdown.js';

/**
 * Container elements that, left open, carry what follows inside them. Inline
 * elements (`<b>`, `<span>`) only change how text looks, and void elements
 * never hold anything.
 */
const CONTAINERS = new Set(['details', 'summary', 'div', 'blockquote', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'td', 'th', 'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'pre']);

/**
 * Elements whose content is raw text up to their own end tag (CommonMark
 * §4.6, HTML block type 1): left open, they carry the rest away as raw HTML.
 */
const RAW_TEXT = new Set(['script', 'style', 'textarea']);

/**
 * `<!--`, `<?`, `<![CDATA[`, `<!X` (declarations), or `<name` / `</name`
 * followed by what may end a tag name (CommonMark §6.6).
 */
const TAG_OR_COMMENT = /<!--|<\?|<!\[CDATA\[|<![A-Za-z]|<(\/?)([A-Za-z][A-Za-z0-9-]*)(?=[\s/>])/g;

/** What ends each kind of HTML block that is not an element (CommonMark §4.6, types 2–5). */
function blockCloser(opener: string): string {
  if (opener === '<!--') return '-->';
  if (opener === '<?') return '?>';
  if (opener === '<![CDATA[') return ']]>';
  return '>';
}

/**
 * `text` with an open fence, then open container elements and an open HTML
 * comment, closed at its end. Tags inside Markdown code are ignored (code
 * blocks and spans show them as text). Text that closes everything comes
 * back unchanged.
 */
export function closeOpenBlocks(text: string): string {
  const fenced = closeOpenFence(text);
  // Only Markdown code hides tags: inside `<pre>` and `<code>` GitHub still reads HTML.
  const masked = applyMask(fenced, findCode(fenced).spans);
  const open: string[] = [];
  const counts = new Map<string, number>();
  const tags = new RegExp(TAG_OR_COMMENT.source, TAG_OR_COMMENT.flags);
  for (let m = tags.exec(masked); m !== null; m = tags.exec(masked)) {
    if (m[2] === undefined) {
      const closer = blockCloser(m[0]);
      const end = masked.indexOf(closer, m.index + m[0].length);
      // A comment, processing instruction, CDATA or declaration never closed takes everything after it, our footer and marker too.
      if (end === -1) return `${fenced} ${closer}${closers(open)}`;
      tags.lastIndex = end + closer.length;
      continue;
    }
    const gt = masked.indexOf('>', m.index);
    if (gt === -1) break; // not a tag: a `<` with no `>` after it anywhere
    tags.lastIndex = gt + 1;
    const name = (m[2] ?? '').toLowerCase();
    if (RAW_TEXT.has(name) && m[1] !== '/') {
      // Raw text up to its own end tag: nothing inside is a tag; never closed, it takes the rest.
      const end = new RegExp(`</${name}(?=[\\s/>]|$)`, 'gi');
      end.lastIndex = gt + 1;
      const found = end.exec(masked);
      if (found === null) return `${fenced}\n</${name}>${closers(open)}`;
      tags.lastIndex = found.index + found[0].length;
      continue;
    }
    if (!CONTAINERS.has(name)) continue;
    if (m[1] === '/') {
      // A closing tag ends its element and any left open inside it; a stray one closes nothing.
      if (!counts.get(name)) continue;
      for (let top = open.pop(); top !== undefined; top = open.pop()) {
        counts.set(top, (counts.get(top) ?? 1) - 1);
        if (top === name) break;
      }
    } else if (masked.charAt(gt - 1) !== '/') {
      open.push(name);
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
  }
  return fenced + closers(open);
}

/** Closing tags for `open`, innermost first, after a blank line so Markdown inside them ends first (CommonMark §4.6). */
function closers(open: readonly string[]): string {
  return open.length === 0 ? '' : `\n\n${[...open].reverse().map((name) => `</${name}>`).join('\n')}`;
}
