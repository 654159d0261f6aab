/**
 * Turning a GitHub event into a `Trigger`: who wrote what, where.
 *
 * Webhook payloads (the App) and `github.context.payload` (the Action) have
 * the same shape. Each is validated before use; unknown fields are ignored,
 * and a payload that lacks what we need becomes a `TriggerError` whose
 * message a person can act on, never a crash deeper in. Events are handled by
 * a table (event name → parser) so new events slot in (DESIGN.md, "Coming
 * after").
 */
import type { z } from 'zod';
import { TriggerError } from './trigger-error.js';
import {
  GenericEventSchema,
  IssueCommentEventSchema,
  IssuesEventSchema,
  ReviewCommentEventSchema,
  ReviewEventSchema,
  ScheduleEventSchema,
  WorkflowDispatchEventSchema,
  WorkflowRunEventSchema,
  type PayloadActor,
  type PayloadBase,
  type PayloadComment,
} from './webhook-payloads.js';

/** GitHub account types. Anything else is treated as a bot (see `toActor`). */
export type ActorType = 'User' | 'Bot' | 'Organization';

export interface Actor {
  login: string;
  type: ActorType;
  id: number;
}

export interface RepositoryRef {
  owner: string;
  repo: string;
}

/** The issue or pull request the event happened in. */
export interface ThreadRef {
  number: number;
  /** GitHub models a pull request as an issue that has `pull_request`. */
  isPullRequest: boolean;
  /** Review comments only: the first comment of the review thread (`in_reply_to_id ?? id`), where replies go. */
  reviewThreadRootId: number | null;
}

/** The comment (or review) that holds the triggering text. */
export interface TriggerComment {
  /** Which GitHub API the id belongs to: reactions and replies differ for each. */
  kind: 'issue_comment' | 'review_comment' | 'review';
  id: number;
  htmlUrl: string;
  createdAt: string;
  updatedAt: string;
}

/** The issue or pull request itself, as it was when the event was sent. */
export interface ThreadSubject {
  title: string;
  body: string;
  author: Actor | null;
  htmlUrl: string;
}

export interface GitRef {
  ref: string;
  sha: string;
}

/** Where a review comment sits in the diff. */
export interface ReviewCommentPosition {
  path: string;
  /** Null on comments GitHub marks outdated. */
  line: number | null;
  /** Set on multi-line comments. */
  startLine: number | null;
  side: 'LEFT' | 'RIGHT' | null;
  diffHunk: string;
  commitId: string;
  inReplyToId: number | null;
}

/** `workflow_dispatch` and `schedule` details. */
export interface WorkflowEventDetails {
  ref: string | null;
  workflow: string | null;
  inputs: Record<string, unknown>;
  /** The cron expression, for `schedule`. */
  schedule: string | null;
}

/** `workflow_run`: the run that completed. */
export interface WorkflowRunDetails {
  id: number;
  /** The workflow's name. */
  name: string;
  htmlUrl: string;
  headBranch: string;
  headSha: string;
  /** `success`, `failure`, `cancelled`, ...; null while it runs. */
  conclusion: string | null;
  /** 1 for the first attempt; a re-run is a new attempt of the same run id. */
  attempt: number;
  /** The pull requests the run belongs to (empty for forks). */
  pullRequests: { number: number; headRef: string }[];
  /** GitHub's id of the repository the run's commit came from (a fork's, for a fork's pull request); null when the payload lacks it. */
  headRepositoryId: number | null;
}

export interface Trigger {
  /** The event name: `issue_comment`, `schedule`, ... */
  event: string;
  action: string | null;
  repository: RepositoryRef;
  /** GitHub's numeric repository id; it survives renames and names the thread in a chat's label. Null only when a hand-made payload lacks it. */
  repositoryId: number | null;
  thread: ThreadRef | null;
  /** The text that may hold the request: a comment or review body, an issue body; empty when there is none. */
  text: string;
  /** Who wrote `text`; for events without text, the sender. */
  author: Actor | null;
  comment: TriggerComment | null;
  subject: ThreadSubject | null;
  /** Head and base of the pull request, when the payload carries them (review events). */
  pullRequest: { head: GitRef; base: GitRef } | null;
  reviewComment: ReviewCommentPosition | null;
  /** The label added, for `issues` `labeled`. */
  label: string | null;
  /** The account assigned, for `issues` `assigned`. */
  assignee: Actor | null;
  workflow: WorkflowEventDetails | null;
  /** `workflow_run` only. */
  workflowRun: WorkflowRunDetails | null;
  /** Who caused the event (for `issues` `labeled`, who added the label). */
  sender: Actor | null;
  /**
   * When the triggering text was written (comment created, review submitted,
   * issue opened or changed). Thread content edited after this is not trusted.
   */
  triggeredAt: string | null;
  /**
   * `edited` (issue bodies, comments): the text before the edit (`''` when
   * it was empty), so an edit that leaves the request as it was does not
   * start it again; null when the text did not change (GitHub sends
   * `changes.body` only for a body edit: a title edit carries
   * `changes.title` alone).
   */
  previousText: string | null;
}

export { TriggerError } from './trigger-error.js';

/** The actions on which each event may start a run; events not listed may start one on any action. */
export const TRIGGERING_ACTIONS: Readonly<Record<string, readonly string[]>> = {
  // `edited` only with rerun-on-edit (request.ts decides).
  issue_comment: ['created', 'edited'],
  pull_request_review_comment: ['created', 'edited'],
  pull_request_review: ['submitted'],
  issues: ['opened', 'edited', 'labeled', 'assigned'],
};

export function isTriggeringAction(trigger: Pick<Trigger, 'event' | 'action'>): boolean {
  const actions = TRIGGERING_ACTIONS[trigger.event];
  return actions === undefined || (trigger.action !== null && actions.includes(trigger.action));
}

type Parser = (event: string, payload: unknown) => Trigger;

const PARSERS: Readonly<Record<string, Parser>> = {
  issue_comment: (event, payload) => {
    const p = validate(event, IssueCommentEventSchema, payload);
    return {
      ...base(event, p),
      thread: { number: p.issue.number, isPullRequest: isPullRequest(p.issue), reviewThreadRootId: null },
      text: p.comment.body ?? '',
      author: toActor(p.comment.user),
      comment: toComment('issue_comment', p.comment),
      subject: toSubject(p.issue),
      // An edit is a request as of the edit: what the thread said until then is context.
      triggeredAt: p.action === 'edited' ? p.comment.updated_at : p.comment.created_at,
      previousText: p.action === 'edited' ? bodyBefore(p.changes) : null,
    };
  },
  pull_request_review_comment: (event, payload) => {
    const p = validate(event, ReviewCommentEventSchema, payload);
    const c = p.comment;
    return {
      ...base(event, p),
      thread: { number: p.pull_request.number, isPullRequest: true, reviewThreadRootId: c.in_reply_to_id ?? c.id },
      text: c.body ?? '',
      author: toActor(c.user),
      comment: toComment('review_comment', c),
      subject: toSubject(p.pull_request),
      pullRequest: { head: p.pull_request.head, base: p.pull_request.base },
      reviewComment: {
        path: c.path,
        line: c.line ?? null,
        startLine: c.start_line ?? null,
        side: c.side === 'LEFT' || c.side === 'RIGHT' ? c.side : null,
        diffHunk: c.diff_hunk,
        commitId: c.commit_id,
        inReplyToId: c.in_reply_to_id ?? null,
      },
      triggeredAt: p.action === 'edited' ? c.updated_at : c.created_at,
      previousText: p.action === 'edited' ? bodyBefore(p.changes) : null,
    };
  },
  pull_request_review: (event, payload) => {
    const p = validate(event, ReviewEventSchema, payload);
    const r = p.review;
    const submittedAt = r.submitted_at ?? null;
    return {
      ...base(event, p),
      thread: { number: p.pull_request.number, isPullRequest: true, reviewThreadRootId: null },
      text: r.body ?? '',
      author: toActor(r.user),
      comment: submittedAt === null ? null : { kind: 'review', id: r.id, htmlUrl: r.html_url, createdAt: submittedAt, updatedAt: submittedAt },
      subject: toSubject(p.pull_request),
      pullRequest: { head: p.pull_request.head, base: p.pull_request.base },
      triggeredAt: submittedAt,
    };
  },
  issues: (event, payload) => {
    const p = validate(event, IssuesEventSchema, payload);
    const assigned = p.action === 'assigned';
    return {
      ...base(event, p),
      thread: { number: p.issue.number, isPullRequest: isPullRequest(p.issue), reviewThreadRootId: null },
      text: p.issue.body ?? '',
      // An assignment is the assigner's request, whoever wrote the issue: their permission is what counts.
      author: assigned ? toActor(p.sender) : toActor(p.issue.user),
      assignee: toActor(p.assignee),
      subject: toSubject(p.issue),
      label: p.label?.name ?? null,
      triggeredAt: p.issue.updated_at ?? null,
      previousText: p.action === 'edited' ? bodyBefore(p.changes) : null,
    };
  },
  workflow_dispatch: (event, payload) => {
    const p = validate(event, WorkflowDispatchEventSchema, payload);
    return {
      ...base(event, p),
      workflow: { ref: p.ref ?? null, workflow: p.workflow ?? null, inputs: p.inputs ?? {}, schedule: null },
    };
  },
  workflow_run: (event, payload) => {
    const p = validate(event, WorkflowRunEventSchema, payload);
    const r = p.workflow_run;
    return {
      ...base(event, p),
      workflowRun: {
        id: r.id,
        name: r.name || 'workflow',
        htmlUrl: r.html_url,
        headBranch: r.head_branch ?? '',
        headSha: r.head_sha,
        conclusion: r.conclusion ?? null,
        attempt: r.run_attempt ?? 1,
        pullRequests: (r.pull_requests ?? []).map((pr) => ({ number: pr.number, headRef: pr.head.ref })),
        headRepositoryId: r.head_repository?.id ?? null,
      },
    };
  },
  schedule: (event, payload) => {
    const p = validate(event, ScheduleEventSchema, payload);
    return { ...base(event, p), workflow: { ref: p.ref ?? null, workflow: p.workflow ?? null, inputs: {}, schedule: p.schedule } };
  },
};

const parseGenericEvent: Parser = (event, payload) => {
  const p = validate(event, GenericEventSchema, payload);
  const thread: ThreadRef | null = p.issue
    ? { number: p.issue.number, isPullRequest: isPullRequest(p.issue), reviewThreadRootId: null }
    : p.pull_request
      ? { number: p.pull_request.number, isPullRequest: true, reviewThreadRootId: null }
      : null;
  // When the thread last changed (closed, reopened): tells one close from the next.
  return { ...base(event, p), thread, triggeredAt: p.issue?.updated_at ?? p.pull_request?.updated_at ?? null };
};

/**
 * Reads a GitHub event. `event` is the event name (the `X-GitHub-Event`
 * header, or `github.context.eventName`). Any action is read; whether it may
 * start a run is `isTriggeringAction`'s question. Throws `TriggerError`.
 */
export function parseTrigger(event: string, payload: unknown): Trigger {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new TriggerError(event, ['the payload is not a JSON object']);
  }
  const parser = PARSERS[event] ?? parseGenericEvent;
  return parser(event, payload);
}

function validate<T>(event: string, schema: z.ZodType<T>, payload: unknown): T {
  const result = schema.safeParse(payload);
  if (result.success) return result.data;
  throw new TriggerError(event, result.error.issues.slice(0, 5).map(describeIssue));
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join('.');
  const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
  const problem = missing ? 'is missing' : `is invalid (${issue.message.replace(/^Invalid input: /, '')})`;
  return path === '' ? `the payload ${problem}` : `${path} ${problem}`;
}

/** Fields every event has; parsers override the rest. Without text, the author is the sender. */
function base(event: string, p: PayloadBase): Trigger {
  const sender = toActor(p.sender);
  return {
    event,
    action: p.action ?? null,
    repository: { owner: p.repository.owner.login, repo: p.repository.name },
    repositoryId: p.repository.id ?? null,
    thread: null,
    text: '',
    author: sender,
    comment: null,
    subject: null,
    pullRequest: null,
    reviewComment: null,
    label: null,
    assignee: null,
    workflow: null,
    workflowRun: null,
    sender,
    triggeredAt: null,
    previousText: null,
  };
}

/**
 * GitHub App accounts have type `Bot` and a login ending in `[bot]`; either
 * makes the actor a bot. Unknown types (`Mannequin` for imported accounts, or
 * anything new) are also treated as bots, so that the policy, which refuses
 * bots unless listed, fails closed.
 */
function toActor(user: PayloadActor | null | undefined): Actor | null {
  if (!user) return null;
  const type: ActorType =
    user.type === 'Bot' || user.login.endsWith('[bot]') ? 'Bot' : user.type === 'User' || user.type === 'Organization' ? user.type : 'Bot';
  return { login: user.login, type, id: user.id };
}

function toComment(kind: TriggerComment['kind'], c: PayloadComment): TriggerComment {
  return { kind, id: c.id, htmlUrl: c.html_url, createdAt: c.created_at, updatedAt: c.updated_at };
}

function toSubject(s: { title: string; body?: string | null; user?: PayloadActor | null; html_url: string }): ThreadSubject {
  return { title: s.title, body: s.body ?? '', author: toActor(s.user), htmlUrl: s.html_url };
}

function isPullRequest(issue: { pull_request?: object | null }): boolean {
  return issue.pull_request !== undefined && issue.pull_request !== null;
}

/** The text before an edit when the edit changed it (`''` for an empty one), else null (`Trigger.previousText`). */
function bodyBefore(changes: { body?: { from?: string | null | undefined } | null | undefined } | null | undefined): string | null {
  return changes?.body ? (changes.body.from ?? '') : null;
}
