/**
 * Downloading images attached to comments without leaking the token or
 * reaching what the bot should not.
 *
 * Attachments live on github.com (or the GHE host) and need the token; GitHub
 * answers with a redirect to a short-lived signed URL, often on another of
 * its hosts. Redirects are therefore followed by hand: each hop must be on a
 * GitHub host, its address is checked (asset-policy.ts), and it decides for
 * itself whether it may see the token. With a repository given, the first
 * URL must be one of that repository's attachments, and a redirect that
 * names another repository is refused. The body is read with a byte budget.
 */
import { attachmentOfRepository, PUBLIC_NETWORK, type AssetNetwork, type RepositoryRef } from './asset-policy.js';
import { AssetDownloadError, safeUrl } from './errors.js';
import type { DownloadedAsset } from './port.js';
import { maskUrl } from '../url-mask.js';

/** GitHub's redirects come in one or two hops; more means something is wrong. */
const MAX_REDIRECTS = 5;

export interface AssetHostPolicy {
  /** The REST API base URL (`https://api.github.com`, `https://ghe.example.com/api/v3`, a fake in tests). */
  apiBaseUrl: string;
  /** A GitHub Enterprise Server host name (optionally `host:port`), e.g. from Probot's `GHE_HOST`. */
  enterpriseHost?: string | undefined;
  /** The thread's repository: only its attachments are fetched. Without it, any attachment on a GitHub host. */
  repository?: RepositoryRef | undefined;
  /** Name resolution and the address check; production's (public addresses only) unless a test injects one. */
  network?: AssetNetwork | undefined;
  /** Further hosts (`host:port`) a redirect may go to, without the token: tests' fakes of GitHub's CDN. None in production. */
  extraAssetHosts?: readonly string[] | undefined;
}

/** One HTTP exchange, redirects not followed. `body` is null for bodiless answers. */
export interface AssetHop {
  status: number;
  headers: { [name: string]: string | number | undefined };
  body: ReadableStream<Uint8Array> | null;
}

/** How one hop is fetched: with the token (GitHub hosts only) or with no credentials at all. */
export interface AssetFetchers {
  withToken(url: URL): Promise<AssetHop>;
  withoutToken(url: URL): Promise<AssetHop>;
}

/**
 * Whether a URL's host may receive the token: github.com and
 * *.githubusercontent.com over https, the API's own host (same scheme; by
 * host:port, which is how the fake GitHub is told apart in tests), and the
 * configured Enterprise host.
 */
export function isGitHubHost(url: URL, policy: AssetHostPolicy): boolean {
  if (url.username || url.password) return false;
  if (isOperatorsGitHub(url, policy)) return true;
  if (url.protocol !== 'https:') return false;
  if (url.host === 'github.com') return true;
  if (url.hostname.endsWith('.githubusercontent.com') && url.port === '') return true;
  // GHE with subdomain isolation serves media and raw files from `media.<host>`, `raw.<host>`.
  const ghe = policy.enterpriseHost ? normalizeHost(policy.enterpriseHost) : undefined;
  return ghe !== undefined && url.protocol === 'https:' && url.host.endsWith(`.${ghe}`);
}

/**
 * The API host and the configured Enterprise host: the operator chose them,
 * the token goes there anyway, and an Enterprise server often has a private
 * address, so the address check does not apply to them.
 */
function isOperatorsGitHub(url: URL, policy: AssetHostPolicy): boolean {
  const api = new URL(policy.apiBaseUrl);
  if (url.protocol === api.protocol && url.host === api.host) return true;
  const ghe = policy.enterpriseHost ? normalizeHost(policy.enterpriseHost) : undefined;
  return ghe !== undefined && url.protocol === 'https:' && url.host === ghe;
}

/** Refuses a hop whose host resolves to an address outside the public internet (every address is checked). */
async function checkAddress(url: URL, policy: AssetHostPolicy): Promise<void> {
  if (isOperatorsGitHub(url, policy)) return;
  const network = policy.network ?? PUBLIC_NETWORK;
  let addresses: string[];
  try {
    addresses = await network.resolve(url.hostname);
  } catch (err) {
    throw new AssetDownloadError('network', safeUrl(url), `Could not download ${safeUrl(url)}: its host name could not be resolved (${(err as Error).message}).`);
  }
  const refused = addresses.length === 0 ? '(no address)' : addresses.find((a) => !network.addressAllowed(a));
  if (refused !== undefined) {
    throw new AssetDownloadError(
      'address-not-allowed',
      safeUrl(url),
      `Refusing to download ${safeUrl(url)}: its host resolves to ${refused}, which is not a public address.`,
    );
  }
}

function normalizeHost(host: string): string {
  return host
    .trim()
    .replace(/^[a-z]+:\/\//i, '')
    .replace(/\/.*$/, '')
    .toLowerCase();
}

/** Hosts serving GitHub's web paths (`/<owner>/<repo>/…`, `/user-attachments/…`). */
function webHosts(policy: AssetHostPolicy): string[] {
  const hosts = ['github.com', new URL(policy.apiBaseUrl).host];
  if (policy.enterpriseHost) hosts.push(normalizeHost(policy.enterpriseHost));
  return hosts.map((h) => h.toLowerCase());
}

export function trustedHostsDescription(policy: AssetHostPolicy): string {
  const hosts = ['github.com', '*.githubusercontent.com', new URL(policy.apiBaseUrl).host];
  if (policy.enterpriseHost) hosts.push(normalizeHost(policy.enterpriseHost));
  return [...new Set(hosts)].join(', ');
}

export async function downloadAsset(
  rawUrl: string,
  maxBytes: number,
  policy: AssetHostPolicy,
  fetchers: AssetFetchers,
): Promise<DownloadedAsset> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    // Masked before it is shortened, so a cut never leaves part of a password unmasked.
    throw new AssetDownloadError('host-not-allowed', '(invalid URL)', `Refusing to download "${maskUrl(rawUrl).slice(0, 100)}": not a URL.`);
  }
  if (!isGitHubHost(url, policy)) {
    throw new AssetDownloadError(
      'host-not-allowed',
      safeUrl(url),
      `Refusing to download ${safeUrl(url)}: only attachments on GitHub hosts (${trustedHostsDescription(policy)}) are fetched.`,
    );
  }
  if (policy.repository) {
    const verdict = attachmentOfRepository(url, policy.repository, { webHosts: webHosts(policy), apiBasePath: new URL(policy.apiBaseUrl).pathname });
    if (!verdict.ok) throw new AssetDownloadError('other-repository', safeUrl(url), `Refusing to download ${safeUrl(url)}: ${verdict.reason}.`);
  }
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    // Every hop, the first included: a GitHub host (the first was checked above), at a public address.
    if (hop > 0 && !isGitHubHost(url, policy) && !policy.extraAssetHosts?.includes(url.host)) {
      throw new AssetDownloadError('host-not-allowed', safeUrl(url), `Refusing the redirect to ${safeUrl(url)}: redirects are followed only to GitHub hosts (${trustedHostsDescription(policy)}).`);
    }
    const trusted = isGitHubHost(url, policy) && (hop === 0 || redirectMayCarryToken(url, policy));
    await checkAddress(url, policy);
    let res: AssetHop;
    try {
      res = trusted ? await fetchers.withToken(url) : await fetchers.withoutToken(url);
    } catch (err) {
      if (err instanceof AssetDownloadError) throw err;
      const why = err instanceof Error ? err.message : String(err);
      throw new AssetDownloadError('network', safeUrl(url), `Could not download ${safeUrl(url)}: ${why}.`);
    }
    const location = header(res.headers, 'location');
    if (res.status >= 300 && res.status < 400 && location) {
      await discard(res.body);
      const next = new URL(location, url);
      // A signed URL must not be downgraded to plain http: its query is a credential.
      if (url.protocol === 'https:' && next.protocol !== 'https:') {
        throw new AssetDownloadError('insecure-redirect', safeUrl(url), `Refusing the redirect from ${safeUrl(url)} to a non-https URL.`);
      }
      url = next;
      continue;
    }
    if (res.status < 200 || res.status >= 300) {
      await discard(res.body);
      throw new AssetDownloadError('http-error', safeUrl(url), `Downloading ${safeUrl(url)} failed with HTTP ${res.status}.`, res.status);
    }
    const declared = Number(header(res.headers, 'content-length'));
    if (Number.isFinite(declared) && declared > maxBytes) {
      await discard(res.body);
      throw tooLarge(url, maxBytes);
    }
    const bytes = await readAtMost(res.body, maxBytes, url);
    return { bytes, contentType: header(res.headers, 'content-type') ?? 'application/octet-stream' };
  }
  throw new AssetDownloadError('too-many-redirects', safeUrl(url), `Gave up downloading ${safeUrl(url)} after ${MAX_REDIRECTS} redirects.`);
}

/**
 * A redirect is checked like the first URL (issue 8, kind 6): the token
 * reads every repository the App is installed on, so a hop that names
 * another repository is refused, with a note saying so, before any request.
 * A GitHub hop that is no repository's attachment (the signed URL GitHub
 * redirects to) needs no token and gets none. Without a repository (no
 * thread to scope to), every GitHub hop gets the token, as before.
 */
function redirectMayCarryToken(url: URL, policy: AssetHostPolicy): boolean {
  if (!policy.repository) return true;
  const verdict = attachmentOfRepository(url, policy.repository, { webHosts: webHosts(policy), apiBasePath: new URL(policy.apiBaseUrl).pathname });
  if (verdict.ok) return true;
  if (verdict.kind === 'other-repository') {
    throw new AssetDownloadError('other-repository', safeUrl(url), `Refusing the redirect to ${safeUrl(url)}: ${verdict.reason}.`);
  }
  return false;
}

function header(headers: AssetHop['headers'], name: string): string | undefined {
  const v = headers[name] ?? headers[name.toLowerCase()];
  return v === undefined ? undefined : String(v);
}

function tooLarge(url: URL, maxBytes: number): AssetDownloadError {
  return new AssetDownloadError('too-large', safeUrl(url), `${safeUrl(url)} is larger than the ${maxBytes}-byte limit for attachments.`);
}

/** Reads the body, stopping (and cancelling the transfer) as soon as it passes the budget. */
async function readAtMost(body: ReadableStream<Uint8Array> | null, maxBytes: number, url: URL): Promise<Uint8Array> {
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(url, maxBytes);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

async function discard(body: ReadableStream<Uint8Array> | null): Promise<void> {
  await body?.cancel().catch(() => undefined);
}
