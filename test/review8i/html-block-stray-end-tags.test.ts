/**
 * Re-review 8i: only `/agent` that GitHub shows at the start of a line
 * starts the agent (issue 8).
 *
 * Fix 8m (html-line-breaks.ts) lets a line of an HTML block start a request
 * only when the line before ends with a `<br>` or a block element's tag,
 * start or end (`LINE_BREAKING_NAMES`). An end tag breaks a line only when
 * it closes an open element: an end tag whose element is not in scope is a
 * parse error the browser ignores (WHATWG HTML §13.2.6.4.7, "in body": `</li>`,
 * `</dd>`, `</dt>`, `</ol>`, `</ul>`, `</dl>`, `</div>`, `</figure>`,
 * `</h1>`…`</h6>` "if the stack of open elements does not have … in scope,
 * … ignore the token"; `</hr>` names a void element, never open). So in
 * `<div>⏎Please do not run </li>⏎/agent x` no `li` is open, the `</li>` is
 * dropped, and the block shows one line, "Please do not run /agent x"; the
 * bot reads the `</li>` as a line break and starts the agent. (`</p>` and
 * `</br>` do break the line: the parser makes an empty `p`, or a `br`.)
 * Oracle: cmark-gfm 0.29 `--unsafe --hardbreaks -e table -e autolink
 * -e tagfilter -e strikethrough -e footnotes` passes each block through as
 * written; parse5 7 (fragment in a `div`, as GitHub's sanitiser parses it)
 * gives the trees below, where the phrase follows text on its line.
 * Found by reading the fix against the tree builder's end tag rules, then
 * the fuzz's shape "htmllines" (an oracle that lays HTML text out as
 * `white-space: normal`: a newline is a space, only `<br>` and blocks break):
 * 4,500 documents, 7 false triggers, all this kind.
 * Severity: low (the phrase is shown, mid-line, so a reader sees it, but not
 * as a request: "Please do not run /agent x" starts the agent).
 * Fix (a suggestion): count an end tag as a line break only when an element
 * of its name was opened before it in the same HTML block (or in the blocks
 * of the same open element) and not yet closed; a stray end tag, and
 * `</hr>`, break nothing (hiding more errs towards no request).
 *
 * Fixed by 8p (html-line-breaks.ts `LineStarts`): the tags of HTML blocks
 * are read in order with the special elements open, as the tree builder
 * reads them; more shapes in test/agent/html-line-breaks.test.ts.
 */
import { describe, expect, it } from '@jest/globals';
import { parseAgentCommand } from '../../src/agent/command.js';

describe('an end tag that closes nothing breaks no line in an HTML block', () => {
  it.each([
    // Oracle: parse5 "<div>\nPlease do not run \n/agent x\n</div>": one shown line. Expected: null. Got: a prompt "x".
    ['a stray </li>', '<div>\nPlease do not run </li>\n/agent x\n</div>'],
    // Oracle: parse5 "<div>\na \n/agent x\n</div>". Got: a prompt.
    ['a stray </dd>', '<div>\na </dd>\n/agent x'],
    // Oracle: parse5 "<div>\na \n/agent x\n</div>". Got: a prompt.
    ['a stray </ul>', '<div>\na </ul>\n/agent x'],
    // Oracle: parse5 "<div>\na \n/agent x\n</div>". Got: a prompt.
    ['a stray </h1>', '<div>\na </h1>\n/agent x'],
    // Oracle: parse5 "<span>\na \n/agent x\n</span>": `</hr>` is no tag of an open element. Got: a prompt.
    ['</hr>', '<span>\na </hr>\n/agent x'],
    // Oracle: parse5 (fragment) "<span>\na \n/agent x\n</span>": no div is open. Got: a prompt.
    ['a stray </div>', '<span>\na </div>\n/agent x'],
  ])('does not start the agent: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toBeNull();
  });

  it.each([
    // Oracle: parse5 "<div>\na </div>\n/agent x": the div closes, the phrase starts a line.
    ['an end tag that closes its element', '<div>\na </div>\n/agent x'],
    // Oracle: parse5 "<div>\na <p></p>\n/agent x": a stray </p> makes an empty paragraph, a block.
    ['a stray </p>', '<div>\na </p>\n/agent x'],
  ])('still starts it: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toEqual({ kind: 'prompt', prompt: 'x' });
  });
});
