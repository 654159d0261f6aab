import { describe, expect, it } from '@jest/globals';
import {
  GenericEventSchema,
  IssueCommentEventSchema,
  IssuesEventSchema,
  ReviewCommentEventSchema,
  ReviewEventSchema,
  WorkflowDispatchEventSchema,
} from '../../src/agent/webhook-payloads.js';
import { allWebhookExamples } from '../helpers/webhook-examples.js';

const SCHEMAS = {
  issue_comment: IssueCommentEventSchema,
  pull_request_review_comment: ReviewCommentEventSchema,
  pull_request_review: ReviewEventSchema,
  issues: IssuesEventSchema,
  workflow_dispatch: WorkflowDispatchEventSchema,
  pull_request: GenericEventSchema,
} as const;

describe('webhook payload schemas', () => {
  it.each(Object.entries(SCHEMAS))('accept every %s example from github.com and GHES 3.1–3.5', (event, schema) => {
    const examples = allWebhookExamples(event);
    expect(examples.length).toBeGreaterThan(0);
    const failures = examples.flatMap(({ source, payload }) => {
      const result = schema.safeParse(payload);
      return result.success ? [] : [`${source} ${String(payload['action'])}: ${result.error.message}`];
    });
    expect(failures).toEqual([]);
  });

  it('drop fields the bot does not use', () => {
    const [first] = allWebhookExamples('issue_comment');
    const parsed = IssueCommentEventSchema.parse(first?.payload);
    expect(Object.keys(parsed.comment).sort()).toEqual(['body', 'created_at', 'html_url', 'id', 'updated_at', 'user']);
    expect(parsed.comment.user).toEqual({ login: 'Codertocat', id: 21031067, type: 'User' });
  });
});
