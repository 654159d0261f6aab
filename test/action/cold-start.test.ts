/**
 * Issue 12, item 11: a run skipped for lack of the phrase loads nothing it
 * does not use. What the entry loads is read from the bundle itself (its
 * static imports, followed through the chunks), and a skipped run is made
 * to prove it by running with every other chunk deleted. The time it takes
 * is measured in `npm run bench`, not here.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import type { FakeCoder } from '../fakes/fake-coder.js';
import type { FakeGitHub } from '../fakes/fake-github.js';
import { issueCommentEvent, runAction, startFakes } from './harness.js';

/** Files the entry loads before any dynamic import: its static imports, transitively. */
function staticClosure(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    // Minified ESM: `from"./chunks/x.js"` and `import"./chunks/x.js"`; dynamic `import("./x.js")` is left out.
    for (const m of text.matchAll(/(?:from|import)\s*"(\.{1,2}\/[^"]+)"/g)) visit(join(dirname(file), m[1] ?? ''));
  };
  visit(entry);
  return [...seen];
}

let coder: FakeCoder;
let github: FakeGitHub;
beforeEach(async () => ({ coder, github } = await startFakes()));
afterEach(async () => Promise.all([coder.close(), github.close()]));

describe('a skipped run', () => {
  it('loads neither Octokit, undici, zod nor the Coder client before it knows it must', () => {
    const closure = staticClosure('dist/index.js');
    const text = closure.map((f) => readFileSync(f, 'utf8')).join('\n');
    expect(text).not.toMatch(/ZodError|\$ZodType/);
    expect(text).not.toMatch(/undici/i);
    expect(text).not.toMatch(/api\.github\.com|octokit/i);
    expect(text).not.toContain('/api/experimental/chats');
    expect(Buffer.byteLength(text)).toBeLessThan(100_000);
    // And the rest exists: the entry does load it for a run that calls the agent.
    const all = readdirSync('dist', { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'));
    expect(all.length).toBeGreaterThan(closure.length);
  });

  it('runs with every chunk outside that closure deleted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dist-skip-'));
    try {
      cpSync('dist', dir, { recursive: true });
      const keep = new Set(staticClosure('dist/index.js').map((f) => relative('dist', f)));
      const removed = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js') && !keep.has(f));
      expect(removed.length).toBeGreaterThan(0);
      for (const f of removed) rmSync(join(dir, f));
      const run = await runAction(coder, github, { event: 'issue_comment', payload: issueCommentEvent(github, 'thanks, looks good!'), entry: join(dir, 'index.js') });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.outputs['skipped']).toBe('true');
      expect(run.outputs['status']).toBe('skipped');
      expect(run.stdout).toContain('Nothing to do');
      expect(coder.requests).toHaveLength(0);
      expect(github.requests).toHaveLength(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
