/**
 * Re-review 8f (low): the phrase counts only when a space or the line's end
 * follows it as shown (`/agent<x` starts nothing). In a paragraph, a `<!--`
 * with no `-->` after it is no HTML comment for cmark-gfm 0.29 (an inline
 * comment needs its `-->`): it is escaped and shown, `/agent&lt;!-- x`, so
 * the page reads "/agent<!-- x". The bot takes the open `<!--` for a comment
 * running to the end, hides it, and reads a bare `/agent` with an empty
 * request. Found by the differential fuzz (generator "entity": 6 in 3,000 and
 * 10 in 10,000 documents, every one this shape).
 * Expected: null, as for `/agent<x`. Got: { kind: 'prompt', prompt: '' }.
 */
import { expect, it } from '@jest/globals';
import { parseAgentCommand } from '../../src/agent/command.js';

it.each([
  // cmark: <p>/agent&lt;!-- x</p>
  ['/agent<!-- x'],
  // cmark: <p>/agent&lt;!--</p>
  ['/agent<!--'],
])('an unclosed "<!--" right after the phrase in a paragraph is shown, so %j starts nothing', (text) => {
  expect(parseAgentCommand('/agent<x')).toBeNull();
  expect(parseAgentCommand(text)).toBeNull();
});

// The fix must keep: a comment cmark-gfm reads as one hides; "/agent" then shows alone, a request without a prompt.
it('a closed comment right after the phrase still leaves the phrase shown alone', () => {
  expect(parseAgentCommand('/agent<!-- x -->')).toEqual({ kind: 'prompt', prompt: '' });
  // cmark: <p>/agent&lt;!-- a -- b --&gt;</p>: "--" inside, shown as text.
  expect(parseAgentCommand('/agent<!-- a -- b -->')).toBeNull();
});
