/**
 * The example workflows people copy (docs/examples, and the YAML blocks of
 * docs/action.md) must not teach script injection: `${{ }}` is pasted into a
 * `run:` script's text before the shell reads it, so outputs and event text
 * reach scripts through `env:` only. And a `concurrency` group must never
 * cancel a running agent, and must keep two relays of one CI run from
 * sending at once.
 */
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

interface Step {
  run?: string;
}
interface Workflow {
  concurrency?: { group?: string; 'cancel-in-progress'?: boolean } | string;
  jobs?: Record<string, { steps?: Step[]; concurrency?: Workflow['concurrency'] }>;
}

const EXAMPLES = 'docs/examples';
const files = readdirSync(EXAMPLES).filter((f) => /\.ya?ml$/.test(f));

/** Every YAML block of docs/action.md, as text. */
function docBlocks(): string[] {
  const text = readFileSync('docs/action.md', 'utf8');
  return [...text.matchAll(/```ya?ml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
}

/** `run:` scripts anywhere in a parsed document (workflow, steps list or single step). */
function scripts(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(scripts);
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([key, value]) => (key === 'run' && typeof value === 'string' ? [value] : scripts(value)));
}

describe('example workflows', () => {
  it('finds the examples', () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
    expect(docBlocks().length).toBeGreaterThanOrEqual(2);
  });

  it.each(files)('%s expands no ${{ }} inside a run: script', (file) => {
    // Some examples hold several documents (kubernetes.yml): check each.
    const docs = parseAllDocuments(readFileSync(join(EXAMPLES, file), 'utf8'));
    for (const doc of docs) {
      expect(doc.errors).toEqual([]);
      for (const script of scripts(doc.toJS())) expect(script).not.toContain('${{');
    }
  });

  it("docs/action.md's YAML blocks expand no ${{ }} inside a run: script", () => {
    for (const block of docBlocks()) {
      // Blocks are fragments, indented as inside a workflow: parse them dedented.
      const indent = /^( *)\S/m.exec(block)?.[1]?.length ?? 0;
      const text = block.split('\n').map((l) => l.slice(Math.min(indent, l.length - l.trimStart().length))).join('\n');
      for (const script of scripts(parse(text))) expect(script).not.toContain('${{');
    }
  });

  it('the comment-triggered example queues requests per thread and never cancels a running agent', () => {
    const doc = parse(readFileSync(join(EXAMPLES, 'comment-triggered.yml'), 'utf8')) as Workflow;
    const c = doc.concurrency;
    expect(typeof c).toBe('object');
    if (typeof c !== 'object') return;
    expect(c['cancel-in-progress']).toBe(false);
    // Events that do not call the agent (the bot's own comments among them) get a group of their own.
    expect(c.group).toContain('github.run_id');
    expect(c.group).toContain("github.event.sender.type != 'Bot'");
  });

  it('the CI feedback example relays one run attempt at a time: a group per run and attempt, never cancelling', () => {
    const doc = parse(readFileSync(join(EXAMPLES, 'ci-feedback.yml'), 'utf8')) as Workflow & { on?: Record<string, unknown> };
    // The relay: this example is the one that handles workflow_run.
    expect(Object.keys(doc.on ?? {})).toContain('workflow_run');
    const c = doc.concurrency;
    expect(typeof c).toBe('object');
    if (typeof c !== 'object') return;
    // Without the wait, two relays of one attempt both find no notice yet and both send.
    expect(c['cancel-in-progress']).toBe(false);
    const group = (c.group ?? '').replace(/\s+/g, ' ');
    expect(group).toContain('github.event.workflow_run.id');
    expect(group).toContain('github.event.workflow_run.run_attempt');
    // Close and reopen events (no workflow_run in them) never wait behind one another or a relay.
    expect(group).toMatch(/\|\| github\.run_id \}\}$/);
    // docs/action.md shows the same group.
    expect(docBlocks().some((b) => b.replace(/\s+/g, ' ').includes(group))).toBe(true);
  });
});
