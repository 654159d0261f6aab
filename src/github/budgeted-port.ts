/**
 * A GitHub port whose writes go through an installation's write scheduler
 * (write-scheduler.ts); reads go straight through. The Action wraps its one
 * port, the App each installation's port (one scheduler per installation,
 * kept as long as the port), so the domain writes the same way in both.
 */
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
  ThreadComments,
  WorkflowJob,
  WriteOptions,
} from './port.js';
import { WriteScheduler } from './write-scheduler.js';

export function withWriteBudget(port: GitHubPort, scheduler: WriteScheduler = new WriteScheduler()): BudgetedPort {
  return new BudgetedPort(port, scheduler);
}

/** The key a comment's writes share: progress edits coalesce on it, and an answer drops the edits it supersedes. */
function commentKey(ref: CommentRef): string {
  return `${ref.owner}/${ref.repo}/${ref.kind}/${ref.id}`;
}

export class BudgetedPort implements GitHubPort {
  constructor(
    private readonly port: GitHubPort,
    readonly scheduler: WriteScheduler,
  ) {}

  // Each write goes to the port when its turn in the queue comes, so `beforeSend` runs then (the port awaits it), not at submit.
  addReaction(target: ReactionTarget, content: ReactionContent, options?: WriteOptions): Promise<void> {
    return this.scheduler.submit('comment', () => this.port.addReaction(target, content, options));
  }

  createComment(thread: Thread, body: string, options?: WriteOptions): Promise<CommentRef> {
    const priority = (options?.priority ?? 'answer') === 'answer' ? 'answer' : 'comment';
    return this.scheduler.submit(priority, () => this.port.createComment(thread, body, options));
  }

  async updateComment(ref: CommentRef, body: string, options?: WriteOptions): Promise<void> {
    const priority = options?.priority ?? 'answer';
    const write = () => this.port.updateComment(ref, body, options);
    if (priority === 'progress') await this.scheduler.progress(commentKey(ref), write, options?.signal);
    else await this.scheduler.submit(priority, write, commentKey(ref));
  }

  listThreadComments(thread: Thread): Promise<ThreadComments> {
    return this.port.listThreadComments(thread);
  }

  getPermission(owner: string, repo: string, username: string): Promise<Permission> {
    return this.port.getPermission(owner, repo, username);
  }

  getPullRequest(owner: string, repo: string, number: number): Promise<PullRequestInfo> {
    return this.port.getPullRequest(owner, repo, number);
  }

  listPullRequestFiles(owner: string, repo: string, number: number, max: number): Promise<PullRequestFile[]> {
    return this.port.listPullRequestFiles(owner, repo, number, max);
  }

  getIssue(owner: string, repo: string, number: number): Promise<IssueInfo> {
    return this.port.getIssue(owner, repo, number);
  }

  getRepositoryId(owner: string, repo: string): Promise<number> {
    return this.port.getRepositoryId(owner, repo);
  }

  downloadAsset(url: string, maxBytes: number, options?: Parameters<GitHubPort['downloadAsset']>[2]): Promise<DownloadedAsset> {
    return this.port.downloadAsset(url, maxBytes, options);
  }

  readFile(owner: string, repo: string, path: string, options?: { signal?: AbortSignal }): Promise<string | null> {
    return this.port.readFile(owner, repo, path, options);
  }

  whoAmI(): Promise<string> {
    return this.port.whoAmI();
  }

  removeLabel(owner: string, repo: string, number: number, name: string): Promise<void> {
    return this.scheduler.submit('comment', () => this.port.removeLabel(owner, repo, number, name));
  }

  listWorkflowRunJobs(owner: string, repo: string, runId: number, max: number): Promise<WorkflowJob[]> {
    return this.port.listWorkflowRunJobs(owner, repo, runId, max);
  }

  downloadJobLog(owner: string, repo: string, jobId: number): Promise<string> {
    return this.port.downloadJobLog(owner, repo, jobId);
  }
}
