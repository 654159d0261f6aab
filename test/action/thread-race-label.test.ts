/**
 * Issue 11, one chat per thread (found by the lifecycle review): a comment
 * and the trigger label a moment apart. The label's request starts a chat of
 * its own, then finds the comment's chat created moments before and joins
 * it (thread-race.ts), so the thread keeps one chat.
 */
import type { ChildProcess } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { webhookExample } from '../helpers/webhook-examples.js';
import { FakeCoder } from '../fakes/fake-coder.js';
import { FakeGitHub } from '../fakes/fake-github.js';
import { CODER_TOKEN, issueCommentEvent, OWNER, REPO, runAction } from './harness.js';

let coder: FakeCoder;
let github: FakeGitHub;

beforeEach(async () => {
  coder = await FakeCoder.start({ token: CODER_TOKEN });
  github = await FakeGitHub.start({ botLogin: 'github-actions[bot]', writers: ['maintainer'] });
  github.addRepo(OWNER, REPO);
});
afterEach(async () => {
  await coder.close();
  await github.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cancelLate = (child: ChildProcess) => setTimeout(() => child.kill('SIGTERM'), 15_000).unref();

function labeled(number: number) {
  const payload = webhookExample('issues', 'labeled');
  (payload['repository'] as Record<string, unknown>)['id'] = github.addRepo(OWNER, REPO).id;
  Object.assign(payload['issue'] as object, { number, title: 'Export to CSV', body: 'The report page needs a CSV export button.', user: { login: 'maintainer', id: 7, type: 'User' } });
  payload['label'] = { name: 'agent', id: 1, color: 'ffffff', default: false };
  payload['sender'] = { login: 'maintainer', id: 7, type: 'User' };
  return payload;
}

describe('a comment and a label a moment apart (Action)', () => {
  it.each([500, 1000])('label %i ms after the comment: one chat for the thread', async (gapMs) => {
    const number = 7;
    github.addIssue(OWNER, REPO, { number, title: 'Export to CSV', body: 'The report page needs a CSV export button.', user: 'maintainer' });
    coder.options.agent = () => [{ status: 'running' }, { delayMs: 1500 }, { text: 'On it.' }, { persist: true }, { status: 'waiting' }];
    const first = runAction(coder, github, { event: 'issue_comment', payload: issueCommentEvent(github, '/agent add the CSV export', { number }), onSpawn: cancelLate });
    await sleep(gapMs);
    const second = runAction(coder, github, { event: 'issues', payload: labeled(number), inputs: { 'label-trigger': 'agent' }, onSpawn: cancelLate });
    const [a, b] = await Promise.all([first, second]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const label = `gh/${github.addRepo(OWNER, REPO).id}/${number}`;
    const live = [...coder.chats.values()].filter((c) => c.chat.labels['coder-agent-bot/thread'] === label && !c.chat.archived);
    expect(live).toHaveLength(1);
    expect(b.outputs['chat-id']).toBe(a.outputs['chat-id']);
  });
});
