/**
 * A fake GitHub REST API on 127.0.0.1 for end-to-end tests of the Action
 * (point `GITHUB_API_URL` at `fake.url`) and the App (Probot's `baseUrl`).
 *
 * It answers like api.github.com: 401 for a missing or wrong token, 404 for
 * unknown things, 422 for bodies over 65,536 characters, `Link` pagination.
 * State is seeded and inspected through methods; every request is recorded;
 * faults and delays can be injected per route.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  errorBodies,
  fakeUser,
  timestamp,
  type FakeAttachment,
  type FakeIdentity,
  type FakeIssue,
  type FakeIssueComment,
  type FakePermission,
  type FakePullFile,
  type FakeReaction,
  type FakeRepo,
  type FakeReviewComment,
  type FakeUser,
} from './fake-github-data.js';
import { FakeWriteBudget, type FakeWriteBudgetOptions } from './fake-github-budget.js';
import { routes, type FakeJob, type FakeStore, type FakeWorkflowRun, type Reply } from './fake-github-routes.js';

export type { FakeAttachment, FakeIssue, FakeIssueComment, FakePermission, FakeReaction, FakeRepo, FakeReviewComment, FakeUser };

export interface FakeGitHubOptions {
  /** The token clients use; default `ghs_fake` (also what the App's installation token exchange returns). */
  token?: string;
  /** Who that token posts as; default `<appSlug>[bot]`. Use `github-actions[bot]` for the Action's workflow token. */
  botLogin?: string;
  /** Logins with `write` on every repository unless `setPermission` says otherwise. */
  writers?: string[];
  appSlug?: string;
  appId?: number;
  /** Base of `html_url`s; default `https://github.com`. */
  htmlBase?: string;
  /** Delay before answering every request, in ms. */
  delayMs?: number;
  /** Enforce GitHub's write budget per installation (fake-github-budget.ts): writes over it get a 403 secondary rate limit. */
  writeBudget?: FakeWriteBudgetOptions;
}

export interface RecordedRequest {
  method: string;
  /** Path without query and without an `/api/v3` prefix. */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** Parsed JSON, the raw text when it is not JSON, undefined when empty. */
  body: unknown;
  /** The status answered (0 until answered). */
  status: number;
  /** When the request arrived (`Date.now()`). */
  at: number;
  /** The installation of the repository in the path (`/repos/{owner}/{repo}/...`), when it is known. */
  installationId?: number;
  /** The client went away (aborted, or closed the connection) before the answer was sent. */
  abandoned?: boolean;
}

export interface RequestMatch {
  method?: string;
  /** Exact path (without query), or a pattern tested against it. */
  path?: string | RegExp;
}

export interface Fault {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Run the real handler first (the write happens) and then answer with the fault, like a 502 after GitHub did the work. */
  after?: boolean;
}

const DEFAULT_TOKEN = 'ghs_fake';

export class FakeGitHub {
  readonly requests: RecordedRequest[] = [];
  /** The write budget being enforced, with its counts per installation (`writeBudget` option). */
  readonly writeBudget: FakeWriteBudget | undefined;
  private readonly store: FakeStore;
  private readonly tokens = new Map<string, FakeIdentity>();
  private readonly faults: { match: RequestMatch; fault: Fault; remaining: number }[] = [];
  private readonly delays: { match: RequestMatch; ms: number }[] = [];
  private readonly holds: { match: RequestMatch; opened: Promise<void>; open: () => void }[] = [];
  private nextId = 1000;
  private nextRepoId = 1;
  /** Former `owner/name`s of renamed repositories, and the id each still leads to (GitHub redirects the old name). */
  private readonly formerNames = new Map<string, number>();
  /** `owner/name#number` of issues transferred away, and where each lives now. */
  private readonly transfers = new Map<string, { repoId: number; number: number }>();

  private readonly server: Server = createServer((req, res) => {
    this.handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ message: `fake GitHub crashed: ${String(err)}` }));
    });
  });
  private origin = '';

  private constructor(
    readonly token: string,
    private readonly options: FakeGitHubOptions,
  ) {
    const slug = options.appSlug ?? 'coder-agent';
    this.store = {
      repos: new Map(),
      issues: new Map(),
      issueComments: [],
      reviewComments: [],
      reactions: [],
      attachments: new Map(),
      workflowRuns: new Map(),
      writers: new Set(options.writers ?? []),
      app: { id: options.appId ?? 1, slug, installationToken: token },
      newId: () => this.nextId++,
    };
    this.tokens.set(token, { user: fakeUser(options.botLogin ?? `${slug}[bot]`, 'Bot'), installation: true });
    this.writeBudget = options.writeBudget ? new FakeWriteBudget(options.writeBudget) : undefined;
  }

  static async start(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
    const fake = new FakeGitHub(options.token ?? DEFAULT_TOKEN, options);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.origin = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  /** `http://127.0.0.1:<port>`: the API base URL (and the web host serving attachments). */
  get url(): string {
    return this.origin;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The identity that posts with the default token. */
  get botLogin(): string {
    return this.tokens.get(this.token)?.user.login ?? '';
  }

  // ---- seeding -----------------------------------------------------------

  /** Another accepted token, e.g. a personal token for which `GET /user` works. */
  addToken(token: string, login: string, opts: { installation?: boolean; type?: FakeUser['type']; readOnly?: boolean } = {}): void {
    this.tokens.set(token, { user: fakeUser(login, opts.type), installation: opts.installation ?? false, readOnly: opts.readOnly ?? false });
  }

  addRepo(owner: string, repo: string, opts: { private?: boolean; defaultBranch?: string; installationId?: number } = {}): FakeRepo {
    const key = `${owner}/${repo}`;
    const existing = this.store.repos.get(key);
    if (existing) return existing;
    const created: FakeRepo = {
      owner,
      name: repo,
      id: this.nextRepoId++,
      private: opts.private ?? false,
      defaultBranch: opts.defaultBranch ?? 'main',
      installationId: opts.installationId ?? 1,
      files: new Map(),
      permissions: new Map(),
      nextNumber: 1,
    };
    this.store.repos.set(key, created);
    return created;
  }

  addIssue(owner: string, repo: string, opts: { title?: string; body?: string | null; user?: string; number?: number; labels?: string[] } = {}): FakeIssue {
    const r = this.addRepo(owner, repo);
    const number = opts.number ?? r.nextNumber;
    r.nextNumber = Math.max(r.nextNumber, number + 1);
    const now = timestamp();
    const issue: FakeIssue = {
      owner,
      repo,
      number,
      title: opts.title ?? `Issue ${number}`,
      body: opts.body === undefined ? '' : opts.body,
      user: fakeUser(opts.user ?? 'octocat'),
      state: 'open',
      labels: opts.labels ?? [],
      created_at: now,
      updated_at: now,
    };
    this.store.issues.set(`${owner}/${repo}#${number}`, issue);
    return issue;
  }

  addPullRequest(
    owner: string,
    repo: string,
    opts: {
      title?: string;
      body?: string | null;
      user?: string;
      number?: number;
      head?: { ref?: string; sha?: string; repoFullName?: string | null };
      base?: { ref?: string };
      draft?: boolean;
      files?: FakePullFile[];
    } = {},
  ): FakeIssue {
    const issue = this.addIssue(owner, repo, { ...opts, title: opts.title ?? `Pull request ${opts.number ?? ''}`.trim() });
    issue.pull = {
      headRef: opts.head?.ref ?? 'feature',
      headSha: opts.head?.sha ?? 'a'.repeat(40),
      headRepoFullName: opts.head?.repoFullName === undefined ? `${owner}/${repo}` : opts.head.repoFullName,
      baseRef: opts.base?.ref ?? 'main',
      draft: opts.draft ?? false,
      files: opts.files ?? [],
    };
    return issue;
  }

  addComment(owner: string, repo: string, number: number, opts: { body: string; user?: string; created_at?: string }): FakeIssueComment {
    if (!this.store.issues.has(`${owner}/${repo}#${number}`)) throw new Error(`seed ${owner}/${repo}#${number} first`);
    const at = opts.created_at ?? timestamp();
    const comment: FakeIssueComment = {
      id: this.store.newId(),
      owner,
      repo,
      issueNumber: number,
      body: opts.body,
      user: fakeUser(opts.user ?? 'octocat'),
      created_at: at,
      updated_at: at,
    };
    this.store.issueComments.push(comment);
    return comment;
  }

  addReviewComment(
    owner: string,
    repo: string,
    pull: number,
    opts: { body: string; user?: string; inReplyTo?: number; path?: string; line?: number | null; diffHunk?: string; created_at?: string },
  ): FakeReviewComment {
    const issue = this.store.issues.get(`${owner}/${repo}#${pull}`);
    if (!issue?.pull) throw new Error(`seed pull request ${owner}/${repo}#${pull} first`);
    const at = opts.created_at ?? timestamp();
    const comment: FakeReviewComment = {
      id: this.store.newId(),
      owner,
      repo,
      pullNumber: pull,
      body: opts.body,
      user: fakeUser(opts.user ?? 'octocat'),
      in_reply_to_id: opts.inReplyTo ?? null,
      path: opts.path ?? 'src/index.ts',
      line: opts.line === undefined ? 1 : opts.line,
      diff_hunk: opts.diffHunk ?? '@@ -1,1 +1,1 @@\n-old\n+new',
      commit_id: issue.pull.headSha,
      created_at: at,
      updated_at: at,
    };
    this.store.reviewComments.push(comment);
    return comment;
  }

  /**
   * Renames a repository (or moves it whole to another owner), as its admin
   * can: it keeps its id, its issues keep their numbers, and requests to the
   * old name are redirected to `/repositories/{id}/...` — 301 for GET and
   * HEAD, 307 for other methods (GitHub's "repository redirects").
   */
  renameRepo(owner: string, repo: string, to: { owner?: string; repo: string }): FakeRepo {
    const from = `${owner}/${repo}`;
    const r = this.store.repos.get(from);
    if (!r) throw new Error(`seed ${from} first`);
    const toOwner = to.owner ?? owner;
    this.store.repos.delete(from);
    r.owner = toOwner;
    r.name = to.repo;
    this.store.repos.set(`${toOwner}/${to.repo}`, r);
    this.formerNames.set(from, r.id);
    const move = (x: { owner: string; repo: string }) => {
      if (x.owner === owner && x.repo === repo) Object.assign(x, { owner: toOwner, repo: to.repo });
    };
    for (const [key, issue] of [...this.store.issues]) {
      if (issue.owner !== owner || issue.repo !== repo) continue;
      this.store.issues.delete(key);
      move(issue);
      this.store.issues.set(`${toOwner}/${to.repo}#${issue.number}`, issue);
    }
    for (const list of [this.store.issueComments, this.store.reviewComments, this.store.reactions, [...this.store.workflowRuns.values()]]) list.forEach(move);
    for (const [key, where] of [...this.transfers]) {
      if (!key.startsWith(`${from}#`)) continue;
      this.transfers.delete(key);
      this.transfers.set(`${toOwner}/${to.repo}${key.slice(from.length)}`, where);
    }
    return r;
  }

  /**
   * Transfers an issue to another repository, as someone with write access
   * to both can: it takes the next number there, its comments go with it,
   * and reading it at its old place answers `301 Moved Permanently` to
   * `/repositories/{id}/issues/{number}` (REST docs, "Get an issue"), its
   * comments alike. GitHub transfers issues only, not pull requests.
   */
  transferIssue(owner: string, repo: string, number: number, to: { owner: string; repo: string }): FakeIssue {
    const from = `${owner}/${repo}#${number}`;
    const issue = this.store.issues.get(from);
    if (!issue) throw new Error(`seed ${from} first`);
    if (issue.pull) throw new Error('GitHub transfers issues, not pull requests');
    const target = this.store.repos.get(`${to.owner}/${to.repo}`);
    if (!target) throw new Error(`seed ${to.owner}/${to.repo} first`);
    const moved = target.nextNumber++;
    this.store.issues.delete(from);
    Object.assign(issue, { owner: to.owner, repo: to.repo, number: moved });
    this.store.issues.set(`${to.owner}/${to.repo}#${moved}`, issue);
    for (const c of this.store.issueComments) {
      if (c.owner === owner && c.repo === repo && c.issueNumber === number) Object.assign(c, { owner: to.owner, repo: to.repo, issueNumber: moved });
    }
    this.transfers.set(from, { repoId: target.id, number: moved });
    return issue;
  }

  /** `not-found` makes the permission route answer 404, as GitHub does for some non-collaborators. */
  setPermission(owner: string, repo: string, login: string, permission: FakePermission | 'not-found'): void {
    this.addRepo(owner, repo).permissions.set(login, permission);
  }

  /** Deletes a conversation or review comment, as a person could at any time. */
  deleteComment(id: number): boolean {
    const lists: { id: number }[][] = [this.store.issueComments, this.store.reviewComments];
    for (const list of lists) {
      const i = list.findIndex((c) => c.id === id);
      if (i >= 0) {
        list.splice(i, 1);
        return true;
      }
    }
    return false;
  }

  /** Sets (or with undefined, removes) a file served by the contents API. */
  setFile(owner: string, repo: string, path: string, content: string | undefined): void {
    const files = this.addRepo(owner, repo).files;
    if (content === undefined) files.delete(path);
    else files.set(path, content);
  }

  /**
   * Serves bytes at `/user-attachments/assets/{id}` (token required). With
   * `redirect: true` that path answers 302 to a signed URL on the fake; with
   * a URL string, 302 to that URL (e.g. a second server playing a CDN).
   */
  addAttachment(opts: { bytes: Uint8Array | string; contentType?: string; id?: string; redirect?: true | string }): {
    id: string;
    /** Where a comment would link it (token required). */
    url: string;
    /** The signed URL serving the same bytes without a token. */
    signedUrl: string;
  } {
    const id = opts.id ?? randomBytes(8).toString('hex');
    const bytes = typeof opts.bytes === 'string' ? new Uint8Array(Buffer.from(opts.bytes)) : opts.bytes;
    const attachment: FakeAttachment = { id, bytes, contentType: opts.contentType ?? 'image/png', signature: randomBytes(12).toString('hex') };
    if (opts.redirect !== undefined) attachment.redirect = opts.redirect;
    this.store.attachments.set(id, attachment);
    return { id, url: `${this.url}/user-attachments/assets/${id}`, signedUrl: `${this.url}/_signed/user-attachments/${id}?sig=${attachment.signature}` };
  }

  // ---- faults and delays -------------------------------------------------

  /** Answers the next `times` matching requests with `fault` instead of (or, with `after`, after) the real handler. */
  failNext(match: RequestMatch, fault: Fault, times = 1): void {
    this.faults.push({ match, fault, remaining: times });
  }

  /** Delays matching requests (all when `match` is omitted) by `ms`. */
  setDelay(ms: number, match: RequestMatch = {}): void {
    this.delays.push({ match, ms });
  }

  /**
   * Holds matching requests (after they are recorded, before any fault or
   * answer) until the returned `release` is called: a test can see which
   * requests are in flight together, without timing anything.
   */
  hold(match: RequestMatch): { release(): void } {
    let open = (): void => undefined;
    const opened = new Promise<void>((resolve) => (open = resolve));
    const hold = { match, opened, open };
    this.holds.push(hold);
    return {
      release: () => {
        const at = this.holds.indexOf(hold);
        if (at >= 0) this.holds.splice(at, 1);
        open();
      },
    };
  }

  clearFaults(): void {
    this.faults.length = 0;
    this.delays.length = 0;
  }

  // ---- inspection --------------------------------------------------------

  comments(owner: string, repo: string, number: number): FakeIssueComment[] {
    return this.store.issueComments.filter((c) => c.owner === owner && c.repo === repo && c.issueNumber === number);
  }

  reviewComments(owner: string, repo: string, pull: number): FakeReviewComment[] {
    return this.store.reviewComments.filter((c) => c.owner === owner && c.repo === repo && c.pullNumber === pull);
  }

  /** Reactions in a repository, optionally only those on one target. */
  reactions(owner: string, repo: string, target?: { kind: FakeReaction['target']['kind']; id: number }): FakeReaction[] {
    return this.store.reactions.filter(
      (r) => r.owner === owner && r.repo === repo && (!target || (r.target.kind === target.kind && r.target.id === target.id)),
    );
  }

  /** Seeds a workflow run's jobs (ids are given out when left unset) and their logs. */
  addWorkflowRun(owner: string, repo: string, id: number, jobs: Array<Omit<FakeJob, 'id'> & { id?: number }>): FakeWorkflowRun {
    const run: FakeWorkflowRun = { id, owner, repo, jobs: jobs.map((j) => ({ ...j, id: j.id ?? this.store.newId() })) };
    this.store.workflowRuns.set(id, run);
    return run;
  }

  issue(owner: string, repo: string, number: number): FakeIssue | undefined {
    return this.store.issues.get(`${owner}/${repo}#${number}`);
  }

  /** Recorded requests matching `match`. */
  requestsTo(match: RequestMatch): RecordedRequest[] {
    return this.requests.filter((r) => matches(match, r.method, r.path));
  }

  // ---- serving -----------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const parsed = new URL(req.url ?? '/', this.url);
    // GitHub Enterprise clients put the API under /api/v3; serve both.
    const prefix = parsed.pathname.startsWith('/api/v3/') ? '/api/v3' : '';
    const path = parsed.pathname.slice(prefix.length) || '/';
    const method = (req.method ?? 'GET').toUpperCase();
    const text = await readBody(req);
    const record: RecordedRequest = {
      method,
      path,
      query: Object.fromEntries(parsed.searchParams),
      headers: flatHeaders(req),
      body: parseBody(text),
      status: 0,
      at: Date.now(),
    };
    // `/repositories/{id}/...` (where GitHub's redirects and `Link` headers point) is served as `/repos/{owner}/{name}/...`.
    const served = this.pathById(path);
    const repoMatch = /^\/repos\/([^/]+)\/([^/]+)/.exec(served);
    const installationId = repoMatch ? this.store.repos.get(`${decodeURIComponent(repoMatch[1] ?? '')}/${decodeURIComponent(repoMatch[2] ?? '')}`)?.installationId : undefined;
    if (installationId !== undefined) record.installationId = installationId;
    this.requests.push(record);
    res.on('close', () => {
      if (!res.writableFinished) record.abandoned = true;
    });

    await Promise.all(this.holds.filter((h) => matches(h.match, method, path)).map((h) => h.opened));
    const delay = (this.options.delayMs ?? 0) + this.delays.filter((d) => matches(d.match, method, path)).reduce((s, d) => s + d.ms, 0);
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));

    const fault = this.takeFault(method, path);
    if (fault && !fault.after) return this.send(res, record, faultReply(fault));

    if (this.writeBudget && installationId !== undefined && FakeWriteBudget.counts(method, path)) {
      const refusal = this.writeBudget.admit(installationId, Date.now());
      if (refusal) return this.send(res, record, refusal);
    }

    const reply = this.dispatch(method, served, parsed.searchParams, record.body, req, `${this.url}${prefix}`);
    this.send(res, record, fault ? faultReply(fault) : reply);
  }

  private dispatch(method: string, path: string, query: URLSearchParams, body: unknown, req: IncomingMessage, api: string): Reply {
    const credential = /^(?:token|bearer)\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const moved = this.redirect(method, path, query, api);
    if (moved) return credential && this.tokens.has(credential) ? moved : { status: 401, json: errorBodies.badCredentials };
    const found = routes.find((r) => r.method === method && r.pattern.test(path));
    if (!found) {
      // Like GitHub: credentials are checked before the route is looked up.
      return credential && this.tokens.has(credential) ? { status: 404, json: errorBodies.notFound } : { status: 401, json: errorBodies.badCredentials };
    }
    const m = found.pattern.exec(path);
    const params = (m?.slice(1) ?? []).map((p) => decodeURIComponent(p));
    let identity: FakeIdentity | undefined;
    if (found.auth === 'token') {
      identity = credential ? this.tokens.get(credential) : undefined;
      if (!identity) return { status: 401, json: errorBodies.badCredentials };
      // A GraphQL query is a read, though it is POSTed: GitHub answers it for read-only tokens (the fake routes queries only).
      if (identity.readOnly && method !== 'GET' && method !== 'HEAD' && path !== '/graphql') {
        // GitHub names the permission the token lacks in this header.
        return { status: 403, json: errorBodies.notForIntegrations, headers: { 'x-accepted-github-permissions': 'issues=write; pull_requests=write' } };
      }
    } else if (found.auth === 'jwt') {
      // Apps authenticate with a signed JWT (three dot-separated parts); the fake does not check the signature.
      if (!credential || credential.split('.').length !== 3) return { status: 401, json: errorBodies.jwtRequired };
    }
    return found.handle({
      store: this.store,
      urls: { api, html: this.options.htmlBase ?? 'https://github.com' },
      identity,
      params,
      query,
      body,
      headers: req.headers,
      selfUrl: this.selfUrl(api, path),
    });
  }

  /**
   * Where the `Link` header's URLs point: GitHub names a repository's lists
   * by its id there (`https://api.github.com/repositories/1300192/issues?page=2`),
   * not by `/repos/{owner}/{repo}`, so a client that re-requests the link's
   * URL rather than its own route with the link's query gets 404 here.
   */
  private selfUrl(api: string, path: string): string {
    const m = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(path);
    const repo = m ? this.store.repos.get(`${decodeURIComponent(m[1] ?? '')}/${decodeURIComponent(m[2] ?? '')}`) : undefined;
    return repo ? `${api}/repositories/${repo.id}${m?.[3] ?? ''}` : `${api}${path}`;
  }

  /** `/repos/{owner}/{name}/...` for a `/repositories/{id}/...` path of a known repository; any other path as it is. */
  private pathById(path: string): string {
    const m = /^\/repositories\/(\d+)(\/.*)?$/.exec(path);
    const repo = m ? [...this.store.repos.values()].find((r) => r.id === Number(m[1])) : undefined;
    return repo ? `/repos/${encodeURIComponent(repo.owner)}/${encodeURIComponent(repo.name)}${m?.[2] ?? ''}` : path;
  }

  /**
   * GitHub's redirects: a transferred issue (and its sub-resources) read at
   * its old place, 301 to its new one ("Get an issue" documents the 301 for
   * GET; what GitHub does with a write there is not documented, so the fake
   * answers writes 404: no issue lives there); a renamed repository's old
   * name, 301 for GET and HEAD, 307 for other methods. Both point at
   * `/repositories/{id}/...`, keeping the query.
   */
  private redirect(method: string, path: string, query: URLSearchParams, api: string): Reply | undefined {
    const m = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(path);
    if (!m) return undefined;
    const key = `${decodeURIComponent(m[1] ?? '')}/${decodeURIComponent(m[2] ?? '')}`;
    const rest = m[3] ?? '';
    const search = query.toString() ? `?${query.toString()}` : '';
    const moved = (status: number, location: string): Reply => ({
      status,
      json: { message: 'Moved Permanently', url: location, documentation_url: 'https://docs.github.com/rest/guides/best-practices-for-using-the-rest-api#follow-redirects' },
      headers: { location },
    });
    const issue = /^\/issues\/(\d+)(\/.*)?$/.exec(rest);
    const transfer = issue ? this.transfers.get(`${key}#${issue[1]}`) : undefined;
    if (transfer) {
      if (method !== 'GET' && method !== 'HEAD') return { status: 404, json: errorBodies.notFound };
      return moved(301, `${api}/repositories/${transfer.repoId}/issues/${transfer.number}${issue?.[2] ?? ''}${search}`);
    }
    const id = this.store.repos.has(key) ? undefined : this.formerNames.get(key);
    if (id === undefined) return undefined;
    return moved(method === 'GET' || method === 'HEAD' ? 301 : 307, `${api}/repositories/${id}${rest}${search}`);
  }

  private takeFault(method: string, path: string): Fault | undefined {
    const entry = this.faults.find((f) => f.remaining > 0 && matches(f.match, method, path));
    if (!entry) return undefined;
    entry.remaining--;
    return entry.fault;
  }

  private send(res: ServerResponse, record: RecordedRequest, reply: Reply): void {
    record.status = reply.status;
    const headers: Record<string, string> = { 'x-github-request-id': `FAKE:${this.requests.length}`, ...reply.headers };
    let payload: Uint8Array | string;
    if (reply.raw !== undefined) {
      payload = reply.raw;
    } else if (reply.json !== undefined) {
      headers['content-type'] = 'application/json; charset=utf-8';
      payload = JSON.stringify(reply.json);
    } else {
      payload = '';
    }
    headers['content-length'] = String(typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength);
    res.writeHead(reply.status, headers);
    res.end(payload);
  }
}

function faultReply(fault: Fault): Reply {
  const body = fault.body ?? { message: fault.status >= 500 ? 'Server Error' : 'Fault injected' };
  return typeof body === 'string'
    ? { status: fault.status, raw: body, headers: { 'content-type': 'text/plain', ...fault.headers } }
    : { status: fault.status, json: body, headers: fault.headers ?? {} };
}

function matches(match: RequestMatch, method: string, path: string): boolean {
  if (match.method && match.method.toUpperCase() !== method) return false;
  if (match.path === undefined) return true;
  return typeof match.path === 'string' ? match.path === path : match.path.test(path);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
