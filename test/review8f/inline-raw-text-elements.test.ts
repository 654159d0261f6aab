/**
 * Re-review 8f: text GitHub hides must neither start the agent nor reach it
 * as instruction (issue 8; docs/security.md, "Who can trigger what").
 *
 * In a paragraph, cmark-gfm 0.29 (`--unsafe --hardbreaks -e autolink -e
 * tagfilter -e table -e strikethrough`) passes an inline processing
 * instruction (`<?` … `?>`) or CDATA section whole, and its tag filter does
 * not look inside it: `a <?><script>?>` is written as is. The browser
 * (parse5; GitHub's HTML5 sanitiser alike) ends `<?>` at its first `>` as a
 * bogus comment and then opens a `<script>` (or `<style>`) element, raw
 * text that runs to a `</script>` or to the end of the comment and is never
 * shown (GitHub's sanitiser removes the element with its content). The bot
 * reads the browser's way a `<!--`, a `<code>` and an open attribute value
 * after such a `>` (review 8e), but not a raw-text element, so the hidden
 * text starts the agent and reaches it as instruction. Found by the
 * differential fuzz (generator "quotehtml", 1 leak in 3,000; minimised by
 * hand). Not the block-quote bogus-comment kind being fixed elsewhere.
 */
import { describe, expect, it } from '@jest/globals';
import { parseAgentCommand } from '../../src/agent/command.js';

describe('a <script> or <style> opened inside an inline processing instruction or CDATA section', () => {
  it.each([
    // cmark: <p>a <?><script>?><br />⏎/agent y</p>. parse5: <p>a <!--?--><script>?><br />⏎/agent y</p>⏎</script>,
    // so the page shows "a" only. Expected: null. Got: { kind: 'prompt', prompt: 'y' }.
    ['<script> after <?>', 'a <?><script>?>\n/agent y'],
    // cmark: <p>a <?><style>?></p>⏎<p>/agent y</p>: the style element swallows the next paragraph too. Got: a prompt.
    ['<style> after <?>, the phrase in the next paragraph', 'a <?><style>?>\n\n/agent y'],
    // cmark: <p>a <![CDATA[><script>]]><br />⏎/agent y</p>. parse5: a bogus comment, then <script>. Got: a prompt.
    ['<script> after <![CDATA[>', 'a <![CDATA[><script>]]>\n/agent y'],
  ])('does not start the agent: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toBeNull();
  });

  // cmark: <p>/agent x <?><script>?><br />⏎zq1</p>. The page shows "/agent x" only. Expected: the prompt without
  // "zq1". Got: "x \nzq1".
  it('leaves the hidden text out of the instruction', () => {
    const command = parseAgentCommand('/agent x <?><script>?>\nzq1');
    expect(command).toMatchObject({ kind: 'prompt' });
    expect(command?.kind === 'prompt' ? command.prompt : '').not.toContain('zq1');
  });
});
