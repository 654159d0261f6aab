/**
 * Gathers what the agent is told: the thread's comments, for pull requests
 * the branches and changed files, and images attached to the request
 * (downloaded with the GitHub token, uploaded to Coder as files). A failed
 * image is a note, never a failed run.
 */
import type { CoderClient } from '../coder/client.js';
import { MAX_IMAGE_BYTES, sniffImage } from '../coder/files.js';
import type { ChatInputPart } from '../coder/schemas.js';
import type { GitHubPort, Thread, ThreadComments } from '../github/port.js';
import type { Logger } from '../logger.js';
import { buildChatInput, buildFollowUpInput, chatContextFromTrigger, MAX_CHANGED_FILES, type ChatContext } from './context.js';
import { findImageUrls } from './images.js';
import type { Trigger } from './trigger.js';

export interface GatherDeps {
  coder: CoderClient;
  github: GitHubPort;
  logger: Logger;
  signal?: AbortSignal | undefined;
}

export interface Gathered {
  parts: ChatInputPart[];
  /** Things a person should know (an image that could not be attached). */
  notes: string[];
}

/** Uploads the request's images; each failure becomes a note. */
export async function attachImages(trigger: Trigger, deps: GatherDeps): Promise<{ fileIds: string[]; notes: string[] }> {
  const fileIds: string[] = [];
  const notes: string[] = [];
  for (const url of findImageUrls(trigger.text)) {
    const name = imageName(url);
    try {
      const asset = await deps.github.downloadAsset(url, MAX_IMAGE_BYTES, { repository: trigger.repository });
      const type = sniffImage(asset.bytes);
      if (!type) {
        notes.push(`The image ${name} is not a PNG, JPEG, GIF or WebP, so it was not attached.`);
        continue;
      }
      fileIds.push(await deps.coder.uploadFile(asset.bytes, type, deps.signal));
    } catch (err) {
      deps.logger.warn('could not attach an image', { url: name, error: (err as Error).message });
      notes.push(`The image ${name} could not be attached: ${(err as Error).message}`);
    }
  }
  return { fileIds, notes };
}

/**
 * What a note or a log line calls an image: the last segment of its URL's
 * path, or its host when the path has none. Never the userinfo, query or
 * fragment, which can carry a password or a signed URL's token
 * (docs/security.md, "No secret in what the bot echoes"); the raw URL's
 * last `/`-part would hold them (`https://u:pw@host`, `shot.png?jwt=…`).
 */
function imageName(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.pathname.split('/').filter(Boolean).pop() ?? parsed.host;
  } catch {
    // findImageUrls keeps only URLs that parse; should one not, it is named by nothing of its text.
    return 'image';
  }
}

/** Input for a new chat: the whole context. */
export async function gatherNewChatInput(
  trigger: Trigger,
  instruction: string,
  read: ThreadComments,
  deps: GatherDeps,
): Promise<Gathered> {
  const { fileIds, notes } = await attachImages(trigger, deps);
  const fetched: Pick<ChatContext, 'instruction' | 'comments' | 'olderCommentsUnread' | 'changedFiles' | 'changedFilesTotal' | 'imageFileIds'> = {
    instruction,
    comments: read.comments.map((c) => ({ id: c.id, author: c.author.login, createdAt: c.created_at, updatedAt: c.updated_at, body: c.body })),
    olderCommentsUnread: read.olderLeftOut,
    imageFileIds: fileIds,
  };
  const ctx = chatContextFromTrigger(trigger, fetched);
  if (trigger.thread?.isPullRequest) {
    const { owner, repo } = trigger.repository;
    try {
      if (!ctx.head || !ctx.base) {
        const pr = await deps.github.getPullRequest(owner, repo, trigger.thread.number);
        ctx.head = pr.head.ref;
        ctx.base = pr.base.ref;
        ctx.title ??= pr.title;
        ctx.body ??= pr.body;
      }
      ctx.changedFiles = (await deps.github.listPullRequestFiles(owner, repo, trigger.thread.number, MAX_CHANGED_FILES)).map((f) => ({
        path: f.filename,
        status: f.status,
        additions: f.additions,
        deletions: f.deletions,
      }));
    } catch (err) {
      // The agent can still read the PR itself; missing file lists are not worth failing for.
      deps.logger.warn('could not read the pull request details', { error: (err as Error).message });
    }
  }
  return { parts: buildChatInput(ctx), notes };
}

/** Input for a follow-up in an existing chat: the instruction (and images); the chat has the context. */
export async function gatherFollowUpInput(trigger: Trigger, instruction: string, deps: GatherDeps): Promise<Gathered> {
  const { fileIds, notes } = await attachImages(trigger, deps);
  const ctx = chatContextFromTrigger(trigger, { instruction, imageFileIds: fileIds });
  return { parts: buildFollowUpInput(ctx), notes };
}

/** Where the bot answers: the review thread for review comments, else the conversation. */
export function threadOf(trigger: Trigger): Thread | undefined {
  const t = trigger.thread;
  if (!t) return undefined;
  const { owner, repo } = trigger.repository;
  if (t.reviewThreadRootId !== null && trigger.comment?.kind === 'review_comment') {
    return { owner, repo, kind: 'review', number: t.number, rootCommentId: t.reviewThreadRootId };
  }
  return { owner, repo, kind: 'issue', number: t.number };
}
