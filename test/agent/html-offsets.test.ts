/**
 * Offsets of HTML end tags are the text's own (fix-inline): a search in a
 * lower-cased copy gave offsets shifted by every `İ` (U+0130, which
 * lower-cases to two UTF-16 units) before the match, so a `<script>` or
 * `<pre>`/`<code>` element ended in the wrong place.
 */
import { describe, expect, it } from '@jest/globals';
import { parseAgentCommand } from '../../src/agent/command.js';

function promptOf(text: string): string {
  const command = parseAgentCommand(text);
  if (command === null || command.kind === 'stop') throw new Error(`no prompt in ${JSON.stringify(text)}`);
  return command.prompt;
}

describe('end tags after characters that lower-case to two units', () => {
  it('a <script> element ends at its own end tag', () => {
    // Shifted by 40, the search for `</script` started before the second opener and found the first end tag.
    const text = `/agent do ${'İ'.repeat(40)} <script>a</script> shown <script> secret </script> after`;
    const prompt = promptOf(text);
    expect(prompt).not.toContain('secret');
    expect(prompt).toContain('shown');
    expect(prompt).toContain('after');
  });

  it('a <code> element holding them ends at its own end tag, and the request after it counts', () => {
    expect(parseAgentCommand(`a <code>${'İ'.repeat(40)}</code>\n/agent go`)).toEqual({ kind: 'prompt', prompt: 'go' });
    expect(parseAgentCommand(`a <CODE>${'İ'.repeat(40)}</Code >\n/agent go`)).toEqual({ kind: 'prompt', prompt: 'go' });
  });
});

describe('<pre>/<code> element ends the browser surely sees (re-review 8b, F5: otherwise the element runs on)', () => {
  it.each([
    ['an end tag with attributes (text in a paragraph)', 'a <code>b </code x>\n/agent x'],
    ['an end tag inside a bogus comment', 'a <code>b <? </code> ?>\n/agent x'],
    ['an end tag in a quoted value over lines', 'a <code>b <a title="\n</code>">\n/agent x'],
  ])('%s ends nothing', (_name, text) => {
    expect(parseAgentCommand(text)).toBeNull();
  });

  it('a plain end tag ends the element', () => {
    expect(parseAgentCommand('a <code>b <a title="x">c</a></code>\n/agent x')).toEqual({ kind: 'prompt', prompt: 'x' });
    expect(parseAgentCommand('<pre>\nx\n</pre>\n\n/agent y')).toEqual({ kind: 'prompt', prompt: 'y' });
  });
});
