/**
 * The block structure (block-structure.ts) against a real CommonMark
 * parser, micromark through mdast-util-from-markdown (already a dev
 * dependency: test/agent/open-fence.test.ts), on seeded mixes of list
 * items, quotes, fences and HTML blocks (issue 8: a phrase inside code or
 * hidden HTML on GitHub must not start the agent; visible text must).
 *
 * The generator leaves out the shapes where micromark and cmark-gfm
 * (GitHub's renderer, which we follow) are known to differ: an ordered
 * item not starting at 1, or an empty item, right after a block other than
 * a paragraph (micromark reads them as interrupting a paragraph; cmark
 * opens the item), a lone tag on a lazy line (`</pre>`), and link reference
 * definitions followed by lazy lines. command-review.test.ts pins those by
 * hand. A second mix puts backtick runs (escaped or not) across headings,
 * breaks, items, quotes and indented lines, for code spans (markdown.ts).
 */
import { describe, expect, it } from '@jest/globals';
import type { Nodes } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { Leaf, MAX_DEPTH, scanBlocks } from '../../src/agent/block-structure.js';
import { parseAgentCommand } from '../../src/agent/command.js';
import { classifyLines } from '../../src/agent/markdown-lines.js';
import { closeOpenFence } from '../../src/agent/markdown.js';

type LineClass = 'none' | 'text' | 'code' | 'html' | 'quote' | 'other';

/** mulberry32: a small seeded generator, so a failure names its input for ever. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PREFIXES = ['', '', '\t', '-\t', '>\t', '- ', '* ', '1. ', '> ', '  ', '   ', '    ', ' ', '-   ', '>'];
const CONTENTS = ['```', '~~~', '````', '<!--', '-->', '<div>', '</div>', 'text', '/agent x', 'code', '# h', '<pre>', '- b', '> q', '***'];

/** A document of two to eight lines, each blank (with chance `blank`) or made by `line` from `pick`. */
function generateLines(random: () => number, blank: number, line: (pick: <T>(items: readonly T[]) => T) => string): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const lines: string[] = [];
  const count = 2 + Math.floor(random() * 7);
  for (let i = 0; i < count; i++) lines.push(random() < blank ? '' : line(pick));
  return lines.join('\n');
}

/** Two to eight lines, each blank or up to three container prefixes and one piece of content. */
function generate(random: () => number): string {
  return generateLines(random, 0.15, (pick) => {
    let line = '';
    const prefixes = Math.floor(random() * 4);
    for (let k = 0; k < prefixes; k++) line += pick(PREFIXES);
    return line + pick(CONTENTS);
  });
}

const INLINE_PREFIXES = ['', '', '', '# ', '- ', '* ', '1. ', '> ', '  ', '    ', '\t'];
const INLINE_TOKENS = ['`', '``', '```', '\\`', '\\``', '\\\\`', 'a', ' ', '***', '---', '~~~', '# h'];

/**
 * Two to eight lines, each blank or a block prefix, sometimes the phrase,
 * then one to three tokens: backtick runs (escaped or not) to pair or leave
 * open across headings, breaks, items, quotes, setext underlines and
 * indented lines.
 */
function generateInline(random: () => number): string {
  return generateLines(random, 0.1, (pick) => {
    let line = pick(INLINE_PREFIXES);
    if (random() < 0.3) line += '/agent x';
    const tokens = 1 + Math.floor(random() * 3);
    for (let k = 0; k < tokens; k++) line += pick(INLINE_TOKENS);
    return line;
  });
}

/**
 * Whether micromark shows a line's leading `/agent` as text: inside a
 * `text` node (not `inlineCode`, not code) outside any block quote. A
 * setext heading's text counts as shown, as GitHub shows it.
 */
function micromarkShowsPhrase(text: string): boolean {
  const shown: [number, number][] = [];
  const walk = (node: Nodes): void => {
    if (node.type === 'blockquote') return;
    if (node.type === 'text' && node.position) shown.push([node.position.start.offset ?? 0, node.position.end.offset ?? 0]);
    if ('children' in node) for (const child of node.children) walk(child);
  };
  walk(fromMarkdown(text));
  let offset = 0;
  for (const line of text.split('\n')) {
    const phrase = /^\s*(?=\/agent)/.exec(line);
    const at = offset + (phrase?.[0].length ?? 0);
    if (phrase !== null && shown.some(([start, end]) => start <= at && at < end)) return true;
    offset += line.length + 1;
  }
  return false;
}

/** A line ending with a tag after which the browser starts a line (html-line-breaks.ts). */
const BREAK_AT_END = /<\/?(?:br|p|div|hr|ol|ul|li|dl|dt|dd|h[1-6]|figure|figcaption)(?:[\s/][^<>]*)?>[ \t]*$/i;

/** A line holding only end tags. */
const STRAY_ONLY = /^[\s>*-]*(?:<\/[a-z0-9]+\s*>\s*)+$/i;

/**
 * Whether line `i` of `lines` (the lines of `text`) ends with a tag after
 * which the browser starts a line: an end tag only when a start tag of its
 * name comes earlier in the text.
 */
function breaksAtEnd(text: string, lines: readonly string[], i: number): boolean {
  const match = BREAK_AT_END.exec(lines[i] ?? '');
  if (match === null) return false;
  const end = /^<\/([a-z0-9]+)/i.exec(match[0]);
  if (end === null) return true;
  const lineStart = lines.slice(0, i).reduce((sum, line) => sum + line.length + 1, 0);
  return new RegExp(`<${end[1]}[\\s/>]`, 'i').test(text.slice(0, lineStart + (match.index ?? 0)));
}

/** What micromark makes of each line: the leaf block holding it, or `quote` inside a block quote. */
function micromarkLines(text: string): LineClass[] {
  const lines = text.split('\n');
  const out: LineClass[] = new Array<LineClass>(lines.length).fill('none');
  const leaves: Partial<Record<Nodes['type'], LineClass>> = { code: 'code', html: 'html', paragraph: 'text', heading: 'other', thematicBreak: 'other' };
  const walk = (node: Nodes, inQuote: boolean): void => {
    const leafClass = leaves[node.type];
    if (leafClass !== undefined && node.position) {
      const first = node.position.start.line;
      let last = node.position.end.line;
      // micromark ends a block at the start of the next line's content, after that line's container prefix.
      if (last > first && /^[\s>]*$/.test((lines[last - 1] ?? '').slice(0, node.position.end.column - 1))) last--;
      for (let l = first; l <= last; l++) out[l - 1] = inQuote ? 'quote' : leafClass;
      return;
    }
    if ('children' in node) for (const child of node.children) walk(child, inQuote || node.type === 'blockquote');
  };
  walk(fromMarkdown(text), false);
  return out;
}

/** Ours, in the same classes. */
function ourLines(text: string): LineClass[] {
  const classes: Record<string, LineClass> = { prose: 'text', definition: 'text', 'raw-html': 'html', html: 'html', blank: 'none', code: 'code', quote: 'quote', other: 'other' };
  return classifyLines(text.split('\n')).map((kind) => classes[kind] ?? 'none');
}

describe('block structure: differential against micromark (seeded)', () => {
  it.each([1, 2, 3])('every non-blank line is read as micromark reads it (seed %i, 1,500 inputs)', (seed) => {
    const random = seeded(seed);
    const differing: string[] = [];
    for (let n = 0; n < 1500; n++) {
      const text = generate(random);
      const ours = ourLines(text);
      const theirs = micromarkLines(text);
      const lines = text.split('\n');
      if (lines.some((line, i) => line.trim() !== '' && ours[i] !== theirs[i])) differing.push(`${JSON.stringify(text)}\n  ours   ${ours.join(',')}\n  theirs ${theirs.join(',')}`);
    }
    expect(differing.slice(0, 5)).toEqual([]);
  });

  it.each([4, 5])('a request triggers exactly when micromark puts the phrase at the start of shown text (seed %i)', (seed) => {
    const random = seeded(seed);
    const differing: string[] = [];
    for (let n = 0; n < 1500; n++) {
      const text = generate(random);
      // An HTML comment or <pre> left open hides the rest in the browser, which micromark does not model.
      if (text.includes('<!--') || text.includes('<pre>')) continue;
      const theirs = micromarkLines(text);
      const lines = text.split('\n');
      // In an HTML block a line break is a space to the browser (re-review 8h): a line there starts a shown line only
      // after a `<br>` or block tag ending the line before (html-line-breaks.ts), or as the block's first line. An end
      // tag closes only an element opened before it (fix 8p: the parser drops a stray `</div>`), which micromark does
      // not model: one with no start tag of its name earlier in the text breaks nothing, and a line holding only such
      // tags changes nothing (the line after it is read as if it were gone). After a paragraph's line right before
      // the block, whether the line runs on depends on the containers (in a tight list item cmark writes no `</p>`),
      // which micromark's tree here does not tell: such inputs are left out.
      let unsure = false;
      const lineStart = (i: number): boolean => {
        if (theirs[i] !== 'html') return true;
        let j = i - 1;
        while (j >= 0 && theirs[j] === 'html' && STRAY_ONLY.test(lines[j] ?? '') && !breaksAtEnd(text, lines, j)) j--;
        if (j >= 0 && j < i - 1 && theirs[j] === 'text') unsure = true;
        return j < 0 || theirs[j] !== 'html' || breaksAtEnd(text, lines, j);
      };
      const shown = lines.some((line, i) => /^\s*\/agent/.test(line) && (theirs[i] === 'text' || theirs[i] === 'html') && lineStart(i));
      if (unsure) continue;
      if ((parseAgentCommand(text) !== null) !== shown) differing.push(`${JSON.stringify(text)}: micromark ${shown ? 'shows' : 'hides'} it`);
    }
    expect(differing.slice(0, 5)).toEqual([]);
  });
});

describe('inline code spans: differential against micromark (seeded)', () => {
  // Code spans pair within one block only (CommonMark §6), an escaped backtick shortens its run (§2.4), and a
  // line indented four columns inside a paragraph is text whose backticks pair (review 8, P1-P3).
  it.each([6, 7, 8])('a request triggers exactly when micromark shows the phrase as text, not inline code (seed %i, 1,500 inputs)', (seed) => {
    const random = seeded(seed);
    const differing: string[] = [];
    for (let n = 0; n < 1500; n++) {
      const text = generateInline(random);
      const shown = micromarkShowsPhrase(text);
      if ((parseAgentCommand(text) !== null) !== shown) differing.push(`${JSON.stringify(text)}: micromark ${shown ? 'shows' : 'hides'} it`);
    }
    expect(differing.slice(0, 5)).toEqual([]);
  });
});

describe('block structure: nesting deeper than MAX_DEPTH is not read', () => {
  it('lines inside a container nested too deep are Deep, and a blank line then an unindented line leave it', () => {
    const deep = `${'- '.repeat(MAX_DEPTH + 8)}a`;
    const { leaf } = scanBlocks([deep, 'lazy', '', 'after']);
    expect(Array.from(leaf)).toEqual([Leaf.Deep, Leaf.Deep, Leaf.Blank, Leaf.Paragraph]);
  });

  it('a request there never triggers (the safe side); one after it does', () => {
    expect(parseAgentCommand(`${'> '.repeat(MAX_DEPTH + 1)}a\n/agent do X`)).toBeNull();
    expect(parseAgentCommand(`${'- '.repeat(MAX_DEPTH + 1)}a\n\n/agent do X`)).toEqual({ kind: 'prompt', prompt: 'do X' });
  });

  it('nesting up to MAX_DEPTH is read: a fence closed inside it leaves the text after it shown', () => {
    const items = '- '.repeat(MAX_DEPTH);
    const indent = ' '.repeat(2 * MAX_DEPTH);
    expect(parseAgentCommand(`${items}\`\`\`\n${indent}code\n${indent}\`\`\`\n${indent}/agent do X`)).toEqual({ kind: 'prompt', prompt: 'do X' });
  });
});

describe('closeOpenFence with containers', () => {
  it('closes a fence opened on a list item\'s continuation line at the item\'s indentation', () => {
    expect(closeOpenFence('- a\n\n  ```js\n  code')).toBe('- a\n\n  ```js\n  code\n  ```');
  });

  it('leaves a fence inside a quote alone: the first unquoted line ends it, and a bare fence there would open one', () => {
    expect(closeOpenFence('> ```js\n> code')).toBe('> ```js\n> code');
  });

  it('a fence closed by its list item ending is not open', () => {
    expect(closeOpenFence('- ```\n  code\nafter')).toBe('- ```\n  code\nafter');
  });
});

describe('a list item whose paragraph holds only link reference definitions (cmark-gfm drops the paragraph)', () => {
  // Checked with cmark-gfm 0.29.0.gfm.6: the emptied item ends at the next blank line, as an item opened empty does.
  it('is empty again after the blank line: a second blank line ends it', () => {
    expect(classifyLines(['- [x]: /u', '', '', '    code'])).toEqual(['definition', 'blank', 'blank', 'code']);
  });

  it('still holds a line indented to its content after one blank line', () => {
    expect(classifyLines(['- [x]: /u', '', '  text'])).toEqual(['definition', 'blank', 'prose']);
  });

  it('is not emptied when it held a block before the definitions: the line stays prose inside it', () => {
    expect(classifyLines(['- a', '', '  [x]: /u', '', '', '    text'])).toEqual(['prose', 'blank', 'definition', 'blank', 'blank', 'prose']);
  });
});

describe('block structure: a GFM table (cmark-gfm table extension; re-review 8g)', () => {
  const { Paragraph, Indented, Blank, Heading } = Leaf;

  it('ends at a line indented four columns or a tab, which is indented code', () => {
    expect(Array.from(scanBlocks(['|a|', '|-|', 'row', '    x']).leaf)).toEqual([Paragraph, Paragraph, Paragraph, Indented]);
    expect(Array.from(scanBlocks(['a | b', ':-: | ---', '\tx']).leaf)).toEqual([Paragraph, Paragraph, Indented]);
  });

  it('is no paragraph: a setext-like line is a row, not an underline', () => {
    expect(Array.from(scanBlocks(['|a|', '|-|', '=', 'b']).leaf)).toEqual([Paragraph, Paragraph, Paragraph, Paragraph]);
    expect(Array.from(scanBlocks(['a', '=', 'b']).leaf)).toEqual([Paragraph, Heading, Paragraph]);
  });

  it('is not read without a delimiter row: an indented line continues the paragraph', () => {
    expect(Array.from(scanBlocks(['|a|', '|b|', '    x']).leaf)).toEqual([Paragraph, Paragraph, Paragraph]);
    expect(Array.from(scanBlocks(['|a|', '|-|x', '    x']).leaf)).toEqual([Paragraph, Paragraph, Paragraph]);
    expect(Array.from(scanBlocks(['|a|', '    |-|', '    x']).leaf)).toEqual([Paragraph, Paragraph, Paragraph]);
  });

  it('ends at a blank line: the next paragraph is one again', () => {
    expect(Array.from(scanBlocks(['|a|', '|-|', '', 'b', '    x']).leaf)).toEqual([Paragraph, Paragraph, Blank, Paragraph, Paragraph]);
  });

  it('a request in the code after it does not trigger; one in a paragraph after it does', () => {
    expect(parseAgentCommand('|a|\n|-|\n    /agent x')).toBeNull();
    expect(parseAgentCommand('|a|\n|-|\n\n/agent do X')).toEqual({ kind: 'prompt', prompt: 'do X' });
  });
});
