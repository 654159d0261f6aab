/**
 * State of the fake GitHub and the JSON GitHub's REST API renders it as.
 * Field names and shapes follow api.github.com (2022-11-28); only the fields
 * a client of this project could read are produced.
 */
import { createHash } from 'node:crypto';

export type FakePermission = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';

export interface FakeUser {
  login: string;
  id: number;
  type: 'User' | 'Bot' | 'Organization';
}

export interface FakeRepo {
  owner: string;
  name: string;
  id: number;
  private: boolean;
  defaultBranch: string;
  installationId: number;
  files: Map<string, string>;
  /** Explicit permissions; `not-found` makes the permission route answer 404. */
  permissions: Map<string, FakePermission | 'not-found'>;
  nextNumber: number;
}

export interface FakePullFile {
  filename: string;
  status: string;
  additions: number;
  deletions: number;
  patch?: string;
}

export interface FakeIssue {
  owner: string;
  repo: string;
  number: number;
  title: string;
  body: string | null;
  user: FakeUser;
  state: 'open' | 'closed';
  labels: string[];
  created_at: string;
  updated_at: string;
  /** Present for pull requests. */
  pull?: {
    headRef: string;
    headSha: string;
    /** null: the head fork was deleted. */
    headRepoFullName: string | null;
    baseRef: string;
    draft: boolean;
    files: FakePullFile[];
  };
}

export interface FakeIssueComment {
  id: number;
  owner: string;
  repo: string;
  issueNumber: number;
  body: string;
  user: FakeUser;
  created_at: string;
  updated_at: string;
}

export interface FakeReviewComment {
  id: number;
  owner: string;
  repo: string;
  pullNumber: number;
  body: string;
  user: FakeUser;
  in_reply_to_id: number | null;
  path: string;
  line: number | null;
  diff_hunk: string;
  commit_id: string;
  created_at: string;
  updated_at: string;
}

export type FakeReactionTarget = { kind: 'issue-comment' | 'review-comment' | 'issue'; id: number };

export interface FakeReaction {
  id: number;
  owner: string;
  repo: string;
  target: FakeReactionTarget;
  content: string;
  user: FakeUser;
  created_at: string;
}

export interface FakeAttachment {
  id: string;
  bytes: Uint8Array;
  contentType: string;
  /** true: answer with a 302 to a signed URL on the fake itself; a string: 302 to that URL. */
  redirect?: true | string;
  /** The signature the signed URL carries. */
  signature: string;
}

export interface FakeIdentity {
  user: FakeUser;
  /** Installation tokens (workflow token, App token) may not read `GET /user`. */
  installation: boolean;
  /**
   * A read-only token, like the workflow token GitHub gives a run for a pull
   * request from a fork or by Dependabot: every write answers 403 "Resource
   * not accessible by integration".
   */
  readOnly?: boolean;
}

export function fakeUser(login: string, type?: FakeUser['type']): FakeUser {
  const id = parseInt(createHash('sha1').update(login).digest('hex').slice(0, 7), 16);
  return { login, id, type: type ?? (login.endsWith('[bot]') ? 'Bot' : 'User') };
}

/** How far the fake GitHub's clock runs from this machine's (clock-skew tests set it, then reset it to 0). */
export const clockSkew = { ms: 0 };

/** GitHub's timestamps have second precision. */
export function timestamp(date = new Date(Date.now() + clockSkew.ms)): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** GitHub counts characters, not UTF-16 units. */
export function characterCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

export const MAX_COMMENT_CHARS = 65536;

const DOCS = 'https://docs.github.com/rest';
export const errorBodies = {
  notFound: { message: 'Not Found', documentation_url: DOCS, status: '404' },
  badCredentials: { message: 'Bad credentials', documentation_url: DOCS, status: '401' },
  jwtRequired: { message: 'A JSON web token could not be decoded', documentation_url: DOCS, status: '401' },
  notForIntegrations: { message: 'Resource not accessible by integration', documentation_url: DOCS, status: '403' },
  tooLong: (resource: string) => ({
    message: 'Validation Failed',
    errors: [{ resource, code: 'custom', field: 'body', message: `body is too long (maximum is ${MAX_COMMENT_CHARS} characters)` }],
    documentation_url: DOCS,
    status: '422',
  }),
  invalid: (resource: string, field: string, code = 'invalid') => ({
    message: 'Validation Failed',
    errors: [{ resource, code, field }],
    documentation_url: DOCS,
    status: '422',
  }),
};

export interface Urls {
  /** API base, e.g. `http://127.0.0.1:1234` (with `/api/v3` when the client used that prefix). */
  api: string;
  /** Web base for `html_url`s, `https://github.com` by default. */
  html: string;
}

export function userJson(u: FakeUser, urls: Urls): object {
  return {
    login: u.login,
    id: u.id,
    node_id: `U_${u.id}`,
    type: u.type,
    site_admin: false,
    html_url: `${urls.html}/${u.login}`,
    url: `${urls.api}/users/${encodeURIComponent(u.login)}`,
  };
}

export function repoJson(r: FakeRepo, urls: Urls): object {
  return {
    id: r.id,
    node_id: `R_${r.id}`,
    name: r.name,
    full_name: `${r.owner}/${r.name}`,
    private: r.private,
    owner: userJson(fakeUser(r.owner), urls),
    html_url: `${urls.html}/${r.owner}/${r.name}`,
    url: `${urls.api}/repos/${r.owner}/${r.name}`,
    default_branch: r.defaultBranch,
  };
}

export function issueHtmlUrl(i: FakeIssue, urls: Urls): string {
  return `${urls.html}/${i.owner}/${i.repo}/${i.pull ? 'pull' : 'issues'}/${i.number}`;
}

export function issueJson(i: FakeIssue, urls: Urls): object {
  const base = `${urls.api}/repos/${i.owner}/${i.repo}`;
  return {
    id: i.number * 1_000_003,
    node_id: `I_${i.number}`,
    number: i.number,
    title: i.title,
    body: i.body,
    user: userJson(i.user, urls),
    state: i.state,
    labels: i.labels.map((name) => ({ name })),
    html_url: issueHtmlUrl(i, urls),
    url: `${base}/issues/${i.number}`,
    repository_url: base,
    comments_url: `${base}/issues/${i.number}/comments`,
    created_at: i.created_at,
    updated_at: i.updated_at,
    ...(i.pull
      ? { pull_request: { url: `${base}/pulls/${i.number}`, html_url: issueHtmlUrl(i, urls), merged_at: null } }
      : {}),
  };
}

export function pullJson(i: FakeIssue, repo: FakeRepo, urls: Urls): object {
  const pull = i.pull;
  if (!pull) throw new Error('not a pull request');
  const headRepo = pull.headRepoFullName;
  return {
    ...issueJson(i, urls),
    url: `${urls.api}/repos/${i.owner}/${i.repo}/pulls/${i.number}`,
    draft: pull.draft,
    head: {
      ref: pull.headRef,
      sha: pull.headSha,
      label: `${headRepo?.split('/')[0] ?? 'unknown'}:${pull.headRef}`,
      repo: headRepo ? { full_name: headRepo, name: headRepo.split('/')[1] } : null,
    },
    base: { ref: pull.baseRef, sha: '0'.repeat(40), repo: repoJson(repo, urls) },
    changed_files: pull.files.length,
  };
}

export function issueCommentJson(c: FakeIssueComment, issue: FakeIssue, urls: Urls): object {
  return {
    id: c.id,
    node_id: `IC_${c.id}`,
    url: `${urls.api}/repos/${c.owner}/${c.repo}/issues/comments/${c.id}`,
    html_url: `${issueHtmlUrl(issue, urls)}#issuecomment-${c.id}`,
    issue_url: `${urls.api}/repos/${c.owner}/${c.repo}/issues/${c.issueNumber}`,
    body: c.body,
    user: userJson(c.user, urls),
    created_at: c.created_at,
    updated_at: c.updated_at,
    author_association: 'NONE',
  };
}

export function reviewCommentJson(c: FakeReviewComment, urls: Urls): object {
  return {
    id: c.id,
    node_id: `PRRC_${c.id}`,
    url: `${urls.api}/repos/${c.owner}/${c.repo}/pulls/comments/${c.id}`,
    html_url: `${urls.html}/${c.owner}/${c.repo}/pull/${c.pullNumber}#discussion_r${c.id}`,
    pull_request_url: `${urls.api}/repos/${c.owner}/${c.repo}/pulls/${c.pullNumber}`,
    pull_request_review_id: c.id + 1,
    ...(c.in_reply_to_id !== null ? { in_reply_to_id: c.in_reply_to_id } : {}),
    path: c.path,
    line: c.line,
    side: 'RIGHT',
    diff_hunk: c.diff_hunk,
    commit_id: c.commit_id,
    original_commit_id: c.commit_id,
    body: c.body,
    user: userJson(c.user, urls),
    created_at: c.created_at,
    updated_at: c.updated_at,
    author_association: 'NONE',
  };
}

export function reactionJson(r: FakeReaction, urls: Urls): object {
  return { id: r.id, node_id: `REA_${r.id}`, content: r.content, user: userJson(r.user, urls), created_at: r.created_at };
}

/**
 * One page of a list as GitHub serves it ("Using pagination in the REST
 * API"): `per_page` (default 30, at most 100) and `page` (from 1), with a
 * `Link` header naming the other pages in GitHub's order, `prev`, `next`,
 * `last`, `first`, each present only where it exists: the first page has no
 * `prev`/`first`, the last no `next`/`last`, a list that fits on one page no
 * header at all. A page past the end is empty. The URLs keep the request's
 * query and name the repository by id (FakeGitHub.selfUrl).
 */
export function paginate<T>(items: T[], query: URLSearchParams, selfUrl: string): { page: T[]; link?: string } {
  const perPage = Math.min(100, Math.max(1, Number(query.get('per_page')) || 30));
  const pageNo = Math.max(1, Number(query.get('page')) || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const page = items.slice((pageNo - 1) * perPage, pageNo * perPage);
  const href = (n: number): string => {
    const q = new URLSearchParams(query);
    q.set('per_page', String(perPage));
    q.set('page', String(n));
    return `${selfUrl}?${q.toString()}`;
  };
  const rels: string[] = [];
  if (pageNo > 1) rels.push(`<${href(pageNo - 1)}>; rel="prev"`);
  if (pageNo < last) rels.push(`<${href(pageNo + 1)}>; rel="next"`, `<${href(last)}>; rel="last"`);
  if (pageNo > 1) rels.push(`<${href(1)}>; rel="first"`);
  return rels.length ? { page, link: rels.join(', ') } : { page };
}

export const REACTION_CONTENTS: ReadonlySet<string> = new Set(['+1', '-1', 'laugh', 'confused', 'heart', 'hooray', 'rocket', 'eyes']);

/** `permission` folds maintain into write and triage into read; `role_name` keeps them. */
export function permissionJson(p: FakePermission, user: FakeUser, urls: Urls): object {
  const permission = p === 'maintain' ? 'write' : p === 'triage' ? 'read' : p;
  return { permission, role_name: p, user: userJson(user, urls) };
}

/** GitHub wraps base64 file content at 60 characters. */
export function contentJson(path: string, content: string, owner: string, repo: string, urls: Urls): object {
  const b64 = Buffer.from(content, 'utf8').toString('base64');
  const wrapped = b64.replace(/(.{60})/g, '$1\n');
  const sha = createHash('sha1').update(`blob ${Buffer.byteLength(content)}\0${content}`).digest('hex');
  return {
    type: 'file',
    encoding: 'base64',
    size: Buffer.byteLength(content),
    name: path.split('/').pop(),
    path,
    sha,
    content: wrapped,
    url: `${urls.api}/repos/${owner}/${repo}/contents/${path}`,
    html_url: `${urls.html}/${owner}/${repo}/blob/main/${path}`,
  };
}
