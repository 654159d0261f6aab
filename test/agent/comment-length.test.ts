import { describe, expect, it } from '@jest/globals';
import { cutCleanly, fitCommentBody, GITHUB_COMMENT_LIMIT, MAX_COMMENT_LENGTH } from '../../src/agent/comment-length.js';
import { scanFences } from '../../src/agent/markdown.js';

const URL = 'https://coder.example.com/agents/3f2b8c1e-9a4d-4e7b-8c2a-1d5e6f7a8b9c';
const TAIL = '---\nfooter\n\n<!-- coder-agent-bot chat=3f2b8c1e-9a4d-4e7b-8c2a-1d5e6f7a8b9c state=done -->';

function hasLoneSurrogate(text: string): boolean {
  return /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}

describe('fitCommentBody', () => {
  it('stays below GitHub’s limit with a margin', () => {
    expect(MAX_COMMENT_LENGTH).toBeLessThan(GITHUB_COMMENT_LIMIT);
  });

  it('joins content and tail unchanged when they fit', () => {
    expect(fitCommentBody({ content: 'short answer', tail: TAIL, fullTextUrl: URL })).toBe(`short answer\n\n${TAIL}`);
    expect(fitCommentBody({ content: 'only', tail: '' })).toBe('only');
  });

  it('cuts a long answer at a line boundary, with a note and link, keeping the tail whole', () => {
    const line = `${'x'.repeat(99)}\n`;
    const content = line.repeat(2_000); // 200,000 characters
    const body = fitCommentBody({ content, tail: TAIL, fullTextUrl: URL });
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT_LENGTH);
    expect(body.length).toBeGreaterThan(MAX_COMMENT_LENGTH - 300); // the room is used
    expect(body.endsWith(`\n\n${TAIL}`)).toBe(true);
    expect(body).toContain(`The answer was cut here: GitHub comments hold at most 65,536 characters. [Read the whole answer in Coder](${URL}).`);
    const kept = body.slice(0, body.indexOf('\n\n> ✂️'));
    expect(kept.split('\n').every((l) => l === 'x'.repeat(99))).toBe(true);
  });

  it('closes a code fence left open by the cut (200,000-character answer)', () => {
    const content = `Here is the log:\n\n~~~~text\n${'log line with some words\n'.repeat(8_000)}~~~~\n\nDone.`;
    expect(content.length).toBeGreaterThan(200_000);
    const body = fitCommentBody({ content, tail: TAIL, fullTextUrl: URL });
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT_LENGTH);
    const beforeNote = body.slice(0, body.indexOf('\n\n> ✂️'));
    expect(beforeNote.endsWith('\n~~~~')).toBe(true);
    expect(scanFences(beforeNote.split('\n')).openFence).toBeNull();
    // The note and footer are prose again, outside any block.
    expect(scanFences(body.split('\n')).openFence).toBeNull();
    expect(body.endsWith(TAIL)).toBe(true);
  });

  it('never cuts inside a surrogate pair or an emoji sequence', () => {
    for (const unit of ['😀', '👩🏽‍💻', '🇺🇸']) {
      // One enormous line: no line boundary to cut at.
      for (let shift = 0; shift < 4; shift++) {
        const content = 'a'.repeat(shift) + unit.repeat(Math.ceil(80_000 / unit.length));
        const body = fitCommentBody({ content, tail: TAIL, fullTextUrl: URL });
        expect(body.length).toBeLessThanOrEqual(MAX_COMMENT_LENGTH);
        expect(hasLoneSurrogate(body)).toBe(false);
        const kept = body.slice(0, body.indexOf('\n\n> ✂️'));
        expect(kept.slice(shift).length % unit.length).toBe(0);
      }
    }
  });

  it('omits the link when there is nowhere to read the whole text', () => {
    const body = fitCommentBody({ content: 'y'.repeat(70_000), tail: '', noun: 'message' });
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT_LENGTH);
    expect(body.endsWith('> ✂️ The message was cut here: GitHub comments hold at most 65,536 characters.')).toBe(true);
  });

  it('honours a smaller limit', () => {
    const body = fitCommentBody({ content: 'line\n'.repeat(100), tail: 'T' }, 200);
    expect(body.length).toBeLessThanOrEqual(200);
    expect(body.endsWith('\n\nT')).toBe(true);
  });
});

describe('cutCleanly', () => {
  it('returns short text whole', () => {
    expect(cutCleanly('abc', 10)).toBe('abc');
  });

  it('prefers the last line boundary when it keeps most of the room', () => {
    // The newline at 9 would leave 40% of the room unused: cut between characters instead.
    expect(cutCleanly('aaaaaaaaa\nbbbbbbbbbb', 15)).toBe('aaaaaaaaa\nbbbbb');
    expect(cutCleanly('aaaaaaaaaaaaa\nbbbbbbbbbb', 15)).toBe('aaaaaaaaaaaaa');
  });

  it('drops a trailing CR when cutting at a CRLF boundary', () => {
    expect(cutCleanly(`${'a'.repeat(20)}\r\n${'b'.repeat(20)}`, 23)).toBe('a'.repeat(20));
  });
});
