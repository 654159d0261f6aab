/**
 * Raw-text tags GFM's tag filter lets through (cmark-gfm 0.29
 * extensions/tagfilter.c escapes a listed name only when a space, tab, line
 * break, `>` or `/>` follows it): in an HTML block the browser opens a real
 * element whose text runs to an end tag the filter also lets through
 * (issue 8, fix 8n). Each case checked against cmark-gfm 0.29 (`--unsafe`,
 * GitHub's extensions) and parse5 7.
 */
import { describe, expect, it } from '@jest/globals';
import { parseAgentCommand } from '../../src/agent/command.js';

describe('a raw-text element the tag filter lets through', () => {
  it.each([
    // cmark: `<div><xmp/x>\n&lt;/xmp>\n<p>/agent x</p>`: the filter escapes `</xmp>`, which ends nothing.
    ['an escaped end tag after it', '<div><xmp/x>\n</xmp>\n\n/agent x'],
    // cmark: `<div><xmpx>…` with a form feed, which the filter does not take for a space and the browser does.
    ['a form feed after the name', '<div><xmp\fx>\n\n/agent x'],
    // cmark: `<div><script/x>\n&lt;/script>\n<p>/agent x</p>`: parse5 keeps it all in the script.
    ['a script, its end tag escaped', '<div><script/x>\n</script>\n\n/agent x'],
    // cmark writes the end tag in a code span as text: parse5 keeps it all in the textarea.
    ['an end tag in a code span', '<div><textarea/x>\n\n`</textarea/x>`\n\n/agent x'],
  ])('hides what follows: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toBeNull();
  });

  it.each([
    // parse5: `<div><xmp x="">\n</xmp>\n<p>/agent x</p>\n</div>`: `</xmp/x>` is let through too, and ends it.
    ['closed by an end tag the filter lets through', '<div><xmp/x>\n</xmp/x>\n\n/agent x'],
    // cmark: `<p>a &lt;xmp/x&gt;<br />\n/agent x</p>`: inline it is no tag.
    ['inline, where it is text', 'a <xmp/x>\n/agent x'],
  ])('shows what follows: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toEqual({ kind: 'prompt', prompt: 'x' });
  });
});
