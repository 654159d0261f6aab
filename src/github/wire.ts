/**
 * GitHub's REST payloads as far as the port reads them, validated at the
 * boundary and mapped to the port's types. Schemas list only the fields we
 * use; GitHub adds fields freely and zod drops the rest.
 */
import { z } from 'zod';
import type { Author, IssueInfo, Permission, PullRequestFile, PullRequestInfo, ThreadComment, WorkflowJob } from './port.js';
import { repositoryOfFullName, threadOfApiUrl, threadOfWebUrl, type AnsweredThread } from './thread-identity.js';

/** GitHub sends `user: null` for deleted accounts; it shows them as "ghost". */
const UserSchema = z
  .object({ login: z.string(), type: z.string().optional() })
  .nullish()
  .transform((u): Author => (u ? { login: u.login, type: u.type ?? 'User' } : { login: 'ghost', type: 'User' }));

const BodySchema = z
  .string()
  .nullish()
  .transform((b) => b ?? '');

const CommentFields = {
  id: z.number(),
  body: BodySchema,
  user: UserSchema,
  created_at: z.string(),
  updated_at: z.string(),
  html_url: z.string(),
};

/**
 * A conversation comment and the thread it says it belongs to (`issue_url`,
 * else its `html_url`), for the port to check that a list it read is the
 * thread's it asked for (thread-identity.ts).
 */
export const LocatedIssueCommentSchema = z
  .object({ ...CommentFields, issue_url: z.string().nullish() })
  .transform((c): { comment: ThreadComment; thread: AnsweredThread | undefined } => ({
    comment: { id: c.id, kind: 'issue', body: c.body, author: c.user, created_at: c.created_at, updated_at: c.updated_at, html_url: c.html_url },
    thread: threadOfApiUrl(c.issue_url) ?? threadOfWebUrl(c.html_url),
  }));

export const ReviewCommentSchema = z
  .object({
    ...CommentFields,
    in_reply_to_id: z.number().nullish(),
    path: z.string(),
    line: z.number().nullish(),
    diff_hunk: z.string().nullish(),
  })
  .transform(
    (c): ThreadComment => ({
      id: c.id,
      kind: 'review',
      body: c.body,
      author: c.user,
      created_at: c.created_at,
      updated_at: c.updated_at,
      html_url: c.html_url,
      review: { path: c.path, line: c.line ?? null, diff_hunk: c.diff_hunk ?? '', in_reply_to_id: c.in_reply_to_id ?? null },
    }),
  );

export const CreatedCommentSchema = z.object({ id: z.number(), html_url: z.string() });

export const UserLoginSchema = z.object({ login: z.string() });
/** GraphQL `{ viewer { login } }`; a GraphQL error comes back as 200 without `data`, which fails this schema. */
export const ViewerLoginSchema = z.object({ data: z.object({ viewer: z.object({ login: z.string().min(1) }) }) });

/** A file from the contents API; directories and symlinks have no `content` and are rejected. */
export const FileContentSchema = z.object({ type: z.literal('file'), content: z.string() });

const KNOWN_PERMISSIONS: ReadonlySet<string> = new Set<Permission>(['admin', 'maintain', 'write', 'triage', 'read', 'none']);

/**
 * `role_name` distinguishes maintain and triage, which `permission` folds
 * into write and read; a custom repository role has its own `role_name`, so
 * then `permission` (its base role) decides.
 */
export const CollaboratorPermissionSchema = z
  .object({ permission: z.string(), role_name: z.string().nullish() })
  .transform((p): Permission => {
    if (p.role_name && KNOWN_PERMISSIONS.has(p.role_name)) return p.role_name as Permission;
    return KNOWN_PERMISSIONS.has(p.permission) ? (p.permission as Permission) : 'none';
  });

export const PullRequestSchema = z
  .object({
    number: z.number(),
    title: z.string(),
    body: BodySchema,
    html_url: z.string(),
    user: UserSchema,
    head: z.object({ ref: z.string(), sha: z.string(), repo: z.object({ full_name: z.string() }).nullish() }),
    base: z.object({ ref: z.string() }),
  })
  .transform(
    (p): PullRequestInfo => ({
      number: p.number,
      title: p.title,
      body: p.body,
      html_url: p.html_url,
      head: { ref: p.head.ref, sha: p.head.sha, repoFullName: p.head.repo?.full_name ?? null },
      base: { ref: p.base.ref },
      author: p.user,
    }),
  );

export const PullRequestFileSchema = z
  .object({ filename: z.string(), status: z.string(), additions: z.number(), deletions: z.number() })
  .transform((f): PullRequestFile => ({ filename: f.filename, status: f.status, additions: f.additions, deletions: f.deletions }));

/** `GET /repos/{owner}/{repo}`: only its id is read. */
export const RepositoryIdSchema = z.object({ id: z.number().int().positive() }).transform((r) => r.id);

export const IssueSchema = z
  .object({
    number: z.number(),
    title: z.string(),
    body: BodySchema,
    html_url: z.string(),
    user: UserSchema,
    pull_request: z.unknown().optional(),
  })
  .transform(
    (i): IssueInfo => ({
      number: i.number,
      title: i.title,
      body: i.body,
      html_url: i.html_url,
      author: i.user,
      isPullRequest: i.pull_request !== undefined && i.pull_request !== null,
    }),
  );

/**
 * Where an issue (or a pull request read as an issue) says it lives: its
 * number, and the repository of its `repository_url`, else of its `html_url`.
 */
export const IssueLocationSchema = z
  .object({ number: z.number(), repository_url: z.string().nullish(), html_url: z.string() })
  .transform((i): AnsweredThread => ({ number: i.number, repository: threadOfApiUrl(i.repository_url)?.repository ?? threadOfWebUrl(i.html_url)?.repository }));

/** Where a pull request says it lives: its number, and its base repository by id and name (else its `html_url`'s). */
export const PullRequestLocationSchema = z
  .object({ number: z.number(), html_url: z.string(), base: z.object({ repo: z.object({ id: z.number(), full_name: z.string() }).nullish() }) })
  .transform(
    (p): AnsweredThread => ({
      number: p.number,
      repository: repositoryOfFullName(p.base.repo?.full_name) ?? threadOfWebUrl(p.html_url)?.repository,
      repositoryId: p.base.repo?.id,
    }),
  );

/**
 * The query of the `rel="next"` link of a `Link` header, or undefined on the
 * last page. The port re-requests its own route with that query instead of
 * the link's URL, so the token never follows a link to another host.
 */
export function nextPageQuery(link: string | number | undefined): Record<string, string> | undefined {
  return pageQuery(link, 'next');
}

/**
 * The query of the link with relation `rel` (`next`, `prev`, `first`,
 * `last`) in a `Link` header as GitHub sends it
 * (`<https://api.github.com/repositories/1/issues/2/comments?per_page=100&page=3>; rel="last", ...`),
 * or undefined when the header has none (GitHub leaves the header out when
 * everything fits on one page, and `last` out on the last page).
 */
export function pageQuery(link: string | number | undefined, rel: 'next' | 'prev' | 'first' | 'last'): Record<string, string> | undefined {
  if (typeof link !== 'string') return undefined;
  for (const part of link.split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?([^";]+)"?/.exec(part.trim());
    if (!m || !m[2]?.split(/\s+/).includes(rel) || !m[1]) continue;
    try {
      return Object.fromEntries(new URL(m[1]).searchParams);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** The `page` number of a link's query (from `pageQuery`), or undefined when it has none that reads as a page. */
export function pageNumber(query: Record<string, string> | undefined): number | undefined {
  const n = Number(query?.page);
  return Number.isSafeInteger(n) && n >= 1 ? n : undefined;
}

/** `GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs`: the jobs under `jobs`. */
export const WorkflowJobsSchema = z.object({
  jobs: z.array(
    z.object({ id: z.number(), name: z.string(), conclusion: z.string().nullish(), html_url: z.string().nullish() }).transform(
      (j): WorkflowJob => ({ id: j.id, name: j.name, conclusion: j.conclusion ?? null, html_url: j.html_url ?? '' }),
    ),
  ),
});
