import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ciRunKey, cleanLog, relayCiFailure, tailBytes } from '../../src/agent/ci-feedback.js';
import { readMarker, renderMarker, renderRequestTag, type MarkerState } from '../../src/agent/marker.js';
import { withRequestTag } from '../../src/agent/request-message.js';
import type { AgentDeps } from '../../src/agent/run-types.js';
import { parseTrigger } from '../../src/agent/trigger.js';
import { CoderClient } from '../../src/coder/client.js';
import { createOctokitPort } from '../../src/github/octokit-port.js';
import { silentLogger } from '../../src/logger.js';
import { FakeCoder } from '../fakes/fake-coder.js';
import { FakeGitHub } from '../fakes/fake-github.js';
import { octokitFor } from '../github/support.js';
import { FAILED_PR, seedFailedRun, type FailedRun } from '../helpers/failed-run.js';

describe('log tails', () => {
  it('keeps the last bytes, from a line start, never splitting a UTF-8 character', () => {
    const log = Array.from({ length: 100 }, (_, i) => `line ${i} ✓`).join('\n');
    const tail = tailBytes(log, 64);
    expect(Buffer.byteLength(tail)).toBeLessThanOrEqual(64);
    expect(tail.endsWith('line 99 ✓')).toBe(true);
    expect(tail.startsWith('line ')).toBe(true);
    expect(tail).not.toContain('\uFFFD');
    expect(tailBytes('short', 64)).toBe('short');
  });

  it('drops the runner’s timestamps and colour codes', () => {
    expect(cleanLog('2024-05-01T10:00:00.1234567Z \u001b[31mError\u001b[0m: boom\r\n2024-05-01T10:00:01.0000000Z done')).toBe('Error: boom\ndone');
  });
});

describe('the CI-run marker field', () => {
  it('round-trips and refuses anything but <run id>.<attempt>', () => {
    const chatId = '3f2b7c1e-8a4d-4e6f-9b0a-1c2d3e4f5a6b';
    const body = `CI failed.\n\n${renderMarker({ chatId, state: 'running', ciRun: '289782451.2' })}`;
    expect(readMarker(body)).toEqual({ chatId, state: 'running', ciRun: '289782451.2' });
    expect(readMarker(`<!-- coder-agent-bot chat=${chatId} state=running ci-run=1;rm -->`)).toEqual({ chatId, state: 'running' });
    expect(() => renderMarker({ chatId, state: 'running', ciRun: '12 -->' })).toThrow(RangeError);
  });
});

/**
 * Relaying a failed run when an earlier attempt stopped part-way (issue 10):
 * the notice found in the pull request decides, and a notice still
 * "sending…" sends, only if the chat holds no message tagged with the run.
 */
describe('relayCiFailure after an interrupted attempt', () => {
  const TOKEN = 'coder-secret-token-0123456789';
  const OWNER = 'Codertocat';
  const REPO = 'Hello-World';
  let coder: FakeCoder;
  let github: FakeGitHub;
  let client: CoderClient;
  let seeded: FailedRun;

  beforeEach(async () => {
    coder = await FakeCoder.start({ token: TOKEN });
    github = await FakeGitHub.start();
    client = new CoderClient({ url: coder.url, token: TOKEN });
    seeded = seedFailedRun(coder, github, OWNER, REPO);
  });
  afterEach(async () => {
    await coder.close();
    await github.close();
  });

  const relay = (over: Partial<AgentDeps> = {}) => {
    const deps: AgentDeps = { coder: client, github: createOctokitPort(octokitFor(github), { botLogin: github.botLogin }), botLogin: github.botLogin, logger: silentLogger, secrets: [TOKEN], ...over };
    return relayCiFailure(parseTrigger('workflow_run', seeded.payload), { ciFeedback: true }, deps);
  };
  const key = () => ciRunKey({ id: seeded.runId, attempt: 1 });
  /** The chat's messages, sent or queued, that carry the run's tag as a part of their own (the client may try two API prefixes: the chat, not the requests, counts). */
  const tagged = () => {
    const chat = coder.chat(seeded.chatId);
    return [...chat.messages, ...chat.queued].filter((m) => m.content.some((p) => p['type'] === 'text' && p['text'] === renderRequestTag(key())));
  };
  const reads = () => coder.requests.filter((r) => r.method === 'GET' && r.path.endsWith(`/${seeded.chatId}/messages`));
  const notices = () => github.comments(OWNER, REPO, FAILED_PR).filter((c) => readMarker(c.body)?.ciRun === `${seeded.runId}.1`);
  /** The notice an earlier attempt left, as the bot posts it (or as someone else forged it). */
  const leftNotice = (state: MarkerState, user = github.botLogin) =>
    github.addComment(OWNER, REPO, FAILED_PR, { body: `CI failed. Sending…\n\n${renderMarker({ chatId: seeded.chatId, state, ciRun: `${seeded.runId}.1` })}`, user });
  const texts = (m: { content: ReadonlyArray<object> }) => m.content.map((p) => ('text' in p ? p.text : undefined));

  it('says "sending" before the send and "sent" only after it, and tags the follow-up with the run as a part of its own', async () => {
    expect(await relay()).toMatchObject({ status: 'started', chatId: seeded.chatId });
    const posted = github.requestsTo({ method: 'POST', path: /\/issues\/2\/comments$/ }).map((r) => (r.body as { body: string }).body);
    expect(posted).toHaveLength(1);
    expect(posted[0]).not.toContain('were sent');
    expect(readMarker(posted[0])?.state).toBe('running');
    expect(tagged().map(texts)).toEqual([[expect.stringContaining('FAIL src/csv.test.ts'), renderRequestTag(key())]]);
    expect(notices()).toHaveLength(1);
    expect(notices()[0]?.body).toContain('were sent');
    expect(readMarker(notices()[0]?.body)).toEqual({ chatId: seeded.chatId, state: 'done', ciRun: `${seeded.runId}.1` });
  });

  it('a notice left "sending" and no tagged message in the chat: sends once, and that notice says so (no second notice)', async () => {
    // A user message that merely quotes the tag among other text is not the bot's tagged message.
    await client.sendMessage(seeded.chatId, { content: [{ type: 'text', text: `see ${renderRequestTag(key())} here` }] });
    await coder.waitForIdle(seeded.chatId);
    leftNotice('running');
    expect(await relay()).toMatchObject({ status: 'started' });
    expect(tagged().map(texts)).toEqual([[expect.stringContaining('FAIL src/csv.test.ts'), renderRequestTag(key())]]);
    expect(notices()).toHaveLength(1);
    expect(readMarker(notices()[0]?.body)?.state).toBe('done');
    expect(notices()[0]?.body).toContain('were sent');
  });

  it('a notice posted before the upgrade (it said "were sent" in state running, and its follow-up had no tag): final, nothing is sent again', async () => {
    github.addComment(OWNER, REPO, FAILED_PR, {
      body: `CI failed in [CI #${seeded.runId}](https://github.com/x) (\`test\`). The failed jobs and the end of their logs were sent to [the agent's chat](${coder.url}/agents/${seeded.chatId}) once; it will push a fix to this pull request.\n\n${renderMarker({ chatId: seeded.chatId, state: 'running', ciRun: `${seeded.runId}.1` })}`,
      user: github.botLogin,
    });
    // Before, this notice read as an attempt stopped before sending, and the run was sent a second time.
    expect(await relay()).toMatchObject({ status: 'skipped', reason: expect.stringContaining('already sent') });
    expect(tagged()).toEqual([]);
    expect(notices()).toHaveLength(1);
  });

  it('a notice left "sending" and the tagged message in the chat: not sent again, the notice says it was sent', async () => {
    await client.sendMessage(seeded.chatId, { content: withRequestTag([{ type: 'text', text: 'CI failed (first attempt)' }], key()) });
    await coder.waitForIdle(seeded.chatId);
    leftNotice('running');
    expect(await relay()).toMatchObject({ status: 'started' });
    expect(tagged().map(texts)).toEqual([['CI failed (first attempt)', renderRequestTag(key())]]);
    expect(notices()).toHaveLength(1);
    expect(readMarker(notices()[0]?.body)?.state).toBe('done');
  });

  it('a notice left "sending" and the tagged message still queued behind a busy turn: not sent again', async () => {
    coder.options.agent = () => [{ status: 'running' }, { hang: true }];
    await client.sendMessage(seeded.chatId, { content: [{ type: 'text', text: 'keep working' }] });
    const queued = await client.sendMessage(seeded.chatId, { content: withRequestTag([{ type: 'text', text: 'CI failed (first attempt)' }], key()) });
    expect(queued.queued).toBe(true);
    leftNotice('running');
    expect(await relay()).toMatchObject({ status: 'started' });
    expect(tagged().map(texts)).toEqual([['CI failed (first attempt)', renderRequestTag(key())]]);
    expect(readMarker(notices()[0]?.body)?.state).toBe('done');
  });

  it.each(['error', 'done'] as const)('a notice in state %s is final: the chat is neither read nor sent to, the notice stays as it was', async (state) => {
    const before = leftNotice(state).body;
    expect(await relay()).toMatchObject({ status: 'skipped' });
    expect(reads()).toHaveLength(0);
    expect(tagged()).toHaveLength(0);
    expect(notices().map((c) => c.body)).toEqual([before]);
  });

  it('a notice with the run\'s marker that someone else posted counts for nothing', async () => {
    leftNotice('error', 'maintainer');
    expect(await relay()).toMatchObject({ status: 'started' });
    expect(tagged()).toHaveLength(1);
  });

  it('a send Coder refuses after an interrupted attempt turns that notice into the error, which stays final', async () => {
    leftNotice('running');
    coder.failNext({ method: 'POST', path: /\/messages$/ }, { status: 400, body: { message: 'Chat is archived.' } });
    expect(await relay()).toMatchObject({ status: 'failed' });
    expect(notices()).toHaveLength(1);
    expect(readMarker(notices()[0]?.body)?.state).toBe('error');
    expect(notices()[0]?.body).toContain('could not be sent');
    expect(await relay()).toMatchObject({ status: 'skipped' });
    expect(tagged()).toHaveLength(0);
  });

  it('a send that loses its connection while the App may try again: thrown, the notice stays "sending", and the next attempt sends once', async () => {
    coder.destroyNextRequest({ method: 'POST', path: /\/messages$/ }, 1);
    await expect(relay({ retryUnreachable: true })).rejects.toThrow();
    expect(notices()).toHaveLength(1);
    expect(readMarker(notices()[0]?.body)?.state).toBe('running');
    expect(await relay({ retryUnreachable: true })).toMatchObject({ status: 'started' });
    expect(tagged()).toHaveLength(1);
    expect(notices()).toHaveLength(1);
    expect(readMarker(notices()[0]?.body)?.state).toBe('done');
  });

  it('the same lost connection on the last attempt (or in the Action) ends in the error notice', async () => {
    coder.destroyNextRequest({ method: 'POST', path: /\/messages$/ }, 1);
    expect(await relay()).toMatchObject({ status: 'failed' });
    expect(readMarker(notices()[0]?.body)?.state).toBe('error');
  });

  /** Comments enough after the notice to push it out of what is read of the pull request (octokit-port.ts: the two newest pages of 100). */
  const flood = () => {
    for (let i = 0; i < 250; i++) github.addComment(OWNER, REPO, FAILED_PR, { body: `noise ${i}`, user: 'reader' });
  };

  it('a notice older than the comments read, with the run already in the chat: the chat says so, nothing is sent or posted again', async () => {
    await relay();
    flood();
    const noticesBefore = notices().length;
    expect(await relay()).toMatchObject({ status: 'skipped', reason: expect.stringContaining('already sent') });
    expect(tagged()).toHaveLength(1);
    expect(notices()).toHaveLength(noticesBefore);
  });

  it('a notice older than the comments read, with nothing in the chat (it was never sent): sends once, with a new notice', async () => {
    leftNotice('running');
    flood();
    expect(await relay()).toMatchObject({ status: 'started' });
    expect(tagged()).toHaveLength(1);
    expect(notices().map((c) => readMarker(c.body)?.state)).toEqual(['running', 'done']);
  });

  it('a chat that cannot be read is not taken for "not sent": the relay throws and sends nothing', async () => {
    leftNotice('running');
    coder.failNext({ method: 'GET', path: /\/messages$/ }, { status: 403, body: { message: 'You may not read this chat.' } });
    await expect(relay()).rejects.toThrow();
    expect(tagged()).toHaveLength(0);
    expect(readMarker(notices()[0]?.body)?.state).toBe('running');
  });
});
