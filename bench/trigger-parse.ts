/**
 * Trigger parsing figures (issue 8, kind 4): the time to parse 1 MB of
 * adversarial Markdown for an `/agent` request, for several kinds of input
 * that make naive scanners and parsers quadratic (goal < 100 ms each: the
 * work is linear in the text, so a megabyte is a small constant).
 */
import { parseAgentCommand } from '../src/agent/command.js';
import { findImageUrls } from '../src/agent/images.js';
import { stripMarkers } from '../src/agent/marker.js';
import type { BenchRow } from './report.js';

const MB = 1024 * 1024;

function fill(unit: string, prefix = '/agent '): string {
  return prefix + unit.repeat(Math.ceil((MB - prefix.length) / unit.length)).slice(0, MB - prefix.length);
}

/** The request at the end, so everything before it must be read. */
function before(unit: string): string {
  const request = '\n\n/agent go';
  return unit.repeat(Math.ceil(MB / unit.length)).slice(0, MB - request.length) + request;
}

const INPUTS: Record<string, string> = {
  'the issue\'s input ("/agent " + "`a"…)': fill('`a'),
  '"`a"… before the request': before('`a'),
  'unmatched runs of every length before the request': before(Array.from({ length: 64 }, (_v, i) => '`'.repeat(i + 1)).join('a') + '\n'),
  'unclosed <code> tags before the request': before('<code a '),
  'nested quotes ("> ")': fill('> ', ''),
  'lines of indented code and quotes': fill('    /agent x\n> /agent y\n[a]: b\n', ''),
  'emphasis and brackets ("*[a") before the request': before('*[a'),
  'labels cut by headings ("[a" / "#") before the request': before('[a\n#\n'),
  'definitions with titles over lines before the request': before('[a]: b "\nc\n'),
  'unclosed titles ("[a]: b (") before the request': before('[a]: b (\n'),
  'tags with quotes over lines before the request': before('<a x="\n<b y=\'\n'),
  'unclosed tags ("<a b c") before the request': before('<a b c '),
  'unclosed <script> tags before the request': before('<script '),
  'images with alt text over lines before the request': before('![a\nb](c)\n'),
  'image openers ("![a") before a far "](" ': `${'![a\n'.repeat((MB - 40) / 4)}](u)\n\n/agent go`,
  'link titles over lines before the request': before('[a](b "\nc\n'),
  'brackets before one far "](" and a title over lines': `${'[!'.repeat((MB - 40) / 2)}](u "t\nx")\n\n/agent go`,
  'bare fences ("```" × 262,144) after the request': `/agent go\n${'```\n'.repeat(262_144)}`,
  'list-item fences ("- ```") before the request': before('- ```\n'),
  // review-sec finding 8: each paragraph searched for a backtick to the end of the text (1.7 s per MB).
  'paragraphs without a backtick ("a\\n\\n") after the request': fill('a\n\n', '/agent x\n'),
  'paragraphs with one backtick ("a`\\n\\n") after the request': fill('a`\n\n', '/agent x\n'),
  // Reference-style images with alt text over lines, and spaces after "](" (review-sec finding 4; the spaces were quadratic).
  'reference image openers ("![a\\n") before a far "][" ': `${'![a\n'.repeat((MB - 40) / 4)}][u]\n\n/agent go`,
  'spaces after "](" before the request': `[a](${' '.repeat(MB - 40)}\n\n/agent go`,
  // List items holding quotes and definitions (review-sec finding 5).
  'list items with definitions and quotes before the request': before('- [a]: b "\nc\n- > d\n'),
  // Raw HTML GitHub does not show (review-sec finding 3): block tags, processing instructions.
  'block tags over lines ("<div\\n") before the request': before('<div\n'),
  // Raw HTML in HTML blocks, read as the browser's tokenizer reads it (re-review 8).
  'quoted values left open in <div> blocks ("<div>\\n<img alt=\\"x\\n\\n") before the request': before('<div>\n<img alt="x\n\n'),
  'processing instructions on one line ("<?<?") before a far "?>"': `${'<?'.repeat((MB - 40) / 2)}?>\n\n/agent go`,
  // Comments are read after code (review-sec finding 2): openers inside code spans, and unclosed openers.
  'comment openers in code spans ("`<!--`") before the request': before('`<!--` a\n'),
  'comments over lines ("<!-- a\\n-->") before the request': before('<!-- a\n-->b\n'),
  // Unclosed comments each cut short by a fence: every one searched to the end for "-->" (re-review: 46.7 s per MB).
  'unclosed comments cut by fences ("<!--\\n```\\n") after the request': fill('<!--\n```\n', '/agent x\n'),
  // HTML blocks are read with the fences (issue 8, N1): fences inside comments, tags alone on lines, comments in <div>.
  'comment blocks holding fences ("<!--\\n```\\n-->") before the request': before('<!--\n```\n-->\n'),
  'tags alone on lines over fences ("<span>\\n```\\n\\n") after the request': fill('<span>\n```\n\n', '/agent x\n'),
  'comments left open in <div> blocks ("<div>\\n<!--\\n\\n-->") before the request': before('<div>\n<!--\n\n-->\n\n'),
  // Blocks are read with their containers (issue 8, list blocks): deep nesting, every container matched on every
  // line, and fences on list items' continuation lines.
  'nested list markers ("- - - …") on one line before the request': `${'- '.repeat((MB - 40) / 2)}a\n\n/agent go`,
  'nested quote markers (">>>…") on one line before the request': `${'>'.repeat(MB - 40)} a\n\n/agent go`,
  'list items 32 deep, then blank lines before the request': `${'- '.repeat(32)}a${'\n'.repeat(MB - 100)}/agent go`,
  'quotes 32 deep on every line before the request': before(`${'> '.repeat(32)}a\n`),
  'lines of 33 nested items (one past the depth limit) before the request': before(`${'- '.repeat(33)}a\n`),
  'alternating indents under nested items before the request': before('- a\n  - b\n      c\n    ```\n  d\n\n'),
  'fences on list items\' continuation lines ("- a\\n\\n  ```\\n```") before the request': before('- a\n\n  ```\n```\n'),
  // Code spans are paired per block, an escaped backtick shortens its run, and attributes of tags are left out of the
  // prompt (issue 8, review 8 P1-P3, P5): runs left open in block after block, escapes, indented continuation lines.
  'unmatched runs across headings, breaks and items before the request': before('``\n***\n`a\n- ``b\n# c ```\n1. `d\n'),
  'runs of every length, one block each, before the request': before(`${Array.from({ length: 64 }, (_v, i) => `- a${'`'.repeat(i + 1)}`).join('\n')}\n`),
  'escaped runs ("\\``") in one paragraph before the request': before('\\``'),
  'backslashes before every run ("\\\\…`") before the request': before(`${'\\'.repeat(31)}\`a`),
  'alternating indented continuation lines before the request': before('a ```b\n    ```\n\t`c\n      ~~~`\n'),
  'tags with many attributes after the request': fill('<a title="x" alt=y href="u" aria-label=\'z\'>b</a> ', '/agent x\n'),
  // Shapes over the goal in re-review 8 ("Speed"): NUL and zero-width characters on every line (the invisible-character
  // regexes), lines ended by a lone CR, and <div> blocks each holding an <img alt=" left open.
  'lines of NUL and zero-width characters ("\\0\\u200B`\\n") before the request': before('\0\u200B`\n'),
  'lines ended by a lone CR ("`a\\r") before the request': before('`a\r'),
  '<div> blocks with an unclosed <img alt=" before the request': before('<div>\n<img alt="x\n\n'),
  // Re-review 8: bogus comments and tags spanning lines inside HTML blocks, and a stray </pre> after list items.
  'bogus comments and multi-line tags in <div> blocks before the request': before('<div>\nx <?\n>\n<img\na\n>\n\n'),
  'stray </pre> after list items, then open tags, before the request': before('- a\n</pre>\n<img\n\n'),
  // Re-review 8b (F2, L2, F4): brackets matched on an opener stack, references looked up, emptied list items.
  'nested link openers ("[[[…") closed by "](u)" each, before the request': `${'['.repeat(MB / 10)}${'](u "t")'.repeat(MB / 10)}\n\n/agent go`,
  'nested image openers ("![![…") closed by "](u)" each, before the request': `${'!['.repeat(MB / 12)}${'](u)'.repeat(MB / 6)}\n\n/agent go`,
  'links inside images ("![a [b](u) ") before one far "](u)"': `${'![a [b](u) '.repeat((MB - 40) / 12)}](u)\n\n/agent go`,
  'references to a defined label ("[a][x] [x] ![x][]") before the request': `[x]: /u\n${before('[a][x] [x] ![x][] ')}`,
  'list items holding only a definition ("- [x]: /u\n\n") before the request': before('- [x]: /u\n\n'),
  // Found while speeding the parser up (issue 8, parse-speed): every line a block tag with 26 attributes, each one
  // hidden twice (html-hidden.ts and raw-html.ts), a million offsets pushed onto plain arrays (99 ms per MB).
  'block tags with many attributes on every line ("<div a b … z>") before the request': before(`<div ${'abcdefghijklmnopqrstuvwxyz'.split('').join(' ')}>\n`),
  // Fix 8p: the tags of HTML blocks are read with the special elements open, in scope, through every block.
  'open blocks and stray end tags in HTML blocks ("<div><ul><li><dl><dd>\\na </li></dt>\\n\\n<span>\\n") before the request': before('<div><ul><li><dl><dd>\na </li></dt>\n\n<span>\n'),
  'list items closed by the next, headings, paragraphs between ("<li>a <h1>b</h2>\\n\\npara\\n\\n") before the request': before('<li>a <h1>b</h2>\n\npara\n\n'),
  // Re-review 8b, P1: each line starting with "/" had its comments walked from the text's first (4.1 s per MB).
  'comments each followed by a line starting with "/" ("<!---->\\n/\\n") before the request': before('<!---->\n/\n'),
  // Re-review 8b: unclosed tags on every line, each read to its line's end (99–186 ms per MB).
  'unclosed tags alone on lines ("<a\\n") before the request': before('<a\n'),
  // fix8d: a "\<" makes its paragraph's inlines read to the end (an extended autolink may hold the backslash).
  'extended autolinks ending in a backslash before tags ("www.a\\<b [x ") before the request': before('www.a\\<b [x '),
  'extended autolinks ending in a backslash, one per paragraph ("www.\\<\\n\\n") before the request': before('www.\\<\n\n'),
  // fix8d: inside an unclosed <code>, every "<" of a paragraph is read with cmark-gfm's inline grammar, and every tag
  // of an HTML block with the tokenizer's states; a declaration's ">" searched per "<!A " was quadratic.
  'tags cmark escapes in an unclosed <code> ("<b<") before the request': `<code>${before('<b<')}`,
  'declarations without ">" in an unclosed <code> ("<!A ") before the request': `<code>${before('<!A ')}`,
  'attribute names starting with "=" in a <div> block ("<b =\\"x>") before the request': `<div>\n<code>${before('<b ="x>')}`,
  // fix8d (N3): destinations whose parentheses need not balance (cmark 0.29, up to 32 open), read in one pass; a scan
  // from each "](" over the next 32 cost about 160 ms per MB on "[x](" repeated.
  'link openers with unbalanced destinations ("[x](") before the request': before('[x]('),
  'empty destinations ("[x]()") before the request': before('[x]()'),
  'links in image descriptions with "(" open ("![a [](](\\n)\\n") before the request': before('![a [](](\n)\n'),
  // fix8d: an extended autolink at a "](" starts only if cmark makes no link there, so each such link's destination
  // and title are read (once, with the destinations above).
  'extended autolinks in link destinations ("[a](www.a\\<") before the request': before('[a](www.a\\<'),
  // Re-review 8e: the browser ends an inline processing instruction or CDATA section at its first ">" and reads the
  // rest, up to cmark's "?>" or "]]>", as raw HTML: a "<!--" there opens a comment that runs to the next raw "-->"
  // (here in the same instruction, in the next inline comment, or after bogus comments read the browser's way).
  'comments closed inside processing instructions ("a <?><!-- -->?>\\n") before the request': before('a <?><!-- -->?>\n'),
  'comments after processing instructions closed by the next comment ("a <?><!--?> <!-- -->\\n") before the request': before('a <?><!--?> <!-- -->\n'),
  'bogus comments before comments in CDATA sections ("a <![CDATA[><?<!</ ><!-- -->]]>") before the request': before('a <![CDATA[><?<!</ ><!-- -->]]>'),
  'escaped text after processing instructions ("a <?><!--?> --> `-->` \\<!-- -->\\n"), closed by a far comment': `${'a <?><!--?> --> `-->` \\<!-- -->\n'.repeat((MB - 60) / 32)}\n<!-- -->\n\n/agent go`,
  'comments left open in processing instructions ("a <?><!--?>"), each rest read for tags': before('a <?><!--?>'),
  'tags with quoted values in processing instructions ("a <?><b title=\\"x\\" c=d ?>\\n") before the request': before('a <?><b title="x" c=d ?>\n'),
  // Re-review 8f: a raw-text element's name after a processing instruction's first ">" is read once; footnote
  // definitions are read to their end once, each label within its line; a comment shown as text after the phrase.
  'near raw-text names in processing instructions ("a <?><scripts x>?>\\n") before the request': before('a <?><scripts x>?>\n'),
  'unclosed footnote labels ("[^a") before the request': before('[^a\n'),
  'footnote definitions with indented and lazy lines ("[^a]: b\\n\\n    c\\nd\\n\\n") before the request': before('[^a]: b\n\n    c\nd\n\n'),
  'comments shown as text after the phrase ("/agent<!-- a -- b -->\\n") before the request': before('/agent<!-- a -- b -->\n'),
  // fix8h: where cmark writes tags of its own between HTML blocks, a bogus comment or tag still open ends at their
  // first ">" (and the next block's first line is hidden); a comment that runs out of a quote keeps the rest quoted.
  'bogus comments in HTML blocks ended by paragraphs ("<div><!A\\n\\na\\n\\n") before the request': before('<div><!A\n\na\n\n'),
  'bogus comments in list items ("- <div><!A\\n") before the request': before('- <div><!A\n'),
  'comments over quoted lines ("> <!-- a\\n> b -->\\n\\n") before the request': before('> <!-- a\n> b -->\n\n'),
  // fix8k: a table's delimiter row is read once per paragraph line (spaces never re-read per split); indented code
  // ends a table; a setext-like line inside a footnote definition runs it on.
  'tables ended by indented code ("|a|\\n|-|\\nb\\n    c\\n\\n") before the request': before('|a|\n|-|\nb\n    c\n\n'),
  'near delimiter rows ("a\\n|-" + 60 spaces + "x\\n") before the request': before(`a\n|-${' '.repeat(60)}x\n`),
  'footnote definitions run on through setext-like lines ("[^a]: b\\n=\\nc\\n\\n") before the request': before('[^a]: b\n=\nc\n\n'),
  // fix8m: every bracket pair that makes no link is asked whether it is a footnote reference over lines (hidden), and a
  // one-line one whether a definition names it; nested ones are not read for that.
  'footnote references over lines ("x [^a\\nb] ") before the request': before('x [^a\nb] '),
  'nested footnote references with a definition ("[^a"…"]"…) before the request': `[^a]: b\n\n${'[^a'.repeat((MB - 40) / 4)}${']'.repeat((MB - 40) / 4)}\n\n/agent go`,
  // fix8m: a line of an HTML block starts a request only after a one-line <br> or block tag (listed as the tags are
  // read); a table whose <table> a tag left open swallows is hidden to the next blank line.
  'HTML block lines after <br> tags ("<div>\\na<br>\\n/a\\n\\n") before the request': before('<div>\na<br>\n/a\n\n'),
  'swallowed tables ("<div><b\\n\\n|a|\\n|-|\\nb\\n\\n") before the request': before('<div><b\n\n|a|\n|-|\nb\n\n'),
  // fix8l: start and end tags of elements that keep a quote open are counted in one pass over the quotes; a
  // <noscript>'s end tag is searched for once, past those cmark writes as text; comments over lines after the phrase.
  'tables and objects closed in quotes ("> <table><object>\\n> </object></table>\\n\\n") before the request': before('> <table><object>\n> </object></table>\n\n'),
  'noscript elements past end tags shown as text ("a <noscript>b `</noscript>` \\\\</noscript> c</noscript>\\n\\n") before the request': before('a <noscript>b `</noscript>` \\</noscript> c</noscript>\n\n'),
  'comments over lines after the phrase ("/agent<!--\\n-->y\\n\\n") before the request': before('/agent<!--\n-->y\n\n'),
  // fix8n: skipped elements (rp, blockquote, template, select) with tags inside, whose ranges give way to one; raw-text
  // tags the tag filter lets through, closed in HTML blocks; comments shown as text at line starts.
  'rp and template elements with tags inside ("a <rp><b>x</b></rp> <template><i>y</i></template>\\n") before the request': before('a <rp><b>x</b></rp> <template><i>y</i></template>\n'),
  'xmp elements the tag filter lets through ("<div><xmp/x>\\n</xmp/x>\\n\\n") before the request': before('<div><xmp/x>\n</xmp/x>\n\n'),
  'comments shown as text at line starts ("\\u200B<!-- -- -->/ag\\n") before the request': before('\u200B<!-- -- -->/ag\n'),
};

/**
 * Image finding (images.ts) on the request's text: runs for writers only,
 * after the permission check, but on every request. review-sec finding 9:
 * patterns from every opener to the end of the text took 129 s per MB.
 */
const IMAGE_INPUTS: Record<string, string> = {
  'image openers without "]" ("![a")': fill('![a', '/agent x\n'),
  '<img tags without ">" ("<img ")': fill('<img ', '/agent x\n'),
  '<img tags without a value ("<img src")': fill('<img src', '/agent x\n'),
};

/**
 * Best of five runs after a warm-up, in milliseconds of CPU time (user and
 * system, all of the process's threads, so garbage collection counts): on a
 * shared machine wall time measures the neighbours as much as the parser.
 */
function bestMs(text: string, work: (text: string) => unknown = parseAgentCommand): { cpu: number; wall: number } {
  work(text);
  let cpu = Infinity;
  let wall = Infinity;
  for (let i = 0; i < 5; i++) {
    const usage = process.cpuUsage();
    const t = process.hrtime.bigint();
    work(text);
    wall = Math.min(wall, Number(process.hrtime.bigint() - t) / 1e6);
    const spent = process.cpuUsage(usage);
    cpu = Math.min(cpu, (spent.user + spent.system) / 1000);
  }
  return { cpu, wall };
}

/**
 * Marker neutralising (marker.ts `stripMarkers`) on the review's worst case:
 * look-alikes nested so that removing one joins its neighbours into the
 * next. A fixpoint loop took 5.3 s on 384 KB; linear work is a small
 * constant per megabyte (goal ≤ 50 ms per MB).
 */
function nestedLookalikes(): string {
  const d = Math.floor((MB - 24) / 24);
  return `${'<!-'.repeat(d)}<!-- coder-agent-bot -->${'- coder-agent-bot -->'.repeat(d)}`;
}

export async function benchTriggerParse(): Promise<BenchRow[]> {
  const rows: BenchRow[] = Object.entries(INPUTS).map(([name, text]) => {
    const { cpu, wall } = bestMs(text);
    return { name: `parse 1 MB: ${name}`, value: Math.round(cpu), unit: `ms CPU (${Math.round(wall)} ms wall)`, goal: '< 100 ms CPU', ok: cpu < 100 };
  });
  for (const [name, text] of Object.entries(IMAGE_INPUTS)) {
    const { cpu, wall } = bestMs(text, findImageUrls);
    rows.push({ name: `find images in 1 MB: ${name}`, value: Math.round(cpu), unit: `ms CPU (${Math.round(wall)} ms wall)`, goal: '< 100 ms CPU', ok: cpu < 100 });
  }
  const nested = nestedLookalikes();
  const { cpu, wall } = bestMs(nested, stripMarkers);
  const perMb = (cpu * MB) / nested.length;
  rows.push({ name: 'neutralise markers, nested look-alikes', value: Math.round(perMb), unit: `ms CPU per MB (${Math.round(wall)} ms wall, ${Math.round(nested.length / 1024)} KB)`, goal: '≤ 50 ms per MB', ok: perMb <= 50 });
  return rows;
}
