/**
 * Fix8d: the readings added for N2, N3 and extended autolinks ending in a
 * backslash stay linear in the body (issue 8, kind 4; speed itself is in
 * `npm run bench`, goal < 100 ms CPU per MB). Each shape is one the new
 * reading makes the parser look at many times: every `<` inside an unclosed
 * `<code>` (a declaration's `>` searched per `<!A ` was quadratic), every
 * destination after a `](` (a scan from each over up to 32 others), every
 * paragraph holding a `\<` after an extended autolink.
 */
import { expect, it } from '@jest/globals';
import { parseAgentCommand } from '../../src/agent/command.js';
import { growthRatio } from '../helpers/growth.js';

function repeated(head: string, unit: string): (size: number) => string {
  return (size) => `${head}${unit.repeat(Math.floor(size / unit.length))}\n\n/agent go`;
}

const GO = { kind: 'prompt', prompt: 'go' };

// What GitHub shows, from cmark-gfm 0.29.0.gfm.6 and the browser's tree: the two `<code>` inputs end
// `<p><code>a &lt;!A …</p>\n<p>/agent go</p>`, and the browser reopens the unclosed <code> (a formatting element)
// in the next paragraph, so the request is code; the others end `…</p>\n<p>/agent go</p>` with nothing open.
it.each([
  ['declarations without ">" in an unclosed <code>', '<code>', '<!A ', null],
  ['tags cmark escapes in an unclosed <code>', '<code>', '<b<', null],
  ['link openers with unbalanced destinations', '', '[x](', GO],
  ['extended autolinks ending in a backslash, one per paragraph', '', 'www.\\<\n\n', GO],
])('%s parse in linear time', (_name, head, unit, expected) => {
  const build = repeated(head, unit);
  expect(parseAgentCommand(build(1024))).toEqual(expected);
  // 8× the input: linear work grows about 8×, quadratic work about 64×.
  expect(growthRatio(build, parseAgentCommand, 64 * 1024)).toBeLessThan(24);
});
