import { describe, expect, it } from '@jest/globals';
import { checkChatThread, githubHostOf, labelledThread, THREAD_LABEL_KEY, threadLabelRefOf, threadLabels, threadLabelValue } from '../../src/agent/thread-label.js';
import { parseTrigger } from '../../src/agent/trigger.js';
import { webhookExample } from '../helpers/webhook-examples.js';

/** Coder's rule for label keys, which older servers also applied to values (coderd/httpapi/chatlabels.go). */
const CODER_LABEL = /^[a-zA-Z0-9][a-zA-Z0-9._/-]*$/;

describe('threadLabelValue', () => {
  it('names the conversation by repository id and number, and a review thread by its root comment too', () => {
    expect(threadLabelValue({ repositoryId: 1296269, number: 42 })).toBe('gh/1296269/42');
    expect(threadLabelValue({ repositoryId: 1296269, number: 42, reviewThreadRootId: 987654321 })).toBe('gh/1296269/42/rc/987654321');
    expect(threadLabelValue({ repositoryId: 1296269, number: 42, reviewThreadRootId: null })).toBe('gh/1296269/42');
  });

  it('always fits Coder\'s label rules, even for the largest ids', () => {
    const max = Number.MAX_SAFE_INTEGER;
    for (const value of [threadLabelValue({ repositoryId: max, number: max, reviewThreadRootId: max }), threadLabelValue({ repositoryId: 1, number: 1 })]) {
      expect(value).toMatch(CODER_LABEL);
      expect(Buffer.byteLength(value)).toBeLessThanOrEqual(64);
    }
    expect(THREAD_LABEL_KEY).toMatch(CODER_LABEL);
    expect(Buffer.byteLength(THREAD_LABEL_KEY)).toBeLessThanOrEqual(64);
  });

  it('refuses ids that are not positive integers', () => {
    expect(() => threadLabelValue({ repositoryId: 0, number: 1 })).toThrow(RangeError);
    expect(() => threadLabelValue({ repositoryId: 1, number: 1.5 })).toThrow(RangeError);
    expect(() => threadLabelValue({ repositoryId: 1, number: 2, reviewThreadRootId: -3 })).toThrow(RangeError);
  });

  it('threadLabels is one label under the bot\'s key', () => {
    expect(threadLabels({ repositoryId: 7, number: 3 })).toEqual({ 'coder-agent-bot/thread': 'gh/7/3' });
  });
});

describe('threadLabelRefOf', () => {
  it('reads the repository id and number from a real issue_comment payload', () => {
    const trigger = parseTrigger('issue_comment', webhookExample('issue_comment', 'created'));
    expect(threadLabelRefOf(trigger)).toEqual({ repositoryId: 186853002, number: 1, reviewThreadRootId: null });
  });

  it('names the review thread for a review comment (its root: in_reply_to_id, else its own id)', () => {
    const payload = webhookExample('pull_request_review_comment', 'created') as { comment: { id: number; in_reply_to_id?: number } };
    const trigger = parseTrigger('pull_request_review_comment', payload);
    const root = payload.comment.in_reply_to_id ?? payload.comment.id;
    expect(threadLabelRefOf(trigger)).toMatchObject({ reviewThreadRootId: root });
  });

  it('is null without a thread or without a repository id', () => {
    const dispatch = parseTrigger('workflow_dispatch', webhookExample('workflow_dispatch'));
    expect(threadLabelRefOf(dispatch)).toBeNull();
    const payload = webhookExample('issue_comment', 'created') as { repository: Record<string, unknown> };
    delete payload.repository['id'];
    expect(threadLabelRefOf(parseTrigger('issue_comment', payload))).toBeNull();
  });
});

describe('checkChatThread', () => {
  const here = { repositoryId: 100, number: 5 };
  const chat = (labels: Record<string, string> | null | undefined) => ({ id: 'c0ffee00-0000-4000-8000-000000000000', labels });

  it('accepts a chat whose label names this thread', () => {
    expect(checkChatThread(chat({ [THREAD_LABEL_KEY]: 'gh/100/5', team: 'web' }), here)).toEqual({ belongs: true });
  });

  it('refuses a chat of another repository, another number, or another review thread, and says which', () => {
    for (const other of ['gh/101/5', 'gh/100/6', 'gh/100/5/rc/9']) {
      const check = checkChatThread(chat({ [THREAD_LABEL_KEY]: other }), here);
      expect(check).toEqual({ belongs: false, reason: expect.stringContaining(other) });
    }
    expect(checkChatThread(chat({ [THREAD_LABEL_KEY]: 'gh/100/5' }), { ...here, reviewThreadRootId: 9 }).belongs).toBe(false);
  });

  it('refuses a chat without the label (a chat from before the label, or not the bot\'s)', () => {
    const cases: (Record<string, string> | null | undefined)[] = [{}, null, undefined, { 'coder-agent-bot/request': 'delivery-1' }];
    for (const labels of cases) {
      const check = checkChatThread(chat(labels), here);
      expect(check.belongs).toBe(false);
      if (!check.belongs) expect(check.reason).toContain('no coder-agent-bot/thread label');
    }
  });

  it('refuses every chat when the request has no thread to match', () => {
    expect(checkChatThread(chat({ [THREAD_LABEL_KEY]: 'gh/100/5' }), null).belongs).toBe(false);
  });
});

describe('labelledThread (the CI relay reads a chat\'s thread from its label)', () => {
  it('reads back every value threadLabelValue writes', () => {
    for (const ref of [{ repositoryId: 100, number: 5, reviewThreadRootId: null }, { repositoryId: 2 ** 40, number: 7, reviewThreadRootId: 987654321 }]) {
      expect(labelledThread(threadLabels(ref))).toEqual(ref);
    }
  });

  it('gives null for a chat without the label or with a value the bot never writes', () => {
    const cases: (Record<string, string> | null | undefined)[] = [null, undefined, {}, { [THREAD_LABEL_KEY]: '' }, { [THREAD_LABEL_KEY]: 'gh/100' }, { [THREAD_LABEL_KEY]: 'gh/100/5/x' }, { [THREAD_LABEL_KEY]: 'gh/abc/5' }, { [THREAD_LABEL_KEY]: ' gh/100/5' }, { [THREAD_LABEL_KEY]: 'gh/99999999999999999999/5' }, { thread: 'gh/100/5' }];
    for (const labels of cases) {
      expect(labelledThread(labels)).toBeNull();
    }
  });
});

describe('the GitHub host in the label (one Coder account serving github.com and an Enterprise server)', () => {
  const ghe = 'ghe.example.com';

  it('githubHostOf reads the host from a server URL, an API URL or a bare host; github.com and nothing are null', () => {
    expect(githubHostOf('https://github.com')).toBeNull();
    expect(githubHostOf('https://GitHub.com/')).toBeNull();
    expect(githubHostOf(undefined)).toBeNull();
    expect(githubHostOf('  ')).toBeNull();
    expect(githubHostOf('https://ghe.example.com')).toBe(ghe);
    expect(githubHostOf('https://GHE.example.com:443/api/v3')).toBe(ghe);
    expect(githubHostOf('GHE.example.com')).toBe(ghe);
    expect(githubHostOf('ghe.example.com:8443')).toBe('ghe.example.com:8443');
    expect(githubHostOf('http://ghe.example.com:8443')).toBe('ghe.example.com:8443');
    // The root's trailing dot names the same host, with a port too.
    expect(githubHostOf('ghe.example.com.')).toBe(ghe);
    expect(githubHostOf('https://ghe.example.com.:8443/')).toBe('ghe.example.com:8443');
    // A misconfigured host is an error, never github.com (jest's realm: the class is not compared).
    expect(() => githubHostOf('https://')).toThrow();
    expect(() => githubHostOf('bad host name')).toThrow();
  });

  it('github.com keeps the labels chats already carry; another host gets its own prefix, within Coder\'s rules', () => {
    expect(threadLabelValue({ repositoryId: 7, number: 3, host: null })).toBe('gh/7/3');
    expect(threadLabelValue({ repositoryId: 7, number: 3, host: 'github.com' })).toBe('gh/7/3');
    const there = threadLabelValue({ repositoryId: 7, number: 3, host: ghe });
    expect(there).toMatch(/^gh-[0-9a-f]{16}\/7\/3$/);
    expect(threadLabelValue({ repositoryId: 7, number: 3, host: 'ghe.example.com:8443' })).not.toBe(there);
    expect(threadLabelValue({ repositoryId: 7, number: 3, host: 'other.example.com' })).not.toBe(there);
    const long = threadLabelValue({ repositoryId: 2 ** 40, number: 999999, reviewThreadRootId: 2 ** 40, host: `${'a'.repeat(63)}.${'b'.repeat(63)}.example.com:65535` });
    expect(long).toMatch(CODER_LABEL);
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(64);
  });

  it('the same repository id and number on two hosts are two threads: a chat labelled on one is "no chat here" on the other', () => {
    const onGithub = { id: 'c0ffee00-0000-4000-8000-000000000001', labels: threadLabels({ repositoryId: 100, number: 5 }) };
    const onGhe = { id: 'c0ffee00-0000-4000-8000-000000000002', labels: threadLabels({ repositoryId: 100, number: 5, host: ghe }) };
    expect(checkChatThread(onGithub, { repositoryId: 100, number: 5, host: ghe }).belongs).toBe(false);
    expect(checkChatThread(onGhe, { repositoryId: 100, number: 5 }).belongs).toBe(false);
    expect(checkChatThread(onGhe, { repositoryId: 100, number: 5, host: ghe }).belongs).toBe(true);
    expect(labelledThread(onGhe.labels)).toBeNull();
    expect(labelledThread(onGithub.labels, ghe)).toBeNull();
    expect(labelledThread(onGhe.labels, 'other.example.com')).toBeNull();
    expect(labelledThread(onGhe.labels, ghe)).toEqual({ repositoryId: 100, number: 5, reviewThreadRootId: null, host: ghe });
  });

  it('threadLabelRefOf carries the host it is given', () => {
    const trigger = parseTrigger('issue_comment', webhookExample('issue_comment', 'created'));
    expect(threadLabelRefOf(trigger, ghe)).toMatchObject({ repositoryId: 186853002, number: 1, host: ghe });
  });
});
