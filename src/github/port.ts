/**
 * The GitHub port: everything the domain does on GitHub, and nothing more.
 *
 * The Action and the App each build an Octokit their own way and hand it to
 * `createOctokitPort` (octokit-port.ts); the domain only ever sees this
 * interface, so tests can drive it against the fake GitHub or a stub.
 *
 * Every method throws `GitHubError` (errors.ts) when GitHub answers with an
 * error, except `downloadAsset`, which throws `AssetDownloadError` for
 * refusals it makes itself (foreign host, too large, too many redirects).
 */

/** A repository, as the owner/name pair every REST route starts with. */
export interface RepoRef {
  owner: string;
  repo: string;
}

/**
 * Where a conversation happens, and so where the bot answers.
 * - `issue`: the conversation of an issue or a pull request (issue comments).
 * - `review`: one review-comment thread on a pull request's diff, named by
 *   its first (root) comment. GitHub keeps these threads flat: every reply's
 *   `in_reply_to_id` is the root's id.
 */
export type Thread =
  | (RepoRef & { kind: 'issue'; number: number })
  | (RepoRef & { kind: 'review'; number: number; rootCommentId: number });

/** What a reaction is put on: a conversation comment, a review comment, or the issue/PR itself. */
export type ReactionTarget =
  | (RepoRef & { kind: 'issue-comment'; commentId: number })
  | (RepoRef & { kind: 'review-comment'; commentId: number })
  | (RepoRef & { kind: 'issue'; number: number });

/** The reactions the bot uses: 👀 seen, 🚀 done, 😕 failed, 👍 acknowledged. */
export type ReactionContent = 'eyes' | 'rocket' | 'confused' | '+1';

/** Which REST family a comment belongs to: they are edited through different routes. */
export type CommentKind = 'issue' | 'review';

/** Enough to edit a comment the bot posted (or found) later. */
export interface CommentRef extends RepoRef {
  id: number;
  /** The comment's `html_url`, for links in outputs and job summaries. */
  url: string;
  kind: CommentKind;
}

/** A GitHub account as it appears on comments, issues and pull requests. */
export interface Author {
  login: string;
  /** GitHub's account type: `User`, `Bot` or `Organization`. Bots are refused unless listed. */
  type: string;
}

/**
 * A comment of a thread, oldest first. Field names follow GitHub's REST
 * payloads so the domain reads webhook comments and listed comments alike.
 */
export interface ThreadComment {
  id: number;
  kind: CommentKind;
  body: string;
  author: Author;
  created_at: string;
  updated_at: string;
  html_url: string;
  /** Review comments only: the diff position the thread is about. */
  review?: {
    path: string;
    line: number | null;
    diff_hunk: string;
    in_reply_to_id: number | null;
  };
}

/**
 * A collaborator's permission on a repository. `maintain` and `triage` only
 * come from GitHub's `role_name`; `none` also stands for "not a collaborator".
 */
export type Permission = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';

export interface PullRequestInfo {
  number: number;
  title: string;
  /** The description; empty when the author left it blank (GitHub sends null). */
  body: string;
  html_url: string;
  head: {
    ref: string;
    sha: string;
    /** `owner/name` of the head repository; null when the fork was deleted. */
    repoFullName: string | null;
  };
  base: { ref: string };
  author: Author;
}

export interface PullRequestFile {
  filename: string;
  /** `added`, `removed`, `modified`, `renamed`, `copied`, `changed` or `unchanged`. */
  status: string;
  additions: number;
  deletions: number;
}

export interface IssueInfo {
  number: number;
  title: string;
  /** The description; empty when the author left it blank (GitHub sends null). */
  body: string;
  html_url: string;
  author: Author;
  /** GitHub serves pull requests through the issues API too; this tells them apart. */
  isPullRequest: boolean;
}

/** A job of a workflow run (Actions API). */
export interface WorkflowJob {
  id: number;
  name: string;
  /** `success`, `failure`, `cancelled`, `skipped`, `timed_out`, ...; null while it runs. */
  conclusion: string | null;
  html_url: string;
}

export interface DownloadedAsset {
  bytes: Uint8Array;
  /** The `content-type` the final host answered with, e.g. `image/png`. */
  contentType: string;
}

/**
 * What a write is for, so that an installation short of GitHub's write
 * budget sends what matters first (write-scheduler.ts):
 * - `answer`: a final answer, an error or a stop notice. Goes first, never dropped.
 * - `comment`: a new comment that later edits build on (the progress comment), a reaction. Never dropped.
 * - `progress`: an edit that only refreshes a progress comment. Goes last,
 *   coalesced to the newest body, dropped when superseded or under pressure.
 */
export type WritePriority = 'answer' | 'comment' | 'progress';

export interface WriteOptions {
  priority?: WritePriority;
  /** Aborting drops a `progress` edit that has not started yet; a started write runs to its end. */
  signal?: AbortSignal;
  /**
   * Awaited right before the write's first request is sent, after any wait
   * in the installation's write queue; a rejection cancels the write with
   * that error. Every port's writes honour it. The App checks its job lease
   * here (fenced-port.ts), so a replica that waited in the queue past its
   * lease never writes.
   */
  beforeSend?: () => Promise<void>;
}

export interface GitHubPort {
  /** Puts a reaction on a comment or an issue/PR. Reacting twice is harmless (GitHub keeps one). */
  addReaction(target: ReactionTarget, content: ReactionContent, options?: WriteOptions): Promise<void>;

  /**
   * Posts a comment: on the conversation for an `issue` thread, as a reply in
   * the review thread for a `review` thread. Priority `answer` unless told
   * otherwise: a comment posted outside a progress comment is a final word.
   * (A `progress` creation counts as `comment`: the caller needs its ref.)
   */
  createComment(thread: Thread, body: string, options?: WriteOptions): Promise<CommentRef>;

  /**
   * Replaces the body of a comment the bot posted. Priority `answer` unless
   * told otherwise. A dropped `progress` edit resolves without writing.
   */
  updateComment(ref: CommentRef, body: string, options?: WriteOptions): Promise<void>;

  /**
   * The newest comments of the thread, oldest first: the conversation's, or
   * the review thread's root and its replies. Bounded, however long the
   * thread (issue 8: no input makes the bot do unbounded work); how far back
   * it reaches is the port's (octokit-port.ts, THREAD_WINDOW_PAGES), and
   * `olderLeftOut` says whether older comments were left unread.
   */
  listThreadComments(thread: Thread): Promise<ThreadComments>;

  /** The user's permission on the repository; `none` when they are not a collaborator. */
  getPermission(owner: string, repo: string, username: string): Promise<Permission>;

  getPullRequest(owner: string, repo: string, number: number): Promise<PullRequestInfo>;

  /** The pull request's changed files, in GitHub's order, at most `max` of them. */
  listPullRequestFiles(owner: string, repo: string, number: number, max: number): Promise<PullRequestFile[]>;

  getIssue(owner: string, repo: string, number: number): Promise<IssueInfo>;

  /** GitHub's numeric id of a repository (`GET /repos/{owner}/{repo}`): it survives renames, and names threads in chat labels. */
  getRepositoryId(owner: string, repo: string): Promise<number>;

  /**
   * Downloads an image attached to a comment. With `repository`, only that
   * repository's attachments are fetched (user-attachments or its own
   * paths); a URL naming another repository is refused before any request.
   * Every hop goes to a GitHub host at a public address (asset-policy.ts);
   * the token goes only to GitHub's own hosts. Fails rather than read more
   * than `maxBytes`.
   */
  downloadAsset(url: string, maxBytes: number, options?: { repository?: { owner: string; repo: string } | undefined }): Promise<DownloadedAsset>;

  /**
   * A text file of the repository's default branch (the contents API), or
   * null when GitHub answers the contents request itself 404 (no such
   * file); any other failure is thrown. Used for `.github/coder-agent.yml`.
   * Aborting `signal` ends the request and frees its connection.
   */
  readFile(owner: string, repo: string, path: string, options?: { signal?: AbortSignal }): Promise<string | null>;

  /** The login the bot posts as, so it never answers itself. */
  whoAmI(): Promise<string>;

  /** Takes a label off an issue or pull request. A label it no longer carries is not an error. */
  removeLabel(owner: string, repo: string, number: number, name: string): Promise<void>;

  /** The jobs of a workflow run's latest attempt, at most `max` (needs `actions: read`). */
  listWorkflowRunJobs(owner: string, repo: string, runId: number, max: number): Promise<WorkflowJob[]>;

  /**
   * The plain-text log of one job (needs `actions: read`). GitHub redirects
   * to a signed URL on another host; the token is not sent there.
   */
  downloadJobLog(owner: string, repo: string, jobId: number): Promise<string>;
}

/**
 * What `listThreadComments` read of a thread: its newest comments, and
 * whether older ones exist that were not read. A caller that looks for
 * something old (the bot's marker) and does not find it knows from
 * `olderLeftOut` that "not found" may mean "not read".
 */
export interface ThreadComments {
  /** Oldest first. */
  comments: ThreadComment[];
  /** True when the thread holds older comments than `comments` reaches. */
  olderLeftOut: boolean;
}

/** A thread read whole: every comment, nothing older left out (tests, and threads known to be short). */
export function wholeThread(comments: ThreadComment[]): ThreadComments {
  return { comments, olderLeftOut: false };
}

/** The reference to edit a comment found by `listThreadComments`. */
export function commentRefOf(thread: Thread, comment: ThreadComment): CommentRef {
  return { owner: thread.owner, repo: thread.repo, id: comment.id, url: comment.html_url, kind: comment.kind };
}

/** The reaction target for a comment found by `listThreadComments`. */
export function reactionTargetOf(thread: Thread, comment: ThreadComment): ReactionTarget {
  const kind = comment.kind === 'review' ? 'review-comment' : 'issue-comment';
  return { owner: thread.owner, repo: thread.repo, kind, commentId: comment.id };
}
