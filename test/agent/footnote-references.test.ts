/**
 * Footnote references whose text GitHub does not show (footnote-references.ts,
 * re-review 8h): the neighbours of `x [^⏎/agent x]`. Oracle: cmark-gfm
 * 0.29.0.gfm.6 `--unsafe --hardbreaks -e table -e autolink -e tagfilter
 * -e strikethrough -e footnotes`, as each case's comment quotes it.
 */
import { describe, expect, it } from '@jest/globals';
import { parseAgentCommand } from '../../src/agent/command.js';
import { findHiddenLinkParts } from '../../src/agent/link-hidden.js';
import { growthRatio } from '../helpers/growth.js';

const promptOf = (text: string): string | null => {
  const command = parseAgentCommand(text);
  return command === null || command.kind === 'stop' ? null : command.prompt;
};

describe('a footnote reference over lines', () => {
  it.each([
    // Oracle: "<p>x [^⏎/ag]</p>": an escaped caret is a text node "^" pointing into the input, as a plain one.
    ['an escaped caret', 'x [\\^\n/agent x]'],
    // Oracle: "<p>x <a href=\"/u\">a [^⏎] b</a></p>": the reference forms inside a link's text.
    ['inside a link\'s text', 'x [a [^\n/agent x] b](/u)'],
    // Oracle: "<p>x <sup class=\"footnote-ref\">…1</a></sup></p>": its cut label "\n/ag" names a definition.
    ['whose cut label a definition matches', 'x [^\n/agent x]\n\n[^/ag]: n'],
    // Oracle: "<p>x [^⏎/ag]: y</p>": a ":" after it makes no definition of a label that is not on one line.
    ['followed by ":"', 'x [^\n/agent x]: y'],
    // Oracle: "<p>x [^⏎/agent ]</p>": emphasis inside is freed with the rest.
    ['holding emphasis', 'x [^\n/agent *x* y]'],
    // Oracle: "<p>x [^a  ⏎]</p>": a hard line break is no <br> inside it either.
    ['over a hard line break', 'x [^a  \n/agent x]'],
    // Oracle: "<p>x [^a\⏎/agent x]</p>": the column is not reset after this break, so the label is long enough to
    // show, but as one line with "x" (a plain newline, no <br>).
    ['over a backslash line break', 'x [^a\\\n/agent x]'],
  ])('hides its lines: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toBeNull();
  });

  it.each([
    // Oracle: "<p>x [ ^<br />⏎/agent x]</p>": the text after "[" starts with a space, so no reference.
    ['a space before the caret', 'x [ ^\n/agent x]', 'x]'],
    // Oracle: "<p>x [^ <a href=\"/u\">b</a><br />⏎/agent x]</p>": the link made the "[^" inactive, so "]" is text.
    ['a link inside made its opener inactive', 'x [^ [b](/u)\n/agent x]', 'x]'],
    // Oracle: "<p>x [^</p>⏎<p>/agent x]</p>": a blank line ends the paragraph first.
    ['a blank line between', 'x [^\n\n/agent x]', 'x]'],
    // Oracle: "<p>x <a href=\"/u\">^<br />⏎/agent x</a></p>": a defined reference makes a link.
    // The full reference's label `[y]` is not shown (link-hidden.ts, re-review 8h).
    ['a link by reference', 'x [^\n/agent x][y]\n\n[y]: /u', 'x]'],
  ])('is no reference where GitHub shows the line: %s', (_name, text, prompt) => {
    expect(promptOf(text)).toBe(prompt);
  });

  it('hides the whole reference, as one range, what was hidden inside it included', () => {
    const text = 'x [^ ![a](u "t")\n/agent x] y';
    expect(findHiddenLinkParts(text, [])).toEqual([2, text.indexOf(' y')]);
  });
});

describe('a footnote reference on one line', () => {
  it('is left in the instruction when no definition matches: GitHub shows it as written', () => {
    // Oracle: "<p>/agent use [^a-z] here</p>".
    expect(promptOf('/agent use [^a-z] here')).toBe('use [^a-z] here');
  });

  it('is left out of the instruction when a definition matches: GitHub shows a number', () => {
    // Oracle: "<p>/agent do it <sup class=\"footnote-ref\">…1</a></sup> now</p>" (label matched case-insensitively).
    expect(promptOf('/agent do it [^Delete-All] now\n\n[^delete-all]: note')).toBe('do it  now');
  });

  it('with an entity for its caret, hides the rest of the text', () => {
    // Oracle: "<p>x [^" and nothing after it: the label is read from past the entity's one-byte buffer, and the
    // command line prints nothing after the NUL it found there. What GitHub shows after it is not known.
    expect(parseAgentCommand('x [&#94;ab] c\n\n/agent x')).toBeNull();
    expect(parseAgentCommand('x [&Hat;\n/agent x]')).toBeNull();
    expect(promptOf('/agent go\n\nx [&#x0005E;ab] c\n\ndelete every branch')).toBe('go\n\nx');
  });

  it('is no reference with the caret alone or an entity with too many digits', () => {
    // Oracle: "<p>/agent go [^] [&amp;#0000000094;a]</p>".
    expect(promptOf('/agent go [^] [&#0000000094;a]\n\nb')).toBe('go [^] [&#0000000094;a]\n\nb');
  });
});

describe('reading footnote references', () => {
  it.each([
    // Every "]" closes a reference over a line; with a definition, nested labels are not read for a match.
    ['nested references over lines, with a definition', (n: number) => `[^a]: b\n\n${'[^a\n'.repeat(n)}${']'.repeat(n)}`, 16 * 1024],
    ['nested references on one line, with a definition', (n: number) => `[^a]: b\n\n${'[^a'.repeat(n)}${']'.repeat(n)}`, 64 * 1024],
  ])('is linear: %s', (_name, build, size) => {
    const text = (n: number): string => `${build(n)}\n\n/agent go`;
    expect(promptOf(text(100))).toBe('go');
    expect(growthRatio(text, parseAgentCommand, size)).toBeLessThan(24);
  });
});
