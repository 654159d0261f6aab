import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeCoder, PROFILE_NAMES, profile, type FakeCoderOptions, type ProfileName } from '../fakes/fake-coder.js';
import { FakeGitHub } from '../fakes/fake-github.js';
import { CODER_TOKEN, issueCommentEvent, OWNER, REPO, runAction } from './harness.js';

let coder: FakeCoder | undefined;
let github: FakeGitHub | undefined;

async function start(name: ProfileName, opts: FakeCoderOptions = {}) {
  coder = await FakeCoder.start(profile(name, { token: CODER_TOKEN, ...opts }));
  github = await FakeGitHub.start({ botLogin: 'github-actions[bot]', writers: ['maintainer'] });
  github.addRepo(OWNER, REPO);
  return { coder, github };
}
afterEach(async () => {
  await coder?.close();
  await github?.close();
});

const botComments = (gh: FakeGitHub) => gh.comments(OWNER, REPO, 1).filter((c) => c.user.login === 'github-actions[bot]');

describe.each(PROFILE_NAMES)('the Action against a %s server', (name) => {
  it('answers a comment; cost in the footer, the summary and `cost-usd` where Coder reports it', async () => {
    const { coder, github } = await start(name, { costPerRequestMicros: 370_000 });
    const run = await runAction(coder, github, { event: 'issue_comment', payload: issueCommentEvent(github, '/agent what costs?') });
    expect(run.code).toBe(0);
    expect(run.outputs['status']).toBe('completed');
    const body = botComments(github)[0]?.body ?? '';
    expect(body).toContain('what costs?');
    if (name === 'v2.38') {
      expect(body).toContain('$0.37 · 1 request');
      expect(run.outputs['cost-usd']).toBe('0.37');
      expect(run.summary).toContain('$0.37 · 1 request');
    } else {
      expect(run.outputs['cost-usd']).toBe('');
      expect(run.summary).not.toContain('Cost');
      // A server without the endpoint logs nothing alarming.
      expect(run.stdout).not.toMatch(/::(warning|error)::.*cost/i);
    }
  });

  it('a turn interrupted (`/agent stop`, the Coder UI) before the agent wrote anything is said to be interrupted, never "Done"', async () => {
    const { coder, github } = await start(name, { agent: () => [{ status: 'running' }, { hang: true }] });
    const running = runAction(coder, github, { event: 'issue_comment', payload: issueCommentEvent(github, '/agent take your time') });
    await coder.waitFor(() => [...coder.chats.values()].some((c) => c.status === 'running' && c.streamCount > 0), 15_000, 'a followed running chat');
    coder.interrupt([...coder.chats.keys()][0]!);
    const run = await running;
    expect(run.code).toBe(0);
    const body = botComments(github)[0]?.body ?? '';
    expect(body).toContain('⏹️ Interrupted');
    expect(body).toContain("The agent's turn was interrupted before it wrote anything");
    expect(body).not.toContain('✅ Done');
    expect(body).not.toContain('finished without');
  }, 30_000);
});

describe('the Action against a v2.38 server', () => {
  it('output-schema (a workspace file) is sent as response_format; the result is `structured-output` and in the summary', async () => {
    const { coder, github } = await start('v2.38', {
      structuredOutput: true,
      // A value written like HTML: the summary must show it, not render it.
      agent: () => [{ status: 'running' }, { structured: { risk: 'low', files: 2, note: '</code></pre><img src=x>' } }, { text: 'Low risk.' }, { persist: true }, { status: 'waiting' }],
    });
    const workspace = mkdtempSync(join(tmpdir(), 'workspace-'));
    const schema = { type: 'object', properties: { risk: { type: 'string' }, files: { type: 'integer' } } };
    writeFileSync(join(workspace, 'schema.json'), JSON.stringify(schema));
    const run = await runAction(coder, github, {
      event: 'issue_comment',
      payload: issueCommentEvent(github, '/agent rate the risk'),
      inputs: { 'output-schema': 'schema.json' },
      env: { GITHUB_WORKSPACE: workspace },
    });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.outputs['structured-output'] ?? '')).toEqual({ risk: 'low', files: 2, note: '</code></pre><img src=x>' });
    expect(run.summary).toContain('Structured output');
    expect(run.summary).toContain('"risk": "low"');
    expect(run.summary).toContain('&lt;/code&gt;&lt;/pre&gt;&lt;img src=x&gt;');
    expect(run.summary).not.toContain('<img src=x>');
    const create = coder.requests.find((r) => r.method === 'POST' && r.path === '/api/v2/chats');
    expect((create?.body as Record<string, unknown>)['response_format']).toEqual(schema);
  });

  it('a summary with structured output and a huge answer stays under 1 MiB and keeps the structured output', async () => {
    // 3 bytes per character in UTF-8: ~1.5 MB of answer.
    const long = `${'日本語の説明。'.repeat(70)}\n`.repeat(1000);
    const { coder, github } = await start('v2.38', {
      structuredOutput: true,
      agent: () => [{ status: 'running' }, { structured: { risk: 'high', notes: 'n'.repeat(200 * 1024) } }, { text: long }, { persist: true }, { status: 'waiting' }],
    });
    const run = await runAction(coder, github, {
      event: 'issue_comment',
      payload: issueCommentEvent(github, '/agent rate the risk'),
      inputs: { 'output-schema': '{"type":"object"}' },
    });
    expect(run.code).toBe(0);
    expect(Buffer.byteLength(run.summary)).toBeLessThan(1024 * 1024);
    expect(run.summary).toContain('The answer was cut here');
    expect(run.summary).toContain('Structured output');
    // 200 KiB of structured output has its room kept: the answer is cut shorter, not the total made too big.
    expect(run.summary).toContain('"risk": "high"');
    expect(run.summary).toContain('n'.repeat(200 * 1024));
    // Over 100,000 bytes the output itself stays empty (cut JSON would not parse; long-outputs.ts): the file holds it whole.
    expect(run.outputs['structured-output']).toBe('');
    expect(JSON.parse(readFileSync(run.outputs['structured-output-file'] ?? '', 'utf8'))).toEqual({ risk: 'high', notes: 'n'.repeat(200 * 1024) });
  });

  it('output-schema on a deployment without the experiment: the step fails with a clear reason, no chat is made', async () => {
    const { coder, github } = await start('v2.38');
    const run = await runAction(coder, github, {
      event: 'issue_comment',
      payload: issueCommentEvent(github, '/agent rate the risk'),
      inputs: { 'output-schema': '{"type":"object"}' },
    });
    expect(run.code).not.toBe(0);
    expect(coder.chats.size).toBe(0);
    const said = botComments(github).map((c) => c.body).join('\n') + run.stdout;
    expect(said).toContain('does not accept structured output');
  });

  it('output-schema where Coder ignores response_format (experiments unknown): the step succeeds and says, as a warning and in the summary, that no structured output came back', async () => {
    const { coder, github } = await start('v2.38');
    coder.failNext({ method: 'GET', path: '/api/v2/experiments' }, { status: 500 }, 100);
    const run = await runAction(coder, github, { event: 'issue_comment', payload: issueCommentEvent(github, '/agent rate the risk'), inputs: { 'output-schema': '{"type":"object"}' } });
    expect(run.code).toBe(0);
    expect(coder.chats.size).toBe(1);
    expect(run.outputs['structured-output']).toBe('');
    expect(run.stdout).toContain('::warning::output-schema was set, but Coder returned no structured output for this run');
    expect(run.summary).toContain('Structured output');
    expect(run.summary).toContain("Coder returned no structured output for this run (the deployment may not support response_format): the step's `structured-output` output is empty.");
  });

  it('an output-schema that is not JSON fails the step before anything is sent', async () => {
    const { coder, github } = await start('v2.38');
    const run = await runAction(coder, github, { event: 'issue_comment', payload: issueCommentEvent(github, '/agent x'), inputs: { 'output-schema': '{not json' } });
    expect(run.code).not.toBe(0);
    expect(run.stdout).toContain('The input "output-schema" is not valid JSON');
    expect(coder.requests).toHaveLength(0);
  });

  it('a refusal (a usage limit without figures) reads as a sentence in the thread', async () => {
    const { coder, github } = await start('v2.38', { usageLimit: 'message-only' });
    const run = await runAction(coder, github, { event: 'issue_comment', payload: issueCommentEvent(github, '/agent x') });
    expect(run.code).not.toBe(0);
    const body = botComments(github)[0]?.body ?? '';
    expect(body).toContain('You have reached your Coder usage limit for this period.');
    expect(body).toContain('Ask your Coder administrator to raise the limit');
  });
});
