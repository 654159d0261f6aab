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
// Sizes: the small input must cost well over the helper's 2 ms floor when the JIT is warm (a shared run of the
// test files made 64 KiB of "<!A " too fast to measure).
it.each([
  ['declarations without ">" in an unclosed <code>', '<code>', '<!A ', null, 256],
  ['tags cmark escapes in an unclosed <code>', '<code>', '<b<', null, 128],
  ['link openers with unbalanced destinations', '', '[x](', GO, 128],
  ['extended autolinks ending in a backslash, one per paragraph', '', 'www.\\<\n\n', GO, 64],
])('%s parse in linear time', (_name, head, unit, expected, kib) => {
  const build = repeated(head, unit);
  expect(parseAgentCommand(build(1024))).toEqual(expected);
  // 8× the input: linear work grows about 8×, quadratic work about 64×.
  expect(growthRatio(build, parseAgentCommand, kib * 1024)).toBeLessThan(24);
});
