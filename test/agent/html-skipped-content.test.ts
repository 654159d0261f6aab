/**
 * Elements whose content is no request, read as parsed HTML to their end
 * tag, each name counted on its own (html-elements.ts
 * `SKIPPED_CONTENT_ELEMENTS`): a raw `<blockquote>`, which GitHub shows as a
 * quote (context, never instruction), `<template>` and `<select>` (issue 8,
 * fix 8n). Each case checked against cmark-gfm 0.29 (`--unsafe
 * --hardbreaks`, GitHub's extensions) and parse5 7.
 */
import { describe, expect, it } from '@jest/globals';
import { parseAgentCommand } from '../../src/agent/command.js';

describe('a raw <blockquote>', () => {
  it.each([
    // parse5: `<blockquote><a title="</blockquote>">\n/agent x\n</a></blockquote>`: the end tag is a value.
    ['an end tag inside a quoted value', '<blockquote><a title="</blockquote>">\n/agent x'],
    // parse5: `<blockquote><blockquote>a</blockquote>\n<p>/agent x</p>\n</blockquote>`.
    ['nested in itself', '<blockquote><blockquote>a</blockquote>\n\n/agent x'],
    // parse5: `<p>a </p><blockquote> b<br>\n/agent x<p></p>\n</blockquote>`: inline, it opens a quote too.
    ['inline', 'a <blockquote> b\n/agent x'],
  ])('quotes what follows: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toBeNull();
  });

  it('is no element in a code span', () => {
    // cmark: `<p><code>&lt;blockquote&gt;</code><br />\n/agent x</p>`.
    expect(parseAgentCommand('`<blockquote>`\n/agent x')).toEqual({ kind: 'prompt', prompt: 'x' });
  });
});

describe('elements whose content no browser shows as a line: <template>, <select>', () => {
  it.each([
    // parse5: `<template>\n<p>/agent x</p>\n</template>`: inert content.
    ['a template block', '<template>\n\n/agent x'],
    // parse5: `<p>a <template>b<br>\n/agent x</template>…`.
    ['an inline template', 'a <template>b\n/agent x</template>'],
    // parse5: `<select>\n/agent x\n</select>`: text of a control, no line.
    ['a select block', '<select>\n/agent x\n</select>'],
    // The template bounds the scope of end tags: parse5 keeps the `</blockquote>` and what follows in it.
    ['a quote end tag inside a template', '<blockquote><template>\n</blockquote>\n\n/agent x'],
  ])('hides what it holds: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toBeNull();
  });

  it('shows what follows its end tag', () => {
    // parse5: `<select>\n/agent x\n</select>\n<p>/agent y</p>`.
    expect(parseAgentCommand('<select>\n/agent x\n</select>\n\n/agent y')).toEqual({ kind: 'prompt', prompt: 'y' });
  });
});

it('takes a <select> inside a select for its end tag', () => {
  // parse5: `<select></select>\n<p>/agent x</p>`: the second start tag closes the first.
  expect(parseAgentCommand('<select><select>\n\n/agent x')).toEqual({ kind: 'prompt', prompt: 'x' });
});
