/**
 * The App's dedupe keys tell a redelivery from a new request (webhooks.ts).
 * Re-review 8d: a `pull_request_review` without `submitted_at` was keyed by
 * its pull request's number alone, so reviews in two repositories of one
 * installation took one another for redeliveries.
 */
import { describe, expect, it } from '@jest/globals';
import { parseTrigger } from '../../src/agent/trigger.js';
import { EVENT_TABLE } from '../../src/app/webhooks.js';
import { webhookExample } from '../helpers/webhook-examples.js';

/** A real `pull_request_review.submitted` payload without `submitted_at`, in repository `id` named `name`. */
function reviewWithoutSubmittedAt(id: number, name: string, number = 1): Record<string, unknown> {
  const payload = webhookExample('pull_request_review', 'submitted');
  delete (payload['review'] as Record<string, unknown>)['submitted_at'];
  const repository = payload['repository'] as Record<string, unknown>;
  Object.assign(repository, { id, name, full_name: `${(repository['owner'] as { login: string }).login}/${name}` });
  (payload['pull_request'] as Record<string, unknown>)['number'] = number;
  return payload;
}

const key = (payload: unknown) => EVENT_TABLE['pull_request_review.submitted'].dedupeKey(parseTrigger('pull_request_review', payload));

describe('a review without submitted_at', () => {
  it('is keyed by its repository and pull request: the same number in another repository is another request', () => {
    const here = key(reviewWithoutSubmittedAt(101, 'widgets', 7));
    expect(key(reviewWithoutSubmittedAt(202, 'gadgets', 7))).not.toBe(here);
    expect(key(reviewWithoutSubmittedAt(101, 'widgets', 8))).not.toBe(here);
    // A redelivery of the same review is the same request.
    expect(key(reviewWithoutSubmittedAt(101, 'widgets', 7))).toBe(here);
  });

  it('is keyed by the repository name when the payload has no repository id', () => {
    const a = reviewWithoutSubmittedAt(101, 'widgets', 7);
    const b = reviewWithoutSubmittedAt(202, 'gadgets', 7);
    delete (a['repository'] as Record<string, unknown>)['id'];
    delete (b['repository'] as Record<string, unknown>)['id'];
    expect(key(a)).not.toBe(key(b));
  });
});

describe('a review with submitted_at', () => {
  it('keeps its key by review id (GitHub ids are unique across repositories), as recorded before', () => {
    const payload = webhookExample('pull_request_review', 'submitted');
    const id = (payload['review'] as { id: number }).id;
    expect(key(payload)).toBe(`pull_request_review:review:${id}`);
  });
});
