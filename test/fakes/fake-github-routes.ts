/**
 * The REST routes the fake GitHub answers, as a table of (method, path
 * pattern, kind of credentials, handler). Handlers answer as GitHub does,
 * errors included; authentication is checked before they run.
 */
import type { IncomingHttpHeaders } from 'node:http';
import {
  characterCount,
  contentJson,
  errorBodies,
  type FakeAttachment,
  type FakeIdentity,
  type FakeIssue,
  type FakeIssueComment,
  type FakePermission,
  type FakeReaction,
  type FakeReactionTarget,
  type FakeRepo,
  type FakeReviewComment,
  issueCommentJson,
  issueJson,
  MAX_COMMENT_CHARS,
  paginate,
  permissionJson,
  fakeUser,
  pullJson,
  REACTION_CONTENTS,
  reactionJson,
  repoJson,
  reviewCommentJson,
  timestamp,
  type Urls,
  userJson,
} from './fake-github-data.js';

export interface FakeStore {
  repos: Map<string, FakeRepo>;
  issues: Map<string, FakeIssue>;
  issueComments: FakeIssueComment[];
  reviewComments: FakeReviewComment[];
  reactions: FakeReaction[];
  attachments: Map<string, FakeAttachment>;
  /** Workflow runs by id, with their jobs and each job's log (Actions API). */
  workflowRuns: Map<number, FakeWorkflowRun>;
  /** Logins with `write` on every repository unless set otherwise. */
  writers: Set<string>;
  app: { id: number; slug: string; installationToken: string };
  newId(): number;
}

export interface FakeJob {
  id: number;
  name: string;
  /** `success`, `failure`, `cancelled`, `skipped`; null while running. */
  conclusion: string | null;
  log: string;
}

export interface FakeWorkflowRun {
  id: number;
  owner: string;
  repo: string;
  jobs: FakeJob[];
}

export interface RouteContext {
  store: FakeStore;
  urls: Urls;
  /** Who the token belongs to (`token` routes only). */
  identity: FakeIdentity | undefined;
  /** Decoded path captures, in pattern order. */
  params: string[];
  query: URLSearchParams;
  body: unknown;
  headers: IncomingHttpHeaders;
  /** The API URL of this path without query, for `Link` headers. */
  selfUrl: string;
}

export interface Reply {
  status: number;
  /** JSON body; ignored when `raw` is set. */
  json?: unknown;
  raw?: Uint8Array | string;
  headers?: Record<string, string>;
}

export interface Route {
  method: string;
  pattern: RegExp;
  /** `token`: a known token; `jwt`: an App's JSON web token; `none`: no credentials (signed URLs). */
  auth: 'token' | 'jwt' | 'none';
  handle(ctx: RouteContext): Reply;
}

const notFound: Reply = { status: 404, json: errorBodies.notFound };
const ok = (json: unknown, status = 200): Reply => ({ status, json });

const REPO = '/repos/([^/]+)/([^/]+)';

function route(method: string, path: string, auth: Route['auth'], handle: Route['handle']): Route {
  return { method, pattern: new RegExp(`^${path}/?$`), auth, handle };
}

function repoOf(ctx: RouteContext): FakeRepo | undefined {
  const [owner, name] = ctx.params;
  return ctx.store.repos.get(`${owner}/${name}`);
}

function issueOf(ctx: RouteContext, number: string | undefined): FakeIssue | undefined {
  const repo = repoOf(ctx);
  return repo ? ctx.store.issues.get(`${repo.owner}/${repo.name}#${number}`) : undefined;
}

function runOf(ctx: RouteContext, id: string | undefined): FakeWorkflowRun | undefined {
  const repo = repoOf(ctx);
  const run = ctx.store.workflowRuns.get(Number(id));
  return repo && run && run.owner === repo.owner && run.repo === repo.name ? run : undefined;
}

function actor(ctx: RouteContext): FakeIssueComment['user'] {
  if (!ctx.identity) throw new Error('route needs a token identity');
  return ctx.identity.user;
}

/** The `body` field of a comment write, or the 422 GitHub answers instead. */
function commentBody(ctx: RouteContext, resource: string): string | Reply {
  const body = (ctx.body as { body?: unknown } | undefined)?.body;
  if (typeof body !== 'string') return { status: 422, json: errorBodies.invalid(resource, 'body', 'missing_field') };
  if (characterCount(body) > MAX_COMMENT_CHARS) return { status: 422, json: errorBodies.tooLong(resource) };
  return body;
}

function addReaction(ctx: RouteContext, target: FakeReactionTarget): Reply {
  const repo = repoOf(ctx);
  const content = (ctx.body as { content?: unknown } | undefined)?.content;
  if (!repo) return notFound;
  if (typeof content !== 'string' || !REACTION_CONTENTS.has(content)) {
    return { status: 422, json: errorBodies.invalid('Reaction', 'content') };
  }
  const user = actor(ctx);
  const existing = ctx.store.reactions.find(
    (r) =>
      r.owner === repo.owner && r.repo === repo.name && r.target.kind === target.kind && r.target.id === target.id &&
      r.content === content && r.user.login === user.login,
  );
  // GitHub answers 200 with the existing reaction when the user already reacted so.
  if (existing) return ok(reactionJson(existing, ctx.urls), 200);
  const reaction: FakeReaction = { id: ctx.store.newId(), owner: repo.owner, repo: repo.name, target, content, user, created_at: timestamp() };
  ctx.store.reactions.push(reaction);
  return ok(reactionJson(reaction, ctx.urls), 201);
}

function findIssueComment(ctx: RouteContext): { comment: FakeIssueComment; issue: FakeIssue } | undefined {
  const repo = repoOf(ctx);
  const id = Number(ctx.params[2]);
  const comment = ctx.store.issueComments.find((c) => c.id === id && repo && c.owner === repo.owner && c.repo === repo.name);
  const issue = comment && ctx.store.issues.get(`${comment.owner}/${comment.repo}#${comment.issueNumber}`);
  return comment && issue ? { comment, issue } : undefined;
}

function findReviewComment(ctx: RouteContext, id: number): FakeReviewComment | undefined {
  const repo = repoOf(ctx);
  return ctx.store.reviewComments.find((c) => c.id === id && repo && c.owner === repo.owner && c.repo === repo.name);
}

function permissionOf(repo: FakeRepo, login: string, writers: Set<string>): FakePermission | 'not-found' {
  const explicit = repo.permissions.get(login);
  if (explicit) return explicit;
  if (login === repo.owner) return 'admin';
  return writers.has(login) ? 'write' : 'none';
}

export const routes: Route[] = [
  route('GET', '/user', 'token', (ctx) =>
    ctx.identity?.installation ? { status: 403, json: errorBodies.notForIntegrations } : ok(userJson(actor(ctx), ctx.urls)),
  ),

  // GraphQL: only `viewer { login }`, which GitHub answers for user and installation tokens alike
  // (an installation token sees its App's bot account, `<slug>[bot]`). Anything else is an error, as GitHub reports them: 200 with `errors`.
  route('POST', '/graphql', 'token', (ctx) => {
    const query = (ctx.body as { query?: unknown } | undefined)?.query;
    if (typeof query === 'string' && /^\s*(query\s*\w*\s*)?\{\s*viewer\s*\{\s*login\s*\}\s*\}\s*$/.test(query)) return ok({ data: { viewer: { login: actor(ctx).login } } });
    return ok({ errors: [{ message: 'The fake GitHub answers only `{ viewer { login } }`.' }] });
  }),

  route('GET', '/app', 'jwt', (ctx) => ok({ id: ctx.store.app.id, slug: ctx.store.app.slug, name: ctx.store.app.slug })),

  route('POST', '/app/installations/(\\d+)/access_tokens', 'jwt', (ctx) => {
    const id = Number(ctx.params[0]);
    if (![...ctx.store.repos.values()].some((r) => r.installationId === id)) return notFound;
    const expires = new Date(Date.now() + 3600_000);
    return ok(
      {
        token: ctx.store.app.installationToken,
        expires_at: timestamp(expires),
        permissions: { issues: 'write', pull_requests: 'write', contents: 'read', metadata: 'read' },
        repository_selection: 'all',
      },
      201,
    );
  }),

  route('GET', `${REPO}/installation`, 'jwt', (ctx) => {
    const repo = repoOf(ctx);
    if (!repo) return notFound;
    return ok({ id: repo.installationId, app_id: ctx.store.app.id, app_slug: ctx.store.app.slug, account: { login: repo.owner } });
  }),

  route('GET', REPO, 'token', (ctx) => {
    const repo = repoOf(ctx);
    return repo ? ok(repoJson(repo, ctx.urls)) : notFound;
  }),

  route('GET', `${REPO}/contents/(.+)`, 'token', (ctx) => {
    const repo = repoOf(ctx);
    const path = ctx.params[2] ?? '';
    const content = repo?.files.get(path);
    if (!repo || content === undefined) return notFound;
    // `application/vnd.github.raw` (Probot's config plugin asks for it) gets the bytes themselves.
    if (/\.raw\b/.test(String(ctx.headers.accept ?? ''))) {
      return { status: 200, raw: content, headers: { 'content-type': 'text/plain; charset=utf-8' } };
    }
    return ok(contentJson(path, content, repo.owner, repo.name, ctx.urls));
  }),

  route('GET', `${REPO}/collaborators/([^/]+)/permission`, 'token', (ctx) => {
    const repo = repoOf(ctx);
    const login = ctx.params[2] ?? '';
    if (!repo) return notFound;
    const permission = permissionOf(repo, login, ctx.store.writers);
    return permission === 'not-found' ? notFound : ok(permissionJson(permission, fakeUser(login), ctx.urls));
  }),

  route('GET', `${REPO}/issues/(\\d+)`, 'token', (ctx) => {
    const issue = issueOf(ctx, ctx.params[2]);
    return issue ? ok(issueJson(issue, ctx.urls)) : notFound;
  }),

  route('GET', `${REPO}/issues/(\\d+)/comments`, 'token', (ctx) => {
    const issue = issueOf(ctx, ctx.params[2]);
    if (!issue) return notFound;
    const all = ctx.store.issueComments.filter((c) => c.owner === issue.owner && c.repo === issue.repo && c.issueNumber === issue.number);
    const { page, link } = paginate(all, ctx.query, ctx.selfUrl);
    return { status: 200, json: page.map((c) => issueCommentJson(c, issue, ctx.urls)), headers: link ? { link } : {} };
  }),

  route('POST', `${REPO}/issues/(\\d+)/comments`, 'token', (ctx) => {
    const issue = issueOf(ctx, ctx.params[2]);
    if (!issue) return notFound;
    const body = commentBody(ctx, 'IssueComment');
    if (typeof body !== 'string') return body;
    const now = timestamp();
    const comment: FakeIssueComment = {
      id: ctx.store.newId(),
      owner: issue.owner,
      repo: issue.repo,
      issueNumber: issue.number,
      body,
      user: actor(ctx),
      created_at: now,
      updated_at: now,
    };
    ctx.store.issueComments.push(comment);
    return ok(issueCommentJson(comment, issue, ctx.urls), 201);
  }),

  route('GET', `${REPO}/issues/comments/(\\d+)`, 'token', (ctx) => {
    const found = findIssueComment(ctx);
    return found ? ok(issueCommentJson(found.comment, found.issue, ctx.urls)) : notFound;
  }),

  route('PATCH', `${REPO}/issues/comments/(\\d+)`, 'token', (ctx) => {
    const found = findIssueComment(ctx);
    if (!found) return notFound;
    const body = commentBody(ctx, 'IssueComment');
    if (typeof body !== 'string') return body;
    found.comment.body = body;
    found.comment.updated_at = timestamp();
    return ok(issueCommentJson(found.comment, found.issue, ctx.urls));
  }),

  route('POST', `${REPO}/issues/comments/(\\d+)/reactions`, 'token', (ctx) =>
    findIssueComment(ctx) ? addReaction(ctx, { kind: 'issue-comment', id: Number(ctx.params[2]) }) : notFound,
  ),

  route('POST', `${REPO}/issues/(\\d+)/reactions`, 'token', (ctx) =>
    issueOf(ctx, ctx.params[2]) ? addReaction(ctx, { kind: 'issue', id: Number(ctx.params[2]) }) : notFound,
  ),

  route('DELETE', `${REPO}/issues/(\\d+)/labels/([^/]+)`, 'token', (ctx) => {
    const issue = issueOf(ctx, ctx.params[2]);
    const name = ctx.params[3] ?? '';
    // GitHub answers 404 "Label does not exist" when the issue does not carry it.
    if (!issue || !issue.labels.includes(name)) return notFound;
    issue.labels = issue.labels.filter((l) => l !== name);
    return ok(issue.labels.map((l) => ({ name: l })));
  }),

  route('GET', `${REPO}/actions/runs/(\\d+)/jobs`, 'token', (ctx) => {
    const run = runOf(ctx, ctx.params[2]);
    if (!run) return notFound;
    const filter = ctx.query.get('filter') ?? 'latest';
    if (!['latest', 'all'].includes(filter)) return { status: 422, json: errorBodies.invalid('Job', 'filter') };
    const { page, link } = paginate(run.jobs, ctx.query, ctx.selfUrl);
    const jobs = page.map((j) => ({
      id: j.id,
      run_id: run.id,
      name: j.name,
      status: j.conclusion === null ? 'in_progress' : 'completed',
      conclusion: j.conclusion,
      html_url: `https://github.com/${run.owner}/${run.repo}/actions/runs/${run.id}/job/${j.id}`,
    }));
    return { status: 200, json: { total_count: run.jobs.length, jobs }, headers: link ? { link } : {} };
  }),

  // GitHub answers the log route with a 302 to a short-lived signed URL on another host.
  route('GET', `${REPO}/actions/jobs/(\\d+)/logs`, 'token', (ctx) => {
    const repo = repoOf(ctx);
    const id = Number(ctx.params[2]);
    const job = [...ctx.store.workflowRuns.values()].filter((r) => repo && r.owner === repo.owner && r.repo === repo.name).flatMap((r) => r.jobs).find((j) => j.id === id);
    if (!job) return notFound;
    return { status: 302, raw: '', headers: { location: `${ctx.urls.api}/_signed/job-logs/${id}?sig=log-${id}` } };
  }),

  route('GET', `${REPO}/pulls/(\\d+)`, 'token', (ctx) => {
    const issue = issueOf(ctx, ctx.params[2]);
    const repo = repoOf(ctx);
    return issue?.pull && repo ? ok(pullJson(issue, repo, ctx.urls)) : notFound;
  }),

  route('GET', `${REPO}/pulls/(\\d+)/files`, 'token', (ctx) => {
    const pull = issueOf(ctx, ctx.params[2])?.pull;
    if (!pull) return notFound;
    const { page, link } = paginate(pull.files, ctx.query, ctx.selfUrl);
    return { status: 200, json: page, headers: link ? { link } : {} };
  }),

  route('GET', `${REPO}/pulls/(\\d+)/comments`, 'token', (ctx) => {
    const issue = issueOf(ctx, ctx.params[2]);
    if (!issue?.pull) return notFound;
    const all = ctx.store.reviewComments.filter((c) => c.owner === issue.owner && c.repo === issue.repo && c.pullNumber === issue.number);
    const { page, link } = paginate(all, ctx.query, ctx.selfUrl);
    return { status: 200, json: page.map((c) => reviewCommentJson(c, ctx.urls)), headers: link ? { link } : {} };
  }),

  route('POST', `${REPO}/pulls/(\\d+)/comments/(\\d+)/replies`, 'token', (ctx) => {
    const issue = issueOf(ctx, ctx.params[2]);
    const root = findReviewComment(ctx, Number(ctx.params[3]));
    if (!issue?.pull || !root || root.pullNumber !== issue.number) return notFound;
    // GitHub documents replies to replies as unsupported; the fake refuses them so a client bug shows.
    if (root.in_reply_to_id !== null) return { status: 422, json: errorBodies.invalid('PullRequestReviewComment', 'in_reply_to_id') };
    const body = commentBody(ctx, 'PullRequestReviewComment');
    if (typeof body !== 'string') return body;
    const now = timestamp();
    const reply: FakeReviewComment = { ...root, id: ctx.store.newId(), body, user: actor(ctx), in_reply_to_id: root.id, created_at: now, updated_at: now };
    ctx.store.reviewComments.push(reply);
    return ok(reviewCommentJson(reply, ctx.urls), 201);
  }),

  route('GET', `${REPO}/pulls/comments/(\\d+)`, 'token', (ctx) => {
    const c = findReviewComment(ctx, Number(ctx.params[2]));
    return c ? ok(reviewCommentJson(c, ctx.urls)) : notFound;
  }),

  route('PATCH', `${REPO}/pulls/comments/(\\d+)`, 'token', (ctx) => {
    const c = findReviewComment(ctx, Number(ctx.params[2]));
    if (!c) return notFound;
    const body = commentBody(ctx, 'PullRequestReviewComment');
    if (typeof body !== 'string') return body;
    c.body = body;
    c.updated_at = timestamp();
    return ok(reviewCommentJson(c, ctx.urls));
  }),

  route('POST', `${REPO}/pulls/comments/(\\d+)/reactions`, 'token', (ctx) =>
    findReviewComment(ctx, Number(ctx.params[2])) ? addReaction(ctx, { kind: 'review-comment', id: Number(ctx.params[2]) }) : notFound,
  ),

  route('GET', '/user-attachments/assets/([^/]+)', 'token', (ctx) => {
    const a = ctx.store.attachments.get(ctx.params[0] ?? '');
    if (!a) return notFound;
    if (a.redirect === true) {
      const api = ctx.urls.api.replace(/\/api\/v3$/, '');
      return { status: 302, raw: '', headers: { location: `${api}/_signed/user-attachments/${a.id}?sig=${a.signature}` } };
    }
    if (typeof a.redirect === 'string') return { status: 302, raw: '', headers: { location: a.redirect } };
    return { status: 200, raw: a.bytes, headers: { 'content-type': a.contentType } };
  }),

  route('GET', '/_signed/job-logs/(\\d+)', 'none', (ctx) => {
    const id = Number(ctx.params[0]);
    const job = [...ctx.store.workflowRuns.values()].flatMap((r) => r.jobs).find((j) => j.id === id);
    if (!job || ctx.query.get('sig') !== `log-${id}`) return notFound;
    return { status: 200, raw: job.log, headers: { 'content-type': 'text/plain; charset=utf-8' } };
  }),

  // The signed URL an attachment redirects to: its signature is the credential, like GitHub's.
  route('GET', '/_signed/user-attachments/([^/]+)', 'none', (ctx) => {
    const a = ctx.store.attachments.get(ctx.params[0] ?? '');
    if (!a || ctx.query.get('sig') !== a.signature) return notFound;
    return { status: 200, raw: a.bytes, headers: { 'content-type': a.contentType } };
  }),
];
