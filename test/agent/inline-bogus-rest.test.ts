/**
 * The rest of an inline processing instruction or CDATA section, after its
 * first `>`, read as the browser reads it (re-review 8e; comment-hidden.ts,
 * inline-bogus.ts). cmark-gfm 0.29 passes `<?…?>` and `<![CDATA[…]]>` in a
 * paragraph on whole; the browser ends each at the first `>` and reads what
 * follows as raw HTML. Each expectation below was checked against
 * cmark-gfm 0.29.0.gfm.6 (`--unsafe --hardbreaks`, GitHub's extensions) and
 * parse5's tree; the comment beside an input says what the page shows.
 */
import { describe, expect, it } from '@jest/globals';
import { parseAgentCommand } from '../../src/agent/command.js';
import { growthRatio } from '../helpers/growth.js';

const promptOf = (text: string): string | null => {
  const command = parseAgentCommand(text);
  return command === null || command.kind === 'stop' ? null : command.prompt;
};

describe('a comment the browser opens in the rest', () => {
  // Only a `-->` that reaches the browser as raw HTML ends the comment; cmark escapes every other one.
  it.each([
    ['a "-->" in text', '/agent x <?><!--?> --> zq1'],
    ['a "-->" in a code span', '/agent x <?><!--?> `-->` zq1'],
    ['an escaped comment', '/agent x <?><!--?>\n\\<!-- -->\nzq1'],
    ['a fenced code block', '/agent x <?><!--?>\n\n```\nq\n```\nzq1'],
    ['a multi-line instruction', '/agent x <?\nb> <!--\n?> zq1\nzq2'],
    ['a backslash before the "<!--", which escapes nothing in raw HTML', '/agent x <![CDATA[>\\<!--]]> zq1'],
    ['an instruction inside a comment cmark shows as text', '/agent x <!--<?><!--?>-->\nzq1'],
  ])('runs past %s (page: "/agent x")', (_name, text) => {
    const prompt = promptOf(text);
    expect(prompt).toContain('x');
    expect(prompt).not.toMatch(/zq/);
  });

  it.each([
    ['an escaped "-->" on the next line', 'a <?><!--?>\n-->\n/agent y'],
    ['a fence', 'a <?><!--?>\n\n```\nq\n```\n/agent y'],
    ['a ">" inside quotes, which ends the bogus comment all the same', 'a <?x "y>" <!--?>\n/agent z'],
    ['a comment reopened after a raw "-->"', 'a <?><!--?>\nb <?--> <!--?>\n/agent y'],
    ['a comment closed earlier in the same rest', 'a <?><!-- --> <!--?>\n/agent y'],
  ])('hides a request after %s (page: "a" only)', (_name, text) => {
    expect(parseAgentCommand(text)).toBeNull();
  });

  // The page shows the request: the comment ends at a raw `-->` (inline comment, HTML block, attribute value, later
  // instruction), or no comment opens (a bogus comment or declaration holds the `<!--`, `<!-->` is empty).
  it.each([
    ['closed by the next inline comment', 'a <?><!--?> <!-- c -->\n/agent y'],
    ['closed in an HTML block', 'a <?><!--?>\n\n<div>-->\n\n/agent y'],
    ['closed inside a later tag\'s value', 'a <?><!--?> <a title="-->">\n/agent y'],
    ['closed inside a later instruction', 'a <?><!--?>\nb <?-->?>\n/agent y'],
    ['not opened: "<!-->" is empty', 'a <?><!-->?>\n/agent y'],
    ['not opened: a declaration ends at its ">" in both readings', 'a <!A <!-- >\n/agent y'],
  ])('lets the request through when %s', (_name, text) => {
    expect(parseAgentCommand(text)).toEqual({ kind: 'prompt', prompt: 'y' });
  });

  it('keeps text after a bogus comment in the rest that holds the "<!--" (page: "/agent x ?> zq1")', () => {
    expect(promptOf('/agent x <?><?<!-- >?> zq1')).toContain('zq1');
  });

  it('leaves a <code> element in the rest to the browser\'s reading (page: "a" and code)', () => {
    expect(parseAgentCommand('a <?><code>?>\n/agent y')).toBeNull();
  });
});

describe('a tag the rest leaves open in a quoted value', () => {
  // cmark: <p>a <?><b title="?><br />⏎/agent y</p>; the browser's tag never ends, so the page shows "a".
  it.each([
    ['a processing instruction, double quotes', 'a <?><b title="?>\n/agent y'],
    ['a CDATA section, single quotes', "a <![CDATA[><b c='?]]>\n/agent y"],
  ])('hides what follows: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toBeNull();
  });

  it('keeps hidden text out of the prompt (page: "/agent x")', () => {
    expect(promptOf('/agent x <?><b title="?> zq1')).toBe('x');
  });

  it.each([
    ['the value closed in the rest', 'a <?><b title="x"?>\n/agent y'],
    ['a "=" starting a name, so no value opens', 'a <?><b ="x>?>\n/agent y'],
    ['the quote inside a comment closed in the rest', 'a <?><!-- <b title="-->?>\n/agent y'],
  ])('hides nothing more with %s', (_name, text) => {
    expect(parseAgentCommand(text)).toEqual({ kind: 'prompt', prompt: 'y' });
  });
});

describe('reading the rests stays linear (ratio between an input and one 8× larger)', () => {
  const GO = { kind: 'prompt', prompt: 'go' };
  it.each([
    ['comments closed by the next inline comment', 'a <?><!--?> <!-- -->\n', '', GO, 128],
    ['bogus comments before comments in CDATA sections', 'a <![CDATA[><?<!</ ><!-- -->]]>', '', GO, 128],
    ['escaped closers before a far raw one', 'a <?><!--?> --> `-->` \\<!-- -->\n', '\n<!-- -->\n', GO, 128],
    ['comments left open in every instruction', 'a <?><!--?>', '', null, 512],
    ['tags with quoted values in instructions', 'a <?><b title="x" c=d ?>\n', '', GO, 256],
  ])('%s', (_name, unit, tail, expected, kib) => {
    const build = (size: number): string => `${unit.repeat(Math.floor(size / unit.length))}${tail}\n\n/agent go`;
    expect(parseAgentCommand(build(4096))).toEqual(expected);
    // Sizes per shape: the small input must cost well over the helper's 2 ms floor with a warm JIT.
    expect(growthRatio(build, parseAgentCommand, kib * 1024)).toBeLessThan(24);
  });
});

describe('a raw-text element opened in the rest (re-review 8f)', () => {
  // cmark-gfm's tag filter does not look inside the instruction; parse5 opens the element after its first ">".
  it.each([
    ['<TEXTAREA>, any case', 'a <?><TEXTAREA>?>\n/agent y'],
    ['<plaintext>', 'a <![CDATA[><plaintext>]]>\n/agent y'],
    ['<noscript>, which the tag filter passes', 'a <?><noscript>?>\n/agent y'],
    ['<title x> with an attribute', 'a <?><title x>?>\n/agent y'],
  ])('hides what follows: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toBeNull();
  });

  it.each([
    // cmark: <p>a <?><scripts>?>⏎/agent y</p>; parse5: an unknown <scripts> element, its text shown.
    ['a longer name', 'a <?><scripts>?>\n/agent y'],
    // Before the first ">" the name is inside the bogus comment.
    ['inside the bogus comment', 'a <?<script>?>\n/agent y'],
    // An end tag opens nothing.
    ['an end tag', 'a <?></script>?>\n/agent y'],
  ])('leaves the request when none is opened: %s', (_name, text) => {
    expect(promptOf(text)).toBe('y');
  });

  it('is read in time linear in the text', () => {
    const unit = 'a <?><scripts x>?>\n';
    const build = (size: number): string => `${unit.repeat(Math.floor(size / unit.length))}\n\n/agent go`;
    expect(promptOf(build(4096))).toBe('go');
    expect(growthRatio(build, parseAgentCommand, 256 * 1024)).toBeLessThan(24);
  });
});
