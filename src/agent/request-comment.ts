/**
 * A request's own comment in its thread, found by the request key in its
 * marker (marker.ts), never by time: the comment an earlier attempt of the
 * same request posted before it was cut short (a crash between GitHub's
 * answer and the job's record). Every comment the bot posts for a request
 * carries that key, the progress comment and the comments posted without a
 * chat alike (an error, a refusal, a stop confirmation), and every step
 * that posts one looks here first, so a resumed request never posts its
 * comment twice (issue 10, "No step repeated after a crash").
 */
import { commentRefOf, type CommentRef, type GitHubPort, type Thread, type ThreadComment } from '../github/port.js';
import { readMarker, type Marker } from './marker.js';

/** What a request found of its own in the thread: the comment and its marker. */
export interface RequestComment {
  comment: ThreadComment;
  marker: Marker;
}

/**
 * The bot's comment (authored by `botLogin`, any letter case) whose marker
 * carries `key`; the last in thread order when there are several (which
 * only an older version could leave). Undefined without a key: the Action
 * and the CLI carry none, and they are never resumed.
 */
export function findRequestComment(comments: readonly ThreadComment[], key: string | undefined, botLogin: string): RequestComment | undefined {
  if (key === undefined) return undefined;
  const own = botLogin.toLowerCase();
  let found: RequestComment | undefined;
  for (const comment of comments) {
    if (comment.author.login.toLowerCase() !== own) continue;
    const marker = readMarker(comment.body);
    if (marker?.request === key) found = { comment, marker };
  }
  return found;
}

/**
 * Posts `body` as the request's comment, or, when an earlier attempt
 * already posted it (`earlier`), makes that comment say `body` (no write
 * when it already does). Either way the thread holds one comment for the
 * request. Errors are GitHub's (GitHubError), as `createComment` throws them.
 */
export async function postOnce(github: Pick<GitHubPort, 'createComment' | 'updateComment'>, thread: Thread, body: string, earlier: RequestComment | undefined): Promise<CommentRef> {
  if (earlier === undefined) return github.createComment(thread, body);
  const ref = commentRefOf(thread, earlier.comment);
  if (earlier.comment.body !== body) await github.updateComment(ref, body, { priority: 'answer' });
  return ref;
}
