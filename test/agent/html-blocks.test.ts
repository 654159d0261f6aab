/**
 * HTML block starts read with ASCII white space, as cmark-gfm 0.29's
 * scanner reads them (html-blocks.ts `TYPE_7`, re-review 8h). Oracle:
 * cmark-gfm 0.29.0.gfm.6 `--unsafe --hardbreaks -e table -e autolink
 * -e tagfilter -e strikethrough -e footnotes`.
 */
import { describe, expect, it } from '@jest/globals';
import { parseAgentCommand } from '../../src/agent/command.js';
import { htmlBlockStart } from '../../src/agent/html-blocks.js';

const startOf = (line: string): number => htmlBlockStart(line, 0, line.length, false);

describe('a type 7 HTML block start', () => {
  it.each([
    ['a no-break space between name and attribute', '<b\u00A0x>'],
    ['a line separator before ">"', '<b\u2028>'],
    ['a vertical tab after the tag', '<b>\v'],
  ])('is none with %s', (_name, line) => {
    expect(startOf(line)).toBe(0);
  });

  it.each([
    ['ASCII white space inside the tag', '<b\tx =\fy\v/>'],
    ['a form feed after the tag', '<b>\f'],
    ['a carriage return ending the line', '<b x>\r'],
    // Oracle: "<b x=a\u00A0b>⏎/agent x": a value's characters are any but ASCII white space and `"'=<>\``.
    ['a no-break space inside an unquoted value', '<b x=a\u00A0b>'],
  ])('is one with %s', (_name, line) => {
    expect(startOf(line)).toBe(7);
  });

  it('leaves the fence after a tag with a no-break space a code block, whatever a <br> in its info string', () => {
    // Oracle: "<p>&lt;b x&gt;</p>⏎<pre><code class=\"language-&lt;br&gt;\">/agent x⏎</code></pre>": code.
    expect(parseAgentCommand('<b\u00A0x>\n```<br>\n/agent x\n```')).toBeNull();
  });
});
