/**
 * Issue 12, item 8 ("fix the kind"; first-user review): block HTML or an HTML
 * comment the answer leaves open must not swallow the footer and marker, as an
 * open code fence already may not (open-fence.test.ts).
 */
import { describe, expect, it } from '@jest/globals';
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
