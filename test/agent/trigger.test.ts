import { describe, expect, it } from '@jest/globals';
import { isTriggeringAction, parseTrigger, TriggerError, type Actor, type Trigger } from '../../src/agent/trigger.js';
import { webhookExample } from '../helpers/webhook-examples.js';

const CODERTOCAT: Actor = { login: 'Codertocat', type: 'User', id: 21031067 };
const HELLO_WORLD = { owner: 'Codertocat', repo: 'Hello-World' };

function parseError(event: string, payload: unknown): TriggerError {
  try {
    parseTrigger(event, payload);
  } catch (error) {
    if (error instanceof TriggerError) return error;
    throw error;
  }
  throw new Error('expected a TriggerError');
}

describe('parseTrigger: issue_comment', () => {
  it('reads a comment on an issue', () => {
    const expected: Trigger = {
      event: 'issue_comment',
      action: 'created',
      repository: HELLO_WORLD,
      repositoryId: 186853002,
      thread: { number: 1, isPullRequest: false, reviewThreadRootId: null },
      text: "You are totally right! I'll get this fixed right away.",
      author: CODERTOCAT,
      comment: {
        kind: 'issue_comment',
        id: 492700400,
        htmlUrl: 'https://github.com/Codertocat/Hello-World/issues/1#issuecomment-492700400',
        createdAt: '2019-05-15T15:20:21Z',
        updatedAt: '2019-05-15T15:20:21Z',
      },
      subject: {
        title: 'Spelling error in the README file',
        body: "It looks like you accidently spelled 'commit' with two 't's.",
        author: CODERTOCAT,
        htmlUrl: 'https://github.com/Codertocat/Hello-World/issues/1',
      },
      pullRequest: null,
      reviewComment: null,
      label: null,
      assignee: null,
      workflowRun: null,
      workflow: null,
      sender: CODERTOCAT,
      triggeredAt: '2019-05-15T15:20:21Z',
      previousText: null,
    };
    expect(parseTrigger('issue_comment', webhookExample('issue_comment', 'created'))).toEqual(expected);
  });

  it('reads a comment on a pull request (an issue with `pull_request`)', () => {
    // The examples have no PR comment; GitHub sends the same payload with `issue.pull_request` set.
    const payload = webhookExample('issue_comment', 'created');
    const issue = payload['issue'] as Record<string, unknown>;
    issue['pull_request'] = {
      url: 'https://api.github.com/repos/Codertocat/Hello-World/pulls/1',
      html_url: 'https://github.com/Codertocat/Hello-World/pull/1',
      diff_url: 'https://github.com/Codertocat/Hello-World/pull/1.diff',
      patch_url: 'https://github.com/Codertocat/Hello-World/pull/1.patch',
      merged_at: null,
    };
    const trigger = parseTrigger('issue_comment', payload);
    expect(trigger.thread).toEqual({ number: 1, isPullRequest: true, reviewThreadRootId: null });
    expect(trigger.pullRequest).toBeNull(); // refs are not in this payload; the caller fetches the PR
  });

  it('keeps an edited comment readable (the policy decides what triggers)', () => {
    const trigger = parseTrigger('issue_comment', webhookExample('issue_comment', 'edited'));
    expect(trigger.action).toBe('edited');
    expect(trigger.comment?.updatedAt).toBe('2019-05-15T15:20:22Z');
    // An edit may start a run only with rerun-on-edit (resolveRequest decides); it is read as of the edit.
    expect(isTriggeringAction(trigger)).toBe(true);
    expect(trigger.triggeredAt).toBe('2019-05-15T15:20:22Z');
  });

  it('reads a comment whose body is null as empty text', () => {
    const payload = webhookExample('issue_comment', 'created');
    (payload['comment'] as Record<string, unknown>)['body'] = null;
    expect(parseTrigger('issue_comment', payload).text).toBe('');
  });

  it('keeps CRLF text as sent (the command parser normalizes it)', () => {
    const payload = webhookExample('issue_comment', 'created');
    (payload['comment'] as Record<string, unknown>)['body'] = '/agent fix\r\nplease';
    expect(parseTrigger('issue_comment', payload).text).toBe('/agent fix\r\nplease');
  });
});

describe('parseTrigger: pull_request_review_comment', () => {
  it('reads the diff position, the thread root and the PR refs', () => {
    const trigger = parseTrigger('pull_request_review_comment', webhookExample('pull_request_review_comment', 'created', (p) => 'line' in (p['comment'] as object)));
    expect(trigger.thread).toEqual({ number: 2, isPullRequest: true, reviewThreadRootId: 284312630 });
    expect(trigger.text).toBe('Maybe you should use more emoji on this line.');
    expect(trigger.comment).toMatchObject({ kind: 'review_comment', id: 284312630, htmlUrl: 'https://github.com/Codertocat/Hello-World/pull/2#discussion_r284312630' });
    expect(trigger.reviewComment).toEqual({
      path: 'README.md',
      line: 265,
      startLine: null,
      side: 'RIGHT',
      diffHunk: '@@ -1 +1 @@\n-# Hello-World',
      commitId: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821',
      inReplyToId: null,
    });
    expect(trigger.pullRequest).toEqual({
      head: { ref: 'changes', sha: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821' },
      base: { ref: 'master', sha: 'f95f852bd8fca8fcc58a9a2d6c842781e32a215e' },
    });
    expect(trigger.subject?.title).toBe('Update the README with new information.');
    expect(trigger.triggeredAt).toBe('2019-05-15T15:20:37Z');
  });

  it('uses in_reply_to_id as the thread root for a reply', () => {
    const payload = webhookExample('pull_request_review_comment', 'created');
    Object.assign(payload['comment'] as object, { in_reply_to_id: 111, start_line: 260 });
    const trigger = parseTrigger('pull_request_review_comment', payload);
    expect(trigger.thread?.reviewThreadRootId).toBe(111);
    expect(trigger.reviewComment).toMatchObject({ inReplyToId: 111, startLine: 260 });
  });

  it('reads an unknown review-comment side as no side rather than failing', () => {
    const payload = webhookExample('pull_request_review_comment', 'created', (p) => 'line' in (p['comment'] as object));
    (payload['comment'] as Record<string, unknown>)['side'] = 'MIDDLE';
    expect(parseTrigger('pull_request_review_comment', payload).reviewComment?.side).toBeNull();
  });

  it('reads an older payload without line and side', () => {
    const trigger = parseTrigger('pull_request_review_comment', webhookExample('pull_request_review_comment', 'created', (p) => !('line' in (p['comment'] as object))));
    expect(trigger.reviewComment).toMatchObject({ line: null, startLine: null, side: null });
  });
});

describe('parseTrigger: pull_request_review', () => {
  it('uses the review body as the text and carries the PR refs', () => {
    const payload = webhookExample('pull_request_review', 'submitted');
    (payload['review'] as Record<string, unknown>)['body'] = '/agent address the nits';
    const trigger = parseTrigger('pull_request_review', payload);
    expect(trigger.text).toBe('/agent address the nits');
    expect(trigger.thread).toEqual({ number: 2, isPullRequest: true, reviewThreadRootId: null });
    expect(trigger.comment).toEqual({
      kind: 'review',
      id: 237895671,
      htmlUrl: 'https://github.com/Codertocat/Hello-World/pull/2#pullrequestreview-237895671',
      createdAt: '2019-05-15T15:20:38Z',
      updatedAt: '2019-05-15T15:20:38Z',
    });
    expect(trigger.pullRequest?.head.ref).toBe('changes');
    expect(trigger.author).toEqual(CODERTOCAT);
  });

  it('reads a review without a body as empty text', () => {
    expect(parseTrigger('pull_request_review', webhookExample('pull_request_review', 'submitted')).text).toBe('');
  });
});

describe('parseTrigger: issues', () => {
  it('uses the issue body as the text when opened', () => {
    const trigger = parseTrigger('issues', webhookExample('issues', 'opened', (p) => typeof (p['issue'] as { body: unknown }).body === 'string'));
    expect(trigger.text).toBe("It looks like you accidently spelled 'commit' with two 't's.");
    expect(trigger.thread).toEqual({ number: 1, isPullRequest: false, reviewThreadRootId: null });
    expect(trigger.author).toEqual(CODERTOCAT);
    expect(trigger.comment).toBeNull();
    expect(trigger.triggeredAt).not.toBeNull();
    expect(isTriggeringAction(trigger)).toBe(true);
  });

  it('reads an issue opened without a body', () => {
    expect(parseTrigger('issues', webhookExample('issues', 'opened', (p) => (p['issue'] as { body: unknown }).body === null)).text).toBe('');
  });

  it('carries the label name when labeled', () => {
    const trigger = parseTrigger('issues', webhookExample('issues', 'labeled'));
    expect(trigger.label).toBe('bug');
    expect(isTriggeringAction(trigger)).toBe(true);
  });

  it('reads other actions but does not count them as triggers', () => {
    const trigger = parseTrigger('issues', webhookExample('issues', 'pinned'));
    expect(trigger.action).toBe('pinned');
    expect(isTriggeringAction(trigger)).toBe(false);
  });
});

describe('parseTrigger: workflow events', () => {
  it('reads workflow_dispatch: repository, sender, ref, workflow, inputs', () => {
    const payload = webhookExample('workflow_dispatch');
    payload['inputs'] = { prompt: 'triage new issues', dry_run: true };
    const trigger = parseTrigger('workflow_dispatch', payload);
    expect(trigger.repository).toEqual({ owner: 'octo-org', repo: 'octo-repo' });
    expect(trigger.thread).toBeNull();
    expect(trigger.text).toBe('');
    expect(trigger.sender?.login).toBe('octocat');
    expect(trigger.author).toEqual(trigger.sender);
    expect(trigger.workflow).toEqual({
      ref: 'refs/heads/main',
      workflow: '.github/workflows/hello-world-workflow.yml',
      inputs: { prompt: 'triage new issues', dry_run: true },
      schedule: null,
    });
    expect(isTriggeringAction(trigger)).toBe(true);
  });

  it('reads schedule, which has no sender', () => {
    const { repository } = webhookExample('workflow_dispatch');
    const trigger = parseTrigger('schedule', { schedule: '0 3 * * *', repository, workflow: '.github/workflows/nightly.yml' });
    expect(trigger).toMatchObject({
      event: 'schedule',
      action: null,
      repository: { owner: 'octo-org', repo: 'octo-repo' },
      thread: null,
      sender: null,
      author: null,
      workflow: { ref: null, workflow: '.github/workflows/nightly.yml', inputs: {}, schedule: '0 3 * * *' },
    });
  });
});

describe('parseTrigger: other events', () => {
  it('reads the repository and the PR number of a pull_request event', () => {
    const trigger = parseTrigger('pull_request', webhookExample('pull_request', 'opened'));
    expect(trigger.event).toBe('pull_request');
    expect(trigger.action).toBe('opened');
    expect(trigger.repository).toEqual(HELLO_WORLD);
    expect(trigger.thread).toEqual({ number: 2, isPullRequest: true, reviewThreadRootId: null });
  });

  it('reads an event without an issue or PR', () => {
    const trigger = parseTrigger('push', webhookExample('push'));
    expect(trigger.repository).toEqual(HELLO_WORLD);
    expect(trigger.thread).toBeNull();
  });
});

describe('parseTrigger: actors', () => {
  it('treats a [bot] login as a bot even when typed User', () => {
    const payload = webhookExample('issue_comment', 'created');
    (payload['comment'] as { user: Record<string, unknown> }).user = { login: 'renovate[bot]', id: 29139614, type: 'User' };
    expect(parseTrigger('issue_comment', payload).author).toEqual({ login: 'renovate[bot]', type: 'Bot', id: 29139614 });
  });

  it('treats an unknown account type as a bot, so the policy fails closed', () => {
    const payload = webhookExample('issue_comment', 'created');
    (payload['comment'] as { user: Record<string, unknown> }).user = { login: 'imported', id: 5, type: 'Mannequin' };
    expect(parseTrigger('issue_comment', payload).author?.type).toBe('Bot');
  });

  it('keeps Organization senders', () => {
    const payload = webhookExample('issue_comment', 'created');
    payload['sender'] = { login: 'octo-org', id: 6, type: 'Organization' };
    expect(parseTrigger('issue_comment', payload).sender?.type).toBe('Organization');
  });
});

describe('parseTrigger: malformed payloads', () => {
  it.each([null, undefined, 'text', 42, [1, 2]])('rejects %p as not a JSON object', (payload) => {
    const error = parseError('issue_comment', payload);
    expect(error.problems).toEqual(['the payload is not a JSON object']);
    expect(error.message).toMatch(/^The "issue_comment" event from GitHub could not be read \(the payload is not a JSON object\), so the bot did nothing\./);
  });

  it('names a missing field', () => {
    const payload = webhookExample('issue_comment', 'created');
    delete payload['comment'];
    const error = parseError('issue_comment', payload);
    expect(error).toBeInstanceOf(TriggerError);
    expect(error.event).toBe('issue_comment');
    expect(error.problems).toEqual(['comment is missing']);
  });

  it('names a field of the wrong type, with its path', () => {
    const payload = webhookExample('pull_request_review_comment', 'created');
    (payload['pull_request'] as Record<string, unknown>)['number'] = 'two';
    expect(parseError('pull_request_review_comment', payload).problems).toEqual([expect.stringMatching(/^pull_request\.number is invalid \(expected number/)]);
  });

  it('rejects any event without a repository', () => {
    expect(parseError('schedule', { schedule: '0 3 * * *' }).problems).toEqual(['repository is missing']);
    expect(parseError('deployment', { action: 'created' }).problems).toEqual(['repository is missing']);
  });
});
