/**
 * Which thread an answer of GitHub is about, read from the answer itself.
 *
 * A request names a thread by repository and number, and GitHub may answer
 * with another one: an issue transferred to another repository is answered
 * with `301 Moved Permanently` to its new place (REST docs, "Get an issue";
 * a list of its comments alike), and fetch follows redirects. The port
 * compares what came back with what it asked for (octokit-port.ts) and
 * refuses a different thread (ThreadMovedError). A repository renamed, or
 * transferred whole, is answered under its new name with the same
 * repository id and the same numbers: that is still the thread asked for.
 */
import { decodedOrAsIs } from './errors.js';
import type { RepoRef } from './port.js';

/** Where an answer says its thread lives. */
export interface AnsweredThread {
  /** The repository the answer names by owner/name; undefined when no URL in it reads as one. */
  repository: RepoRef | undefined;
  /** The repository's id, when the answer carries it (a pull request's `base.repo.id`). */
  repositoryId?: number | undefined;
  /** The thread's number; undefined when the answer does not say (a comment without its issue's URL). */
  number: number | undefined;
}

/** An API URL: `.../repos/{owner}/{repo}`, optionally `/issues/{n}` or `/pulls/{n}` (GitHub Enterprise's `/api/v3` prefix alike). */
const API_URL = /\/repos\/([^/]+)\/([^/]+?)(?:\/(?:issues|pulls)\/(\d+))?\/?$/;
/** A web URL: `https://{host}/{owner}/{repo}/issues/{n}` or `/pull/{n}`. */
const WEB_URL = /^\/([^/]+)\/([^/]+)\/(?:issues|pull)\/(\d+)\/?$/;

/** The repository and number an API URL (`repository_url`, `issue_url`, `pull_request_url`) names. */
export function threadOfApiUrl(url: string | null | undefined): AnsweredThread | undefined {
  const m = API_URL.exec(pathOf(url) ?? '');
  if (!m?.[1] || !m[2]) return undefined;
  return { repository: { owner: decodedOrAsIs(m[1]), repo: decodedOrAsIs(m[2]) }, number: m[3] ? Number(m[3]) : undefined };
}

/** The repository and number a web URL (`html_url`, its fragment ignored) names. */
export function threadOfWebUrl(url: string | null | undefined): AnsweredThread | undefined {
  const m = WEB_URL.exec(pathOf(url) ?? '');
  if (!m?.[1] || !m[2] || !m[3]) return undefined;
  return { repository: { owner: decodedOrAsIs(m[1]), repo: decodedOrAsIs(m[2]) }, number: Number(m[3]) };
}

/**
 * A thread's list (`.../issues/{n}/comments`, `.../pulls/{n}/comments`,
 * `.../pulls/{n}/files`, any query ignored) names its thread only by the URL
 * it was read at. Octokit's response carries the URL fetch finally read
 * (`url`, after any redirect), so an empty page still says where it came
 * from: `/repos/{owner}/{repo}/...` as asked, or `/repositories/{id}/...`
 * where GitHub's 301 for a transferred issue or a renamed repository points.
 */
const LIST_URL = /\/(?:repos\/([^/]+)\/([^/]+)|repositories\/(\d+))\/(?:issues|pulls)\/(\d+)\/[^/]+\/?$/;

/** The repository (by name, else by id) and number a thread list's URL names. */
export function threadOfListUrl(url: string | null | undefined): AnsweredThread | undefined {
  const m = LIST_URL.exec(pathOf(url) ?? '');
  if (!m?.[4]) return undefined;
  const number = Number(m[4]);
  if (m[1] && m[2]) return { repository: { owner: decodedOrAsIs(m[1]), repo: decodedOrAsIs(m[2]) }, number };
  return { repository: undefined, repositoryId: Number(m[3]), number };
}

/** `owner/name` of a `full_name`. */
export function repositoryOfFullName(fullName: string | null | undefined): RepoRef | undefined {
  const [owner, repo, more] = (fullName ?? '').split('/');
  return owner && repo && more === undefined ? { owner, repo } : undefined;
}

/** GitHub's owner and repository names are case-insensitive. */
export function sameRepositoryName(a: RepoRef, b: RepoRef): boolean {
  return a.owner.toLowerCase() === b.owner.toLowerCase() && a.repo.toLowerCase() === b.repo.toLowerCase();
}

function pathOf(url: string | null | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).pathname;
  } catch {
    return undefined;
  }
}
