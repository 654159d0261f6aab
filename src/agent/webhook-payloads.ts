/**
 * The parts of GitHub's webhook payloads the bot reads, validated with zod.
 *
 * Only fields we use are declared; everything else is ignored (`z.object`
 * strips unknown keys), so GitHub adding fields never breaks us. Fields that
 * GitHub sends as null, or that older payloads lack, are `nullish`.
 */
import { z } from 'zod';

export const ActorSchema = z.object({ login: z.string(), id: z.number(), type: z.string() });
/** `id` is GitHub's numeric repository id: it names the thread in a chat's label (thread-label.ts). */
export const RepositorySchema = z.object({ id: z.number().int().positive().optional(), name: z.string(), owner: z.object({ login: z.string() }) });
export const GitRefSchema = z.object({ ref: z.string(), sha: z.string() });
export const IssueSchema = z.object({
  number: z.number().int().positive(),
  title: z.string(),
  body: z.string().nullish(),
  user: ActorSchema.nullish(),
  html_url: z.string(),
  updated_at: z.string().optional(),
  pull_request: z.looseObject({}).nullish(),
});
export const PullRequestSchema = z.object({
  number: z.number().int().positive(),
  title: z.string(),
  body: z.string().nullish(),
  user: ActorSchema.nullish(),
  html_url: z.string(),
  head: GitRefSchema,
  base: GitRefSchema,
});
export const CommentSchema = z.object({
  id: z.number(),
  body: z.string().nullish(),
  user: ActorSchema.nullish(),
  html_url: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
});
export const BaseSchema = z.object({ action: z.string().optional(), repository: RepositorySchema, sender: ActorSchema.nullish() });

/** `edited`: the text before the edit. */
const BodyChangesSchema = z.object({ body: z.object({ from: z.string().nullish() }).nullish() }).nullish();
export const IssueCommentEventSchema = BaseSchema.extend({ issue: IssueSchema, comment: CommentSchema, changes: BodyChangesSchema });
export const ReviewCommentEventSchema = BaseSchema.extend({
  pull_request: PullRequestSchema,
  comment: CommentSchema.extend({
    path: z.string(),
    diff_hunk: z.string(),
    commit_id: z.string(),
    line: z.number().nullish(),
    start_line: z.number().nullish(),
    side: z.string().nullish(),
    in_reply_to_id: z.number().nullish(),
  }),
  changes: BodyChangesSchema,
});
export const ReviewEventSchema = BaseSchema.extend({
  pull_request: PullRequestSchema,
  review: z.object({
    id: z.number(),
    body: z.string().nullish(),
    user: ActorSchema.nullish(),
    html_url: z.string(),
    submitted_at: z.string().nullish(),
  }),
});
export const IssuesEventSchema = BaseSchema.extend({
  issue: IssueSchema,
  label: z.object({ name: z.string() }).nullish(),
  /** `assigned`/`unassigned`: the account assigned. */
  assignee: ActorSchema.nullish(),
  changes: z.object({ body: z.object({ from: z.string().nullish() }).nullish() }).nullish(),
});
export const WorkflowDispatchEventSchema = BaseSchema.extend({
  ref: z.string().nullish(),
  workflow: z.string().nullish(),
  inputs: z.record(z.string(), z.unknown()).nullish(),
});
export const ScheduleEventSchema = BaseSchema.extend({ schedule: z.string(), workflow: z.string().nullish(), ref: z.string().nullish() });
export const GenericEventSchema = BaseSchema.extend({
  issue: z.object({ number: z.number().int().positive(), pull_request: z.looseObject({}).nullish(), updated_at: z.string().optional() }).nullish(),
  pull_request: z.object({ number: z.number().int().positive(), updated_at: z.string().optional() }).nullish(),
});
export const WorkflowRunEventSchema = BaseSchema.extend({
  workflow_run: z.object({
    id: z.number().int().positive(),
    name: z.string().nullish(),
    html_url: z.string(),
    head_branch: z.string().nullish(),
    head_sha: z.string(),
    conclusion: z.string().nullish(),
    run_attempt: z.number().int().positive().optional(),
    /** The repository the run's commit came from: a fork's for a fork's pull request. */
    head_repository: z.object({ id: z.number().int().positive() }).nullish(),
    /** Empty for pull requests from forks and for runs not started by a pull request. */
    pull_requests: z.array(z.object({ number: z.number().int().positive(), head: z.object({ ref: z.string() }) })).nullish(),
  }),
});

export type PayloadActor = z.infer<typeof ActorSchema>;
export type PayloadComment = z.infer<typeof CommentSchema>;
export type PayloadBase = z.infer<typeof BaseSchema>;
