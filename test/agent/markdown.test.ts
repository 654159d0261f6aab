import { describe, expect, it } from '@jest/globals';
import { closingFence, fencedBlock, markdownLink, maskCode, scanFences } from '../../src/agent/markdown.js';

const lines = (text: string): string[] => text.split('\n');

describe('scanFences', () => {
  it('marks fence lines and their contents as code', () => {
    expect(scanFences(lines('a\n```js\nb\n```\nc')).inFence).toEqual([false, true, true, true, false]);
  });

  it('closes only with the same character and at least the same length', () => {
    const scan = scanFences(lines('````\n```\n~~~~\ncode\n````\nprose'));
    expect(scan.inFence).toEqual([true, true, true, true, true, false]);
    expect(scan.openFence).toBeNull();
  });

  it('reports the fence left open at the end', () => {
    expect(scanFences(lines('text\n~~~~python\nprint()')).openFence).toEqual({ char: '~', length: 4 });
  });

  it('accepts indented fences (inside list items)', () => {
    expect(scanFences(lines('- item\n    ```\n    x\n    ```')).inFence).toEqual([false, true, true, true]);
  });

  it('does not treat a backtick line with a backtick in its info string as a fence', () => {
    expect(scanFences(lines('``` a ` b\nprose')).inFence).toEqual([false, false]);
  });
});

describe('closingFence', () => {
  it('repeats the fence character to the fence length', () => {
    expect(closingFence({ char: '`', length: 5 })).toBe('`````');
  });
});

describe('maskCode', () => {
  it('keeps length and line breaks, masks fenced and inline code', () => {
    const text = 'say `hi`\n```\ncode\n```\nend';
    const masked = maskCode(text);
    expect(masked).toHaveLength(text.length);
    expect(masked.split('\n')).toHaveLength(5);
    expect(masked.startsWith('say ')).toBe(true);
    expect(masked).not.toContain('hi');
    expect(masked).not.toContain('code');
    expect(masked.endsWith('\nend')).toBe(true);
  });

  it('masks a code span that wraps onto the next line', () => {
    const masked = maskCode('see ``\n/agent run\n`` here');
    expect(masked.split('\n')[1]).not.toContain('/agent');
    expect(masked.endsWith(' here')).toBe(true);
  });

  it('does not let a code span cross a blank line', () => {
    expect(maskCode('a `b\n\n/agent x` c').split('\n')[2]).toBe('/agent x` c');
  });

  it('leaves unmatched and escaped backticks alone', () => {
    expect(maskCode('a ` b')).toBe('a ` b');
    expect(maskCode('a \\`b` c')).toBe('a \\`b` c');
  });
});

describe('fencedBlock', () => {
  it('uses a fence longer than any backtick run inside', () => {
    const block = fencedBlock('x\n````\ny');
    expect(block.startsWith('`````text\n')).toBe(true);
    expect(block.endsWith('\n`````')).toBe(true);
    expect(scanFences(lines(block)).inFence.every(Boolean)).toBe(true);
  });
});

describe('markdownLink', () => {
  it('encodes characters that would end the link or the URL early', () => {
    expect(markdownLink('Open', 'https://x.test/a b)c<d>(e)')).toBe('[Open](https://x.test/a%20b%29c%3Cd%3E%28e%29)');
  });

  it('leaves an ordinary URL as it is', () => {
    expect(markdownLink('Open', 'https://coder.example.com/agents/123?x=1&y=2#z')).toBe('[Open](https://coder.example.com/agents/123?x=1&y=2#z)');
  });
});
