/**
 * Where the CLI talks to and what it names there: the deployment URL
 * (--url, CODER_URL), the session token as a header value, and a chat given
 * as an id or as its page URL. Errors show URLs masked (url-mask.ts).
 */
import { maskUrl } from '../url-mask.js';
import { UsageError } from './usage-error.js';

/** A chat or file id as Coder makes them. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Checks a deployment URL: absolute, http or https. Errors show it masked (no userinfo, no query). */
export function parseCoderUrl(text: string): string {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new UsageError(`"${maskUrl(text)}" is not a URL: give the Coder deployment's address, e.g. https://coder.example.com.`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new UsageError(`The Coder URL must start with http:// or https:// (got "${maskUrl(text)}").`);
  }
  return text;
}

/**
 * Paths of Coder's dashboard (site/src/router.tsx in coder/coder): a URL
 * copied from the browser's address bar rather than the deployment's root.
 */
const DASHBOARD_PATH = /^\/(agents|workspaces|templates|users|deployment|settings|audit|health|organizations|login|api|@[^/]+)(\/|$)/i;

/** The hint for a --url with a path, when Coder's answer suggests it is not the deployment's root; undefined when it is one. */
export function rootUrlHint(coderUrl: string, routeNotFound: boolean): string | undefined {
  let u: URL;
  try {
    u = new URL(coderUrl);
  } catch {
    return undefined;
  }
  if (u.pathname === '/' || u.pathname === '') return undefined;
  if (!routeNotFound && !DASHBOARD_PATH.test(u.pathname)) return undefined;
  return `The Coder URL has a path (${u.pathname}); use the deployment's root URL, e.g. ${u.origin}.`;
}

/**
 * A session token goes into the Coder-Session-Token header. Coder's tokens
 * are `<id>-<secret>` in letters and digits; a space, line break or control
 * character is a pasting mistake that fetch would refuse as a header.
 */
export function checkToken(token: string, source: string): void {
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw new UsageError(`The session token from ${source} contains a space, line break or other character that cannot go in an HTTP header; copy it again (\`coder tokens create\` prints it on one line).`);
  }
}

/**
 * A chat id, or the chat's page `{CODER_URL}/agents/{id}` (what `chat --no-wait`
 * prints), as its id. A page of another deployment is refused: the token is
 * for `coderUrl` only.
 */
export function parseChatRef(text: string, coderUrl: string): string {
  const ref = text.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(ref)) return ref;
  let page: URL;
  try {
    page = new URL(ref);
  } catch {
    throw new UsageError(`"${ref}" is neither a chat id nor a chat URL.`);
  }
  const m = /^(.*)\/agents\/([^/]+)\/?$/.exec(page.pathname);
  if (!m || !m[2] || !UUID.test(m[2])) throw new UsageError(`"${ref}" is not a chat URL (expected ${trimSlash(coderUrl)}/agents/<chat id>).`);
  const base = new URL(coderUrl);
  if (page.origin !== base.origin || trimSlash(m[1] ?? '') !== trimSlash(base.pathname)) {
    throw new UsageError(`The chat URL ${ref} is not on the Coder deployment in use (${trimSlash(coderUrl)}); pass --url for that deployment.`);
  }
  return m[2].toLowerCase();
}

const trimSlash = (s: string) => s.replace(/\/+$/, '');
