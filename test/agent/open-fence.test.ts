/**
 * Item 8 of issue 12: an answer that leaves a code fence open must not turn
 * the footer and hidden marker into code. Checked with a real CommonMark
 * parser (mdast-util-from-markdown), not with our own fence scanner.
 */
import { describe, expect, it } from '@jest/globals';
import { fromMarkdown } from 'mdast-util-from-markdown';
import type { Nodes } from 'mdast';
import { closeOpenFence } from '../../src/agent/markdown.js';
import { readMarker } from '../../src/agent/marker.js';
import { renderAnswer, renderStopped } from '../../src/agent/render.js';

const CHAT = '3f2b8c1e-9a4d-4e7b-8c2a-1d5e6f7a8b9c';
const URL = `https://coder.example.com/agents/${CHAT}`;

/** Every `code` node's text, as GitHub would show code. */
function codeBlocks(markdown: string): string[] {
  const out: string[] = [];
  const walk = (node: Nodes) => {
    if (node.type === 'code') out.push(node.value);
    if ('children' in node) for (const child of node.children) walk(child);
  };
  walk(fromMarkdown(markdown));
  return out;
}

/** The hidden marker as an HTML node (not text inside code). */
function hasHtmlMarker(markdown: string): boolean {
  let found = false;
  const walk = (node: Nodes) => {
    if (node.type === 'html' && node.value.includes('coder-agent-bot chat=')) found = true;
    if ('children' in node) for (const child of node.children) walk(child);
  };
  walk(fromMarkdown(markdown));
  return found;
}

const answers: [string, string][] = [
  ['a backtick fence', 'Try this:\n\n```ts\nconst session = cached();\n'],
  ['a tilde fence of four', 'Output:\n\n~~~~\nline one\n~~~\nline two'],
  ['a fence inside a list item', '1. Run:\n\n   ```sh\n   npm test\n'],
  ['a fence with nothing after it', '```'],
];

describe('an answer that leaves a code fence open', () => {
  it.each(answers)('renderAnswer closes %s before the footer', (_name, result) => {
    const body = renderAnswer({ result, chatUrl: URL, chatId: CHAT, status: 'waiting', durationMs: 5000 });
    for (const code of codeBlocks(body)) {
      expect(code).not.toContain('Open in Coder');
      expect(code).not.toContain('coder-agent-bot');
    }
    expect(hasHtmlMarker(body)).toBe(true);
    expect(readMarker(body)).toEqual({ chatId: CHAT, state: 'done' });
  });

  it.each(answers)('renderStopped closes %s in the partial answer before the link', (_name, partialResult) => {
    const body = renderStopped({ chatUrl: URL, chatId: CHAT, reason: 'The workflow run was cancelled.', partialResult, elapsedMs: 3000 });
    for (const code of codeBlocks(body)) expect(code).not.toContain('Open in Coder');
    expect(hasHtmlMarker(body)).toBe(true);
  });

  it('keeps the code itself, and leaves closed fences alone', () => {
    const body = renderAnswer({ result: 'Run:\n\n```sh\nnpm test\n```\n\nDone.', chatUrl: URL, chatId: CHAT, status: 'waiting', durationMs: 0 });
    expect(codeBlocks(body)).toEqual(['npm test']);
    expect(closeOpenFence('a\n```\nb\n```')).toBe('a\n```\nb\n```');
    expect(codeBlocks(renderAnswer({ result: '```ts\nconst x = 1;', chatUrl: URL, chatId: CHAT, status: 'waiting', durationMs: 0 }))).toEqual(['const x = 1;']);
  });
});
