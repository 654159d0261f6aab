/**
 * Issue 12, item 8 ("fix the kind"; first-user review): block HTML or an HTML
 * comment the answer leaves open must not swallow the footer and marker, as an
 * open code fence already may not (open-fence.test.ts).
 */
import { describe, expect, it } from '@jest/globals';
import { fitCommentBody } from '../../src/agent/comment-length.js';
import { closeOpenBlocks } from '../../src/agent/open-blocks.js';
import { readMarker } from '../../src/agent/marker.js';
import { renderAnswer } from '../../src/agent/render.js';

const CHAT = '3f2b8c1e-9a4d-4e7b-8c2a-1d5e6f7a8b9c';
const URL = `https://coder.example.com/agents/${CHAT}`;

describe('closeOpenBlocks', () => {
  it('closes an unclosed <details>, innermost element first, after a blank line', () => {
    expect(closeOpenBlocks('<details><summary>Log</summary>\n\n<div>\nok')).toBe('<details><summary>Log</summary>\n\n<div>\nok\n\n</div>\n</details>');
  });

  it('leaves balanced HTML, void and self-closing tags, and inline elements alone', () => {
    const text = '<details><summary>x</summary>\n\nbody\n</details>\n<br><img src="a"/><b>bold';
    expect(closeOpenBlocks(text)).toBe(text);
  });

  it('ignores tags shown as code, and a stray closing tag', () => {
    expect(closeOpenBlocks('Write `<details>` to fold.\n\n    <div>\n\n</table> end')).toBe('Write `<details>` to fold.\n\n    <div>\n\n</table> end');
  });

  it('closes an open fence first, then the element around it', () => {
    expect(closeOpenBlocks('<details>\n\n```\nlog <div>')).toBe('<details>\n\n```\nlog <div>\n```\n\n</details>');
  });

  it('closes an HTML comment that would hide everything after it', () => {
    expect(closeOpenBlocks('Done. <!-- note to self')).toBe('Done. <!-- note to self -->');
    expect(closeOpenBlocks('<!-- <details> -->ok')).toBe('<!-- <details> -->ok');
  });

  it('a closing tag ends the elements left open inside it', () => {
    expect(closeOpenBlocks('<details><div>\n</details>\nafter')).toBe('<details><div>\n</details>\nafter');
  });
});

it('the footer and marker of an answer that opens <details> stay outside it', () => {
  const body = renderAnswer({ result: 'Done.\n\n<details><summary>Full log</summary>\n\nok 1', status: 'completed', durationMs: 1000, chatUrl: URL, chatId: CHAT });
  const footer = body.indexOf('[Open in Coder]');
  const before = body.slice(0, footer);
  expect((before.match(/<\/details>/g) ?? []).length).toBe(1);
  expect(readMarker(body)?.chatId).toBe(CHAT);
});

describe('HTML blocks of the other kinds an answer leaves open (re-review of issue 12)', () => {
  // CommonMark §4.6 types 1, 3, 4, 5: each runs to its own closer or to the end of the text, footer included.
  const TAIL = '— [footer link](https://example.com/f)';
  it.each([
    ['<script>', 'Answer\n\n<script>\nconst a = 1;', '</script>'],
    ['<style>', 'Answer\n\n<style>\np { color: red }', '</style>'],
    ['<textarea>', 'Answer\n\n<textarea>\nsome text', '</textarea>'],
    ['a processing instruction', 'Answer\n\n<?php echo 1;', '?>'],
    ['CDATA', 'Answer\n\n<![CDATA[ raw', ']]>'],
    ['a declaration', 'Answer\n\n<!DOCTYPE html', '>'],
  ])('%s left open is closed before the footer', (_name, content, closer) => {
    const body = fitCommentBody({ content, tail: TAIL });
    expect(body.slice(content.length, body.length - TAIL.length)).toContain(closer);
  });

  it('closed ones are left alone, and tags inside raw text are not read as tags', () => {
    const text = 'A\n\n<script>\nif (a < b) { x = "<details>"; }\n</script>\n\n<?php ?>\n<![CDATA[ x ]]>';
    expect(closeOpenBlocks(text)).toBe(text);
  });
});

