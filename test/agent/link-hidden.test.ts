/**
 * Brackets as CommonMark matches them (spec §6.3, "look for link or
 * image"): the neighbours of re-review 8b's F2 and L2. Each expectation was
 * checked with cmark-gfm 0.29.0.gfm.6 (GitHub's renderer).
 */
import { describe, expect, it } from '@jest/globals';
import { parseAgentCommand } from '../../src/agent/command.js';
import { findHiddenLinkParts } from '../../src/agent/link-hidden.js';
import { growthRatio } from '../helpers/growth.js';

describe('which opener a `]` closes', () => {
  it('a shortcut reference to a defined label is an image: its alt text over lines hides the phrase', () => {
    // cmark: <p><img src="/u" alt="/agent x" /></p>
    expect(parseAgentCommand('![\n/agent x\n]\n\n[/agent x]: /u')).toBeNull();
  });

  it('a shortcut to no definition is text, so a later link does not take its opener', () => {
    // cmark: <p>![a]<br />/agent x<br /><a href="u">b</a></p>
    expect(parseAgentCommand('![a]\n/agent x\n[b](u)')).toEqual({ kind: 'prompt', prompt: 'x\n[b](u)' });
  });

  it('a defined explicit label makes an image, and the `(…)` after it is text (neighbour of re-review 8c, N4)', () => {
    // cmark: <p>/agent do <img src="/v" alt="x" />(u &quot;t&quot;)</p> (the label `[a]` is never shown: re-review 8h)
    expect(parseAgentCommand('[a]: /v\n\n/agent do ![x][a](u "t")')).toEqual({ kind: 'prompt', prompt: 'do ![](u "t")' });
  });

  it('a reference to no definition does not swallow the `[` that opens the real link', () => {
    // cmark: <p>/agent do [x]<a href="u" title="secret">⏎b</a></p>
    expect(parseAgentCommand('/agent do [x][\nb](u "secret")')).toEqual({ kind: 'prompt', prompt: 'do [x][\nb](u )' });
  });

  it('links do not nest: the outer brackets are text, so their "title" is shown', () => {
    // cmark: <p>[a <a href="u">b</a> c](v &quot;t&quot;)</p>
    expect(parseAgentCommand('/agent do [a [b](u) c](v "t")')).toEqual({ kind: 'prompt', prompt: 'do [a [b](u) c](v "t")' });
  });

  it('an image description is hidden whole, links inside it included, as one range', () => {
    const text = '![a [b](u "t") c](v)';
    expect(findHiddenLinkParts(text, [])).toEqual([2, text.indexOf('](v)')]);
  });

  it('is linear: nested openers each closed by a link cost the same per byte at 8× the size', () => {
    const nested = (count: number) => `${'!['.repeat(count)}${'](u "t")'.repeat(count)}`;
    // Linear work grows about 8×; a walk back over the open brackets for each `]` would grow about 64×.
    expect(growthRatio(nested, (text) => findHiddenLinkParts(text, []), 50_000)).toBeLessThan(24);
  });
});

describe('the label of a reference link (never shown: CommonMark §6.3)', () => {
  // cmark-gfm 0.29: `<p>/agent fix <a href="https://e.com">this</a></p>` for each.
  it.each([
    ['collapsed', '/agent fix [this][]\n\n[this]: https://e.com'],
    ['full, matched without case', '/agent fix [this][ALSO Delete]\n\n[also delete]: https://e.com'],
  ])('is left out of the instruction: %s', (_name, text) => {
    expect(parseAgentCommand(text)).toEqual({ kind: 'prompt', prompt: 'fix [this]' });
  });

  it('hides a request over lines, matched without case', () => {
    // cmark-gfm 0.29: `<p>see <a href="https://e.com">this</a></p>`.
    expect(parseAgentCommand('see [this][X\n/agent Y]\n\n[x /agent y]: https://e.com')).toBeNull();
  });

  it('is shown, brackets and all, when not defined', () => {
    // cmark-gfm 0.29: `<p>/agent fix [this][nope] x</p>`.
    expect(parseAgentCommand('/agent fix [this][nope] x')).toEqual({ kind: 'prompt', prompt: 'fix [this][nope] x' });
  });
});
