/**
 * The content of `<video>`, `<audio>` and `<canvas>` is fallback the
 * browser does not show (WHATWG HTML §4.8.9, §4.12.5), so a request there
 * does not start the agent (html-elements.ts `FALLBACK_CONTENT_ELEMENTS`;
 * issue 8, fix8u). Oracle for each case: cmark-gfm 0.29 `--unsafe
 * --hardbreaks -e table -e autolink -e tagfilter -e strikethrough
 * -e footnotes`, then parse5 7 as a fragment in a `div`.
 */
import { describe, expect, it } from '@jest/globals';
import { parseAgentCommand } from '../../src/agent/command.js';
import { growthRatio } from '../helpers/growth.js';

describe('fallback content of media elements and canvas', () => {
  it.each([
    // An HTML block opens the element; the paragraph after it is its child: `<video><p>/agent x</p>`.
    ['a video, then a paragraph', '<video>\n\n/agent x'],
    ['an audio, then a paragraph', '<audio>\n\n/agent x'],
    ['a canvas (shown only without scripting)', '<canvas>\n\n/agent x'],
    ['with attributes', '<video controls src="https://example.com/a.mp4">\n\n/agent x'],
    ['inside a div', '<div><video>\n\n/agent x'],
    ['upper case', '<AUDIO>\n\nDo not run:\n\n/agent x'],
    // In a paragraph the hard break and the phrase are fallback content up to the paragraph's end.
    ['inline, then a hard break', 'a <video>\n/agent x'],
    ['inline, upper case', 'a <VIDEO>\n/agent x'],
    ['inline audio, two breaks', 'a <audio>\nb\n/agent x'],
    ['inline canvas', 'a <canvas>\n/agent x'],
    // The tags inside the fallback content are still read: a quote or template opened there stays open past it
    // (a fix8u regression found in review: the whole fallback was skipped, tags and all).
    ['a quote opened in inline fallback content', 'a <video><blockquote>\n\n/agent x'],
    ['a template opened in inline fallback content', 'a <video><template>\n\n/agent x'],
    ['a quote opened in inline audio', 'a <audio> <blockquote>\n\nDo not run:\n\n/agent x'],
  ])('does not start the agent: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toBeNull();
  });

  it.each([
    // Closed before the line break: the phrase starts a line after it.
    ['closed inline', 'Here: <video src="https://example.com/a.mp4"></video>\n/agent x', 'x'],
    ['closed inline with content', 'a <video>b</video>\n/agent x', 'x'],
    // The paragraph's `</p>` closes an element it opened: the next paragraph is shown.
    ['opened in an earlier paragraph', 'a <video> b\n\n/agent x', 'x'],
    ['closed in the HTML block', '<video>\n</video>\n\n/agent x', 'x'],
    // A code span or an escape is no tag.
    ['in a code span', '`<video>`\n/agent x', 'x'],
    ['escaped', 'a \\<video>\n/agent x', 'x'],
    // `object` shows its content when it has nothing to load; `<iframe>` is escaped by the tag filter.
    ['an object', '<object>\n\n/agent x', 'x'],
    ['an iframe', '<iframe>\n\n/agent x', 'x'],
  ])('still starts the agent: %s', (_name, text, prompt) => {
    expect(parseAgentCommand(text)).toEqual({ kind: 'prompt', prompt });
  });

  it('is read in linear time: many inline media elements in one paragraph, never closed', () => {
    const unit = 'a <video> <audio>\n';
    const build = (size: number): string => `${unit.repeat(Math.floor(size / unit.length))}\n/agent go`;
    expect(growthRatio(build, parseAgentCommand, 64 * 1024)).toBeLessThan(24);
  });
});
