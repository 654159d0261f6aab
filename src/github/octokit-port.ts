/**
 * The GitHub port over an Octokit. Both runtimes hand one in: the Action the
 * result of `@actions/github`'s `getOctokit(...)`, the App Probot's
 * `context.octokit`. Only `request` is used, so any Octokit with or without
 * plugins fits; throttling and retries are the Octokit's business
 * (octokit-options.ts), this file only maps routes to the port.
 */
import type { z } from 'zod';
import { downloadAsset, type AssetHop } from './asset-download.js';
import type { AssetNetwork } from './asset-policy.js';
import { GitHubError, ThreadMovedError, toGitHubError } from './errors.js';
import { abortingOctokit } from './octokit-abort.js';
import type {
  CommentRef,
  DownloadedAsset,
  GitHubPort,
  IssueInfo,
  Permission,
  PullRequestFile,
  PullRequestInfo,
  ReactionContent,
  ReactionTarget,
  Thread,
  ThreadComment,
  ThreadComments,
  WorkflowJob,
  WriteOptions,
} from './port.js';
import {
  CollaboratorPermissionSchema,
  CreatedCommentSchema,
  IssueLocationSchema,
  IssueSchema,
  LocatedIssueCommentSchema,
  nextPageQuery,
  pageNumber,
  pageQuery,
  RepositoryIdSchema,
  PullRequestFileSchema,
  PullRequestLocationSchema,
  PullRequestSchema,
  ReviewCommentSchema,
  WorkflowJobsSchema,
  UserLoginSchema,
  ViewerLoginSchema,
  FileContentSchema,
} from './wire.js';
import { sameRepositoryName, threadOfListUrl, type AnsweredThread } from './thread-identity.js';
import { silentLogger, type Logger } from '../logger.js';

export interface OctokitResponseLike {
  status: number;
  /**
   * The URL the answer was read from, after any redirect fetch followed
   * (Octokit's `response.url`). A thread's lists are checked by it
   * (thread-identity.ts, threadOfListUrl); a stand-in without it is checked
   * by what its items say only.
   */
  url?: string;
  data: unknown;
  headers: { [name: string]: string | number | undefined };
}

/**
 * The slice of Octokit the port needs. `request.endpoint.DEFAULTS.baseUrl`,
 * present on every real Octokit, tells the port which API host it talks to.
 */
export interface OctokitLike {
  request: ((route: string, params?: Record<string, unknown>) => Promise<OctokitResponseLike>) & {
    endpoint?: { DEFAULTS?: { baseUrl?: string } };
  };
}

export interface OctokitPortOptions {
  /**
   * The login the bot posts as. Installation tokens (the workflow token, an
   * App's token) may not call `GET /user`: the Action passes
   * `github-actions[bot]`, the App `<slug>[bot]`. Only a personal token may
   * leave it out.
   */
  botLogin?: string;
  /** The REST API base URL; defaults to the Octokit's own, else api.github.com. */
  apiBaseUrl?: string;
  /** A GitHub Enterprise Server host that may also receive the token for attachments. */
  enterpriseHost?: string;
  /** Fetch for attachment hops to non-GitHub hosts (no credentials are sent); defaults to the global fetch. */
  fetch?: typeof fetch;
  /**
   * Tests only: name resolution and the address check for attachment hops,
   * and hosts standing in for GitHub's CDN. Production leaves both out:
   * public addresses only, GitHub's own hosts only.
   */
  assetNetwork?: AssetNetwork;
  extraAssetHosts?: readonly string[];
  logger?: Logger;
  /** Pause before re-posting a comment whose creation failed with a 5xx; default 1000 ms. */
  createRetryDelayMs?: number;
}

const DEFAULT_API = 'https://api.github.com';
/** A comment is posted at most this many times when GitHub keeps answering 5xx. */
const CREATE_ATTEMPTS = 3;
/** How far back (clock skew included) a comment may have been created to count as our lost post. */
const CREATE_DEDUPE_WINDOW_MS = 10 * 60_000;

/** Comments per page when reading a thread: GitHub's most (`per_page` ≤ 100). */
export const THREAD_PAGE_SIZE = 100;
/**
 * How many pages of a thread are read, counted from the newest: the window
 * holds the newest 101 to 200 comments (all of a thread of 200 or fewer).
 * Anyone who can comment can make a thread as long as they like (thousands
 * of comments of up to 65,536 characters), so a request reads a bounded part
 * (issue 8, re-review 8d): three requests (the first page, to learn
 * `rel="last"`, then the two last; one more when the thread grows a page
 * while it is read) and at most 300 bodies, however long the thread.
 * What the bot looks for lies in that part: the agent is shown at most the
 * 50 newest comments (context.ts MAX_THREAD_COMMENTS), a request's own
 * comment is newer than the request, and the bot's marker is in its own
 * latest comment. When 100 or more comments came after that one, the
 * marker is out of reach; `olderLeftOut` tells the caller, and the thread's
 * chat is then found by its thread label (thread-chat.ts).
 */
export const THREAD_WINDOW_PAGES = 2;

const ROUTES = {
  issueCommentReaction: 'POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions',
  reviewCommentReaction: 'POST /repos/{owner}/{repo}/pulls/comments/{comment_id}/reactions',
  issueReaction: 'POST /repos/{owner}/{repo}/issues/{issue_number}/reactions',
  createIssueComment: 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
  createReviewReply: 'POST /repos/{owner}/{repo}/pulls/{pull_number}/comments/{comment_id}/replies',
  updateIssueComment: 'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}',
  updateReviewComment: 'PATCH /repos/{owner}/{repo}/pulls/comments/{comment_id}',
  listIssueComments: 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments',
  listReviewComments: 'GET /repos/{owner}/{repo}/pulls/{pull_number}/comments',
  reviewComment: 'GET /repos/{owner}/{repo}/pulls/comments/{comment_id}',
  permission: 'GET /repos/{owner}/{repo}/collaborators/{username}/permission',
  pull: 'GET /repos/{owner}/{repo}/pulls/{pull_number}',
  pullFiles: 'GET /repos/{owner}/{repo}/pulls/{pull_number}/files',
  issue: 'GET /repos/{owner}/{repo}/issues/{issue_number}',
  repository: 'GET /repos/{owner}/{repo}',
  user: 'GET /user',
  graphql: 'POST /graphql',
  contents: 'GET /repos/{owner}/{repo}/contents/{path}',
  removeLabel: 'DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}',
  runJobs: 'GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs',
  jobLog: 'GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs',
} as const;

export function createOctokitPort(octokit: OctokitLike, options: OctokitPortOptions = {}): GitHubPort {
  return new OctokitPort(octokit, options);
}

export class OctokitPort implements GitHubPort {
  private readonly apiBaseUrl: string;
  private readonly logger: Logger;
  private me: Promise<string> | undefined;

  constructor(
    private readonly octokit: OctokitLike,
    private readonly options: OctokitPortOptions = {},
  ) {
    this.apiBaseUrl = options.apiBaseUrl ?? octokit.request.endpoint?.DEFAULTS?.baseUrl ?? DEFAULT_API;
    this.logger = options.logger ?? silentLogger;
  }

  async addReaction(target: ReactionTarget, content: ReactionContent, options?: WriteOptions): Promise<void> {
    await options?.beforeSend?.();
    const { owner, repo } = target;
    if (target.kind === 'issue') {
      await this.call(ROUTES.issueReaction, { owner, repo, issue_number: target.number, content });
    } else {
      const route = target.kind === 'review-comment' ? ROUTES.reviewCommentReaction : ROUTES.issueCommentReaction;
      await this.call(route, { owner, repo, comment_id: target.commentId, content });
    }
  }

  /**
   * A POST that failed with a 5xx may still have created the comment, so
   * before posting again we look for it; Octokit's retry plugin is switched
   * off for this request (`retries: 0`) because it would re-post blindly.
   */
  async createComment(thread: Thread, body: string, options?: WriteOptions): Promise<CommentRef> {
    await options?.beforeSend?.();
    const since = Date.now() - CREATE_DEDUPE_WINDOW_MS;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.postComment(thread, body);
      } catch (err) {
        if (!(err instanceof GitHubError) || !err.retryable || err.rateLimited || attempt >= CREATE_ATTEMPTS) throw err;
        const posted = await this.findPosted(thread, body, since).catch(() => undefined);
        if (posted) return posted;
        this.logger.warn(`Posting a comment failed (${err.status}); retrying`, { route: err.route, attempt });
        await sleep((this.options.createRetryDelayMs ?? 1000) * attempt);
      }
    }
  }

  async updateComment(ref: CommentRef, body: string, options?: WriteOptions): Promise<void> {
    await options?.beforeSend?.();
    const route = ref.kind === 'review' ? ROUTES.updateReviewComment : ROUTES.updateIssueComment;
    await this.call(route, { owner: ref.owner, repo: ref.repo, comment_id: ref.id, body });
  }

  /**
   * The thread's newest comments (THREAD_WINDOW_PAGES). GitHub lists a
   * conversation oldest first and has no newest-first order for it, so the
   * first page tells, through `Link: rel="last"`, where the newest are.
   * A review thread has no list of its own in the REST API: its comments
   * are picked from the same newest pages of the pull request's review
   * comments, and its root, when older than those, is read by its id, so the
   * thread's first comment is always there.
   */
  async listThreadComments(thread: Thread): Promise<ThreadComments> {
    const { owner, repo } = thread;
    if (thread.kind === 'issue') {
      const params = { owner, repo, issue_number: thread.number };
      const read = await this.newestPages(ROUTES.listIssueComments, params, LocatedIssueCommentSchema);
      // A transferred issue's comments are answered from its new place (thread-identity.ts): every page, and every comment on it, must be this thread's.
      // An issue moved before anyone commented answers an empty list, which only its page's URL places (re-review 8f).
      const answered = [...read.readFrom, ...read.items.flatMap((c) => (c.thread ? [c.thread] : []))];
      await this.ensureThreadOfAll({ owner, repo, number: thread.number }, answered, ROUTES.listIssueComments, fillPath(ROUTES.listIssueComments, params));
      return { comments: read.items.map((c) => c.comment), olderLeftOut: read.olderLeftOut };
    }
    const params = { owner, repo, pull_number: thread.number };
    const read = await this.newestPages(ROUTES.listReviewComments, params, ReviewCommentSchema);
    // Pull requests are not transferred, but a renamed repository's lists are read through a 301 too: same check, by the pages' URLs.
    await this.ensureThreadOfAll({ owner, repo, number: thread.number }, read.readFrom, ROUTES.listReviewComments, fillPath(ROUTES.listReviewComments, params));
    const root = thread.rootCommentId;
    const comments = read.items.filter((c) => c.id === root || c.review?.in_reply_to_id === root);
    if (read.olderLeftOut && !comments.some((c) => c.id === root)) {
      const rootComment = await this.reviewComment(owner, repo, root);
      if (rootComment) comments.push(rootComment);
    }
    return { comments: comments.sort((a, b) => a.id - b.id), olderLeftOut: read.olderLeftOut };
  }

  /** One review comment by id, or undefined when it is gone (404). */
  private async reviewComment(owner: string, repo: string, id: number): Promise<ThreadComment | undefined> {
    try {
      const res = await this.call(ROUTES.reviewComment, { owner, repo, comment_id: id });
      return this.parse(ReviewCommentSchema, res, ROUTES.reviewComment);
    } catch (err) {
      // Only GitHub's own 404 for the comment: one for the token asked for first says nothing about it.
      if (err instanceof GitHubError && err.answered(404)) return undefined;
      throw err;
    }
  }

  async getPermission(owner: string, repo: string, username: string): Promise<Permission> {
    try {
      const res = await this.call(ROUTES.permission, { owner, repo, username });
      return this.parse(CollaboratorPermissionSchema, res, ROUTES.permission);
    } catch (err) {
      // GitHub answers 404 for accounts that are not collaborators (or do not exist). A 404 to the installation
      // token asked for first says nothing about the person: it stays an error, never read as "none" (fail closed).
      if (err instanceof GitHubError && err.answered(404)) return 'none';
      throw err;
    }
  }

  async getPullRequest(owner: string, repo: string, number: number): Promise<PullRequestInfo> {
    const params = { owner, repo, pull_number: number };
    const res = await this.call(ROUTES.pull, params);
    const pull = this.parse(PullRequestSchema, res, ROUTES.pull);
    await this.ensureThread({ owner, repo, number }, this.parse(PullRequestLocationSchema, res, ROUTES.pull), ROUTES.pull, fillPath(ROUTES.pull, params));
    return pull;
  }

  async listPullRequestFiles(owner: string, repo: string, number: number, max: number): Promise<PullRequestFile[]> {
    if (max <= 0) return [];
    const params = { owner, repo, pull_number: number };
    const read = await this.paginate(ROUTES.pullFiles, params, PullRequestFileSchema, max);
    // A file carries no URL of its pull request: where the pages were read is all that places them.
    await this.ensureThreadOfAll({ owner, repo, number }, read.readFrom, ROUTES.pullFiles, fillPath(ROUTES.pullFiles, params));
    return read.items;
  }

  async getIssue(owner: string, repo: string, number: number): Promise<IssueInfo> {
    const params = { owner, repo, issue_number: number };
    const res = await this.call(ROUTES.issue, params);
    const issue = this.parse(IssueSchema, res, ROUTES.issue);
    await this.ensureThread({ owner, repo, number }, this.parse(IssueLocationSchema, res, ROUTES.issue), ROUTES.issue, fillPath(ROUTES.issue, params));
    return issue;
  }

  /**
   * Refuses an answer about another thread than the one asked for
   * (thread-identity.ts): another number, or a repository of another id.
   * Another name alone is a rename (or a whole repository's transfer): both
   * names then lead to one repository id, which costs two reads (one when
   * the answer carries its repository's id), and only then.
   */
  private async ensureThread(asked: { owner: string; repo: string; number: number }, answered: AnsweredThread, route: string, path: string): Promise<void> {
    if (answered.number !== undefined && answered.number !== asked.number) throw new ThreadMovedError(asked, route, path);
    if (answered.repository && sameRepositoryName(answered.repository, asked)) return;
    const answeredId = answered.repositoryId ?? (answered.repository ? await this.getRepositoryId(answered.repository.owner, answered.repository.repo) : undefined);
    if (answeredId === undefined) throw this.unexpected(route, 200, 'it names no repository');
    if (answeredId !== (await this.getRepositoryId(asked.owner, asked.repo))) throw new ThreadMovedError(asked, route, path);
  }

  /** ensureThread for each distinct place an answer named (pages of one list name one place but for a move while it was read). */
  private async ensureThreadOfAll(asked: { owner: string; repo: string; number: number }, answered: readonly AnsweredThread[], route: string, path: string): Promise<void> {
    const distinct = new Map(answered.map((t) => [threadKey(t), t] as const));
    for (const where of distinct.values()) await this.ensureThread(asked, where, route, path);
  }

  async getRepositoryId(owner: string, repo: string): Promise<number> {
    const res = await this.call(ROUTES.repository, { owner, repo });
    return this.parse(RepositoryIdSchema, res, ROUTES.repository);
  }

  async readFile(owner: string, repo: string, path: string, options?: { signal?: AbortSignal }): Promise<string | null> {
    try {
      // Octokit hands `request.signal` to fetch: an abort ends the request, and no retry follows (octokit-abort.ts).
      const res = await this.call(ROUTES.contents, { owner, repo, path, ...(options?.signal ? { request: { signal: abortingOctokit(options.signal) } } : {}) });
      const file = this.parse(FileContentSchema, res, ROUTES.contents);
      return Buffer.from(file.content, 'base64').toString('utf8');
    } catch (err) {
      // Only GitHub's 404 to the contents request means "no such file"; a 404 to the installation token
      // Octokit asked for first (an App uninstalled or suspended) says nothing about the file: the config is unknown.
      if (err instanceof GitHubError && err.answered(404)) return null;
      throw err;
    }
  }

  async removeLabel(owner: string, repo: string, number: number, name: string): Promise<void> {
    try {
      await this.call(ROUTES.removeLabel, { owner, repo, issue_number: number, name });
    } catch (err) {
      // GitHub's 404 to the removal: someone took it off already; the goal is reached. A 404 to the installation
      // token asked for first is no such answer: the label is still on, and the error is worth another try.
      if (!(err instanceof GitHubError && err.answered(404))) throw err;
    }
  }

  async listWorkflowRunJobs(owner: string, repo: string, runId: number, max: number): Promise<WorkflowJob[]> {
    // One page holds 100 jobs; a run with more is rare, and the relay names only the failed ones.
    const res = await this.call(ROUTES.runJobs, { owner, repo, run_id: runId, filter: 'latest', per_page: Math.min(100, Math.max(1, max)) });
    return this.parse(WorkflowJobsSchema, res, ROUTES.runJobs).jobs.slice(0, max);
  }

  async downloadJobLog(owner: string, repo: string, jobId: number): Promise<string> {
    const res = await this.call(ROUTES.jobLog, { owner, repo, job_id: jobId });
    const data = res.data;
    if (typeof data === 'string') return data;
    if (data instanceof ArrayBuffer || data instanceof Uint8Array) return new TextDecoder().decode(data);
    throw this.unexpected(ROUTES.jobLog, res.status, 'expected the log as text');
  }

  downloadAsset(url: string, maxBytes: number, options: { repository?: { owner: string; repo: string } | undefined } = {}): Promise<DownloadedAsset> {
    const policy = {
      apiBaseUrl: this.apiBaseUrl,
      enterpriseHost: this.options.enterpriseHost,
      repository: options.repository,
      network: this.options.assetNetwork,
      extraAssetHosts: this.options.extraAssetHosts,
    };
    return downloadAsset(url, maxBytes, policy, {
      withToken: (u) => this.fetchWithToken(u),
      withoutToken: (u) => this.fetchWithoutToken(u),
    });
  }

  /**
   * The login this token posts as. GraphQL's `viewer` answers for user and
   * installation tokens alike (an App's token sees `<slug>[bot]`), where
   * REST `GET /user` refuses installation tokens with 403; `GET /user` is
   * kept as the fallback for a GraphQL endpoint that is unavailable.
   */
  whoAmI(): Promise<string> {
    if (this.options.botLogin) return Promise.resolve(this.options.botLogin);
    this.me ??= this.viewerLogin()
      .catch(() =>
        this.call(ROUTES.user, {}).then((res) => this.parse(UserLoginSchema, res, ROUTES.user).login),
      )
      .catch((err: unknown) => {
        this.me = undefined;
        if (err instanceof GitHubError && (err.status === 403 || err.status === 401)) {
          throw new GitHubError({
            status: err.status,
            route: ROUTES.user,
            githubMessage: err.githubMessage,
            advice: 'Neither GraphQL `viewer` nor GET /user told who this token is: pass the bot\'s login (e.g. "<app-slug>[bot]") as botLogin.',
          });
        }
        throw err;
      });
    return this.me;
  }

  private async viewerLogin(): Promise<string> {
    const res = await this.call(ROUTES.graphql, { query: '{ viewer { login } }' });
    return this.parse(ViewerLoginSchema, res, ROUTES.graphql).data.viewer.login;
  }

  private async postComment(thread: Thread, body: string): Promise<CommentRef> {
    const { owner, repo } = thread;
    const noBlindRetry = { request: { retries: 0 } };
    const [route, params] =
      thread.kind === 'review'
        ? [ROUTES.createReviewReply, { owner, repo, pull_number: thread.number, comment_id: thread.rootCommentId, body }]
        : [ROUTES.createIssueComment, { owner, repo, issue_number: thread.number, body }];
    const res = await this.call(route, { ...params, ...noBlindRetry });
    const created = this.parse(CreatedCommentSchema, res, route);
    return { owner, repo, id: created.id, url: created.html_url, kind: thread.kind };
  }

  private async findPosted(thread: Thread, body: string, since: number): Promise<CommentRef | undefined> {
    const me = await this.whoAmI().catch(() => undefined);
    // A lost post is seconds old: among the newest comments, which is what the list reads.
    const { comments } = await this.listThreadComments(thread);
    const mine = comments.filter(
      (c) => c.body === body && (me === undefined || c.author.login === me) && Date.parse(c.created_at) >= since,
    );
    const last = mine[mine.length - 1];
    return last && { owner: thread.owner, repo: thread.repo, id: last.id, url: last.html_url, kind: last.kind };
  }

  private async fetchWithToken(url: URL): Promise<AssetHop> {
    try {
      // Octokit reads `{name}` in a route as a template; keep any braces literal.
      const res = await this.octokit.request(`GET ${url.href.replace(/[{}]/g, encodeURIComponent)}`, {
        headers: { accept: 'image/*, application/octet-stream, */*' },
        request: { redirect: 'manual', parseSuccessResponseBody: false },
      });
      return { status: res.status, headers: res.headers, body: isStream(res.data) ? res.data : null };
    } catch (err) {
      const e = err as { status?: unknown; response?: { headers?: AssetHop['headers'] } };
      if (e.response && typeof e.status === 'number') return { status: e.status, headers: e.response.headers ?? {}, body: null };
      throw err;
    }
  }

  private async fetchWithoutToken(url: URL): Promise<AssetHop> {
    const doFetch = this.options.fetch ?? fetch;
    const res = await doFetch(url, { redirect: 'manual' });
    return { status: res.status, headers: Object.fromEntries(res.headers), body: res.body };
  }

  private async call(route: string, params: Record<string, unknown>): Promise<OctokitResponseLike> {
    try {
      return await this.octokit.request(route, params);
    } catch (err) {
      throw toGitHubError(err, route, fillPath(route, params));
    }
  }

  /**
   * The last THREAD_WINDOW_PAGES pages of a list GitHub serves oldest first,
   * in order. The first page is read to learn the last from its `Link`
   * header; a list that fits on the window's pages costs no more requests
   * than it has pages. Comments posted meanwhile can add a page after the
   * one that was last: its `rel="next"` is followed once, so the newest
   * comment is not missed (a thread growing faster than that is read up to
   * where it was). The pages are asked for on the port's own route with the
   * link's query, never at the link's URL (see nextPageQuery).
   */
  private async newestPages<T>(route: string, params: Record<string, unknown>, item: z.ZodType<T>): Promise<{ items: T[]; olderLeftOut: boolean; readFrom: AnsweredThread[] }> {
    const first = await this.listPage(route, { ...params, per_page: THREAD_PAGE_SIZE }, item);
    const readFrom = [...first.readFrom];
    const lastQuery = pageQuery(first.link, 'last');
    const last = pageNumber(lastQuery);
    if (last === undefined || last <= 1) return { items: first.items, olderLeftOut: false, readFrom };
    // A list of no more pages than the window is read whole; from a longer one, the first page is left out too.
    const whole = last <= THREAD_WINDOW_PAGES;
    const from = whole ? 2 : last - THREAD_WINDOW_PAGES + 1;
    const pages: T[][] = whole ? [first.items] : [];
    let link: string | number | undefined;
    for (let page = from; page <= last; page++) {
      const read = await this.listPage(route, { ...params, per_page: THREAD_PAGE_SIZE, ...lastQuery, page: String(page) }, item);
      pages.push(read.items);
      readFrom.push(...read.readFrom);
      link = read.link;
    }
    const grown = nextPageQuery(link);
    if (grown) {
      const read = await this.listPage(route, { ...params, per_page: THREAD_PAGE_SIZE, ...grown }, item);
      pages.push(read.items);
      readFrom.push(...read.readFrom);
    }
    return { items: pages.flat(), olderLeftOut: !whole, readFrom };
  }

  /** One page of a list, its `Link` header, and the thread its URL names (none for a stand-in without `url`). */
  private async listPage<T>(route: string, params: Record<string, unknown>, item: z.ZodType<T>): Promise<{ items: T[]; link: string | number | undefined; readFrom: AnsweredThread[] }> {
    const res = await this.call(route, params);
    const data = Array.isArray(res.data) ? res.data : undefined;
    if (!data) throw this.unexpected(route, res.status, 'expected a list');
    return { items: data.map((raw) => this.parseValue(item, raw, route, res.status)), link: res.headers.link, readFrom: this.listReadFrom(res, route) };
  }

  /**
   * Where a page of a thread's list was read (thread-identity.ts,
   * threadOfListUrl). A URL that names no thread's list is not a GitHub
   * answer to this route: refused rather than taken as "nothing moved".
   */
  private listReadFrom(res: OctokitResponseLike, route: string): AnsweredThread[] {
    if (res.url === undefined) return [];
    const where = threadOfListUrl(res.url);
    if (!where) throw this.unexpected(route, res.status, 'it was read at a URL that names no thread');
    return [where];
  }

  private async paginate<T>(route: string, params: Record<string, unknown>, item: z.ZodType<T>, max = Infinity): Promise<{ items: T[]; readFrom: AnsweredThread[] }> {
    const out: T[] = [];
    const readFrom: AnsweredThread[] = [];
    const seen = new Set<string>();
    let page: Record<string, string> = {};
    for (;;) {
      const read = await this.listPage(route, { ...params, per_page: Math.min(100, max), ...page }, item);
      readFrom.push(...read.readFrom);
      out.push(...read.items);
      if (out.length >= max) return { items: out.slice(0, max), readFrom };
      const next = nextPageQuery(read.link);
      const key = JSON.stringify(next);
      if (!next || seen.has(key)) return { items: out, readFrom };
      seen.add(key);
      page = next;
    }
  }

  private parse<T>(schema: z.ZodType<T>, res: OctokitResponseLike, route: string): T {
    return this.parseValue(schema, res.data, route, res.status);
  }

  private parseValue<T>(schema: z.ZodType<T>, value: unknown, route: string, status: number): T {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    throw this.unexpected(route, status, issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'invalid');
  }

  private unexpected(route: string, status: number, why: string): GitHubError {
    return new GitHubError({
      status,
      route,
      githubMessage: `unexpected response (${why})`,
      advice: `Is ${this.apiBaseUrl} a GitHub REST API?`,
    });
  }
}

/** One key per thread an answer names, case-insensitive as GitHub's names are. */
function threadKey(t: AnsweredThread): string {
  return `${t.repository?.owner.toLowerCase() ?? ''}/${t.repository?.repo.toLowerCase() ?? ''}#${t.number ?? ''}/${t.repositoryId ?? ''}`;
}

/** `POST /repos/{owner}/...` with its parameters filled in, for error messages. */
function fillPath(route: string, params: Record<string, unknown>): string {
  const path = route.split(' ')[1] ?? route;
  return path.replace(/\{(\w+)\}/g, (whole, name: string) => (params[name] === undefined ? whole : encodeURIComponent(String(params[name]))));
}

function isStream(v: unknown): v is ReadableStream<Uint8Array> {
  return typeof v === 'object' && v !== null && typeof (v as { getReader?: unknown }).getReader === 'function';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
