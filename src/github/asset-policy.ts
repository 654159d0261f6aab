/**
 * Which attachment URLs the bot fetches, and where their redirects may go.
 *
 * - The first URL must be an attachment GitHub issued for the thread's own
 *   repository: `/user-attachments/…` (github.com's attachment store), the
 *   user-images hosts, or a path under the repository itself
 *   (`/<owner>/<repo>/…`, `/repos/<owner>/<repo>/…`,
 *   `raw.githubusercontent.com/<owner>/<repo>/…`). A URL that names another
 *   repository is refused before any request: the installation token can
 *   read every repository the App is installed on, so the URL alone must not
 *   choose which.
 * - Every hop, the first and each redirect, goes only to GitHub's hosts, and
 *   its host name is resolved and refused when an address is loopback,
 *   private, link-local (cloud metadata at 169.254.169.254 included),
 *   unique-local, multicast or otherwise not public. The operator's own
 *   GitHub (the API host, a GHE_HOST) is exempt: the App already sends its
 *   token there, and an Enterprise server often lives on a private network.
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** Ranges no attachment is fetched from (IANA special-purpose registries for IPv4 and IPv6). */
function nonPublicAddresses(): BlockList {
  const list = new BlockList();
  const v4: [string, number][] = [
    ['0.0.0.0', 8], // "this network"
    ['10.0.0.0', 8], // private (RFC 1918)
    ['100.64.0.0', 10], // carrier-grade NAT (RFC 6598)
    ['127.0.0.0', 8], // loopback
    ['169.254.0.0', 16], // link-local, cloud metadata services
    ['172.16.0.0', 12], // private
    ['192.0.0.0', 24], // IETF protocol assignments
    ['192.0.2.0', 24], // documentation
    ['192.168.0.0', 16], // private
    ['198.18.0.0', 15], // benchmarking
    ['198.51.100.0', 24], // documentation
    ['203.0.113.0', 24], // documentation
    ['192.88.99.0', 24], // 6to4 relay anycast (deprecated by RFC 7526)
    ['224.0.0.0', 4], // multicast
    ['240.0.0.0', 4], // reserved, broadcast
  ];
  for (const [net, prefix] of v4) list.addSubnet(net, prefix, 'ipv4');
  const v6: [string, number][] = [
    ['::', 128], // unspecified
    ['::1', 128], // loopback
    ['64:ff9b::', 96], // NAT64: maps onto IPv4, which may be private
    ['64:ff9b:1::', 48], // local-use NAT64 (RFC 8215): a site's own translator onto its private IPv4
    ['100::', 64], // discard
    ['2001::', 32], // Teredo: an obscured IPv4 address inside
    ['2001:2::', 48], // benchmarking
    ['2001:20::', 28], // ORCHIDv2
    ['2001:db8::', 32], // documentation
    ['3fff::', 20], // documentation (RFC 9637)
    ['5f00::', 16], // SRv6 segment identifiers
    ['fc00::', 7], // unique-local (AWS's metadata fd00:ec2::254 included)
    ['fe80::', 10], // link-local
    ['fec0::', 10], // site-local (deprecated by RFC 3879, still routed inside some networks)
    ['ff00::', 8], // multicast
  ];
  for (const [net, prefix] of v6) list.addSubnet(net, prefix, 'ipv6');
  return list;
}

const NON_PUBLIC = nonPublicAddresses();

/**
 * Whether an IP address is a public unicast one. IPv6 forms that carry an
 * IPv4 address are judged by it: IPv4-mapped (`::ffff:127.0.0.1`, also
 * written `::ffff:7f00:1`), IPv4-translated (`::ffff:0:127.0.0.1`, RFC 2765
 * and 6145) and 6to4 (`2002:7f00:1::` is 127.0.0.1's). IPv4-compatible
 * addresses (`::127.0.0.1`, deprecated by RFC 4291), Teredo (`2001::/32`,
 * whose embedded address is obscured) and NAT64 (`64:ff9b::/96` and the
 * local-use `64:ff9b:1::/48`, whose translator may lead anywhere on its
 * site) are never public.
 */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  if (family === 4) return !NON_PUBLIC.check(address, 'ipv4');
  const words = ipv6Words(address);
  if (words === null) return false;
  const embedded = (high: number, low: number) => `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  const zeros = (from: number, to: number) => words.slice(from, to).every((w) => w === 0);
  if (zeros(0, 5) && words[5] === 0xffff) return isPublicAddress(embedded(words[6] ?? 0, words[7] ?? 0));
  if (zeros(0, 4) && words[4] === 0xffff && words[5] === 0) return isPublicAddress(embedded(words[6] ?? 0, words[7] ?? 0));
  if (zeros(0, 6)) return false;
  if (words[0] === 0x2002) return isPublicAddress(embedded(words[1] ?? 0, words[2] ?? 0));
  return !NON_PUBLIC.check(address, 'ipv6');
}

/** The eight 16-bit words of an IPv6 address (`::` expanded, a trailing dotted IPv4 read as two words), or null. */
function ipv6Words(address: string): number[] | null {
  let text = address.replace(/%.*$/, '');
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const parse = (part: string | undefined) => (part ? part.split(':').map((h) => parseInt(h, 16)) : []);
  const head = parse(halves[0]);
  const tail = parse(halves[1]);
  const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
  const words = [...head, ...Array<number>(Math.max(0, fill)).fill(0), ...tail];
  return words.length === 8 && words.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffff) ? words : null;
}

/** How host names become addresses, and which addresses may be fetched; injectable for tests only. */
export interface AssetNetwork {
  /** Every address the name resolves to (all of them are checked). */
  resolve(host: string): Promise<string[]>;
  /** Whether an address may be fetched. */
  addressAllowed(address: string): boolean;
}

/** Production: the system resolver, public addresses only. */
export const PUBLIC_NETWORK: AssetNetwork = {
  async resolve(host) {
    const literal = host.replace(/^\[|\]$/g, '');
    if (isIP(literal)) return [literal];
    return (await lookup(literal, { all: true, verbatim: true })).map((a) => a.address);
  },
  addressAllowed: isPublicAddress,
};

export interface RepositoryRef {
  owner: string;
  repo: string;
}

/** Hosts that serve attachments GitHub issued to a user rather than to a repository path. */
const USER_ATTACHMENT_HOSTS = new Set(['user-images.githubusercontent.com', 'private-user-images.githubusercontent.com']);
/** Hosts whose first two path segments name a repository (`/<owner>/<repo>/…`). */
const REPOSITORY_CONTENT_HOSTS = new Set(['raw.githubusercontent.com', 'media.githubusercontent.com']);

/**
 * `other-repository`: the URL names a repository other than the thread's;
 * `not-attachment`: a GitHub URL that is no repository's attachment (a
 * signed CDN URL a redirect leads to, a settings page).
 */
export type AttachmentVerdict = { ok: true } | { ok: false; kind: 'other-repository' | 'not-attachment'; reason: string };

/** `owner/repo` as GitHub allows them: a login of letters, digits and inner hyphens (≤ 39), a name of letters, digits, `.`, `_`, `-`. */
const REPOSITORY_PATH = /^[a-z0-9](?:[a-z0-9-]{0,38})\/[a-z0-9._-]{1,100}$/;

const NOT_ATTACHMENT: AttachmentVerdict = { ok: false, kind: 'not-attachment', reason: 'it is not an attachment URL' };

/** `decodeURIComponent`, keeping a malformed escape as written rather than throwing. */
function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * Whether `url` (already known to be on a GitHub host) is an attachment of
 * `repository`. `webHosts` are the hosts that serve GitHub's web paths
 * (github.com, GHE_HOST, the API host); `apiBasePath` is the API's path
 * prefix (`/api/v3` on GHE) stripped before reading the path.
 */
export function attachmentOfRepository(url: URL, repository: RepositoryRef, opts: { webHosts: readonly string[]; apiBasePath?: string }): AttachmentVerdict {
  const host = url.host.toLowerCase();
  if (USER_ATTACHMENT_HOSTS.has(host)) return { ok: true };
  const own = `${repository.owner}/${repository.repo}`.toLowerCase();
  const names = (owner: string | undefined, repo: string | undefined): AttachmentVerdict => {
    if (!owner || !repo) return NOT_ATTACHMENT;
    const named = `${safeDecode(owner)}/${safeDecode(repo)}`.toLowerCase();
    // A first segment no account could have (`_signed`, `-x`) names no repository: such a path is GitHub's own.
    if (!REPOSITORY_PATH.test(named)) return NOT_ATTACHMENT;
    return named === own ? { ok: true } : { ok: false, kind: 'other-repository', reason: `it names another repository (${named}), and only ${own}'s attachments are fetched for this thread` };
  };
  const segments = url.pathname.split('/').filter(Boolean);
  if (REPOSITORY_CONTENT_HOSTS.has(host)) {
    // media.githubusercontent.com/media/<owner>/<repo>/…
    return host.startsWith('media.') ? names(segments[1], segments[2]) : names(segments[0], segments[1]);
  }
  if (!opts.webHosts.includes(host)) return NOT_ATTACHMENT;
  let path = segments;
  const base = (opts.apiBasePath ?? '').split('/').filter(Boolean);
  if (base.length && base.every((s, i) => path[i] === s)) path = path.slice(base.length);
  if (path[0] === 'user-attachments') return { ok: true };
  if (path[0] === 'repos') return names(path[1], path[2]);
  return names(path[0], path[1]);
}
