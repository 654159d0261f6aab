/**
 * Labels defined anywhere in a document: in block quotes and inside footnote
 * definitions' bodies (footnote-bodies.ts, re-review 8i). The cases against
 * the oracle are in test/review8i/quoted-definitions.test.ts; these pin the
 * reader's own shape: what it collects, and that it stays linear however
 * the definitions nest.
 */
import { describe, expect, it } from '@jest/globals';
import { parseAgentCommand } from '../../src/agent/command.js';
import { documentLabels, MAX_NESTING } from '../../src/agent/footnote-bodies.js';
import { findCode } from '../../src/agent/markdown.js';
import { growthRatio } from '../helpers/growth.js';

const labelsOf = (text: string): { links: string[]; footnotes: string[] } => {
  const labels = documentLabels(text, findCode(text));
  return { links: [...labels.links].sort(), footnotes: [...labels.footnotes].sort() };
};

describe('documentLabels', () => {
  it('collects the labels of definitions in quotes and in footnote bodies, nested', () => {
    const text = ['[top]: /t', '> [quoted]: /q', '> [^qnote]: a', '[^outer]: [^inner]: b', '', '    > [in\n    > body]: /b'].join('\n');
    expect(labelsOf(text)).toEqual({ links: ['IN BODY', 'QUOTED', 'TOP'], footnotes: ['INNER', 'OUTER', 'QNOTE'] });
  });

  it('takes `[^a b]:` for a link reference definition of `^a b` (a footnote label holds no space)', () => {
    // Oracle: cmark-gfm "<p>see <a href=\"/u\">a</a> …": the label `^a b` is a link's.
    expect(labelsOf('[^a b]: /u').links).toEqual(['^A B']);
  });

  it(`counts every label as defined past ${MAX_NESTING} nested footnote definitions`, () => {
    const nested = (depth: number): string => `${Array.from({ length: depth }, (_, k) => `[^n${k}]: `).join('')}x`;
    const shallow = documentLabels(nested(MAX_NESTING), findCode(nested(MAX_NESTING)));
    expect(shallow.links.has('ANYTHING')).toBe(false);
    const deep = documentLabels(nested(MAX_NESTING + 1), findCode(nested(MAX_NESTING + 1)));
    expect(deep.links.has('ANYTHING')).toBe(true);
    expect(deep.footnotes.has('ANYTHING')).toBe(true);
  });
});

describe('reading definitions in quotes and footnote bodies', () => {
  it.each([
    ['nested footnote definitions on one line', '[^a]: '],
    ['footnote definitions each with an indented body', '[^a]: x\n\n    [b]: /u\n\n'],
    ['quoted footnote definitions with bodies', '> [^a]: x\n>     [b]: /u\n\n'],
    ['quoted definitions over lines', '> [a\n> b]:\n> /u\n> "t"\n'],
    ['footnote bodies holding quoted footnote definitions', '[^a]: x\n\n    > [^b]: y\n    >     z\n\n'],
  ])('is linear in the text: %s', (_name, unit) => {
    const build = (size: number): string => `/agent go [x][b]\n\n${unit.repeat(Math.floor(size / unit.length))}`;
    expect(parseAgentCommand(build(4096))).toMatchObject({ kind: 'prompt' });
    expect(growthRatio(build, parseAgentCommand, 64 * 1024)).toBeLessThan(24);
  });
});
