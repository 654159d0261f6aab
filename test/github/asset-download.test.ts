import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { downloadAsset, isGitHubHost, type AssetFetchers } from '../../src/github/asset-download.js';
import { isPublicAddress, type AssetNetwork } from '../../src/github/asset-policy.js';
import { AssetDownloadError } from '../../src/github/errors.js';
import { createOctokitPort } from '../../src/github/octokit-port.js';
import type { GitHubPort } from '../../src/github/port.js';
import { FakeGitHub } from '../fakes/fake-github.js';
import { octokitFor } from './support.js';

/** A second host (another port on 127.0.0.1) playing a CDN that serves signed URLs. */
class ForeignHost {
  readonly seen: { path: string; headers: IncomingHttpHeaders }[] = [];
  handler: (path: string, res: ServerResponse) => void = (_p, res) => res.end('cdn bytes');
  private readonly server: Server = createServer((req, res) => {
    this.seen.push({ path: req.url ?? '', headers: req.headers });
    this.handler(req.url ?? '', res);
  });
  url = '';

  static async start(): Promise<ForeignHost> {
    const host = new ForeignHost();
    await new Promise<void>((resolve) => host.server.listen(0, '127.0.0.1', resolve));
    host.url = `http://127.0.0.1:${(host.server.address() as AddressInfo).port}`;
    return host;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

let fake: FakeGitHub;
let cdn: ForeignHost;
let port: GitHubPort;

beforeAll(async () => {
  fake = await FakeGitHub.start();
  cdn = await ForeignHost.start();
});
afterAll(async () => {
  await fake.close();
  await cdn.close();
});
beforeEach(() => {
  cdn.seen.length = 0;
  cdn.handler = (_p, res) => {
    res.writeHead(200, { 'content-type': 'image/jpeg' });
    res.end('cdn bytes');
  };
  // The CDN fake stands in for GitHub's asset hosts, on loopback: only these tests let loopback through.
  port = createOctokitPort(octokitFor(fake), { botLogin: 'bot', extraAssetHosts: [new URL(cdn.url).host], assetNetwork: LOOPBACK_ONLY });
});

/** For the fakes: names resolve as the system says, and only 127.0.0.1 may be fetched. */
const LOOPBACK_ONLY: AssetNetwork = { resolve: async (host) => [host], addressAllowed: (a) => a === '127.0.0.1' };
/** For URLs on real GitHub names, without touching DNS: each resolves to the address given, judged as in production. */
const resolvingTo = (addresses: Record<string, string>): AssetNetwork => ({
  resolve: async (host) => [addresses[host] ?? '140.82.112.3'],
  addressAllowed: isPublicAddress,
});

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');

describe('downloadAsset against GitHub hosts', () => {
  it('downloads from the API host with the token', async () => {
    const { url, id } = fake.addAttachment({ bytes: 'PNG...', contentType: 'image/png' });
    const asset = await port.downloadAsset(url, 1000);
    expect(text(asset.bytes)).toBe('PNG...');
    expect(asset.contentType).toBe('image/png');
    const [req] = fake.requestsTo({ path: `/user-attachments/assets/${id}` });
    expect(req?.headers.authorization).toBe(`token ${fake.token}`);
  });

  it('follows GitHub\'s redirect to a signed URL', async () => {
    const { url, id } = fake.addAttachment({ bytes: 'signed', contentType: 'image/gif', redirect: true });
    const asset = await port.downloadAsset(url, 1000);
    expect(text(asset.bytes)).toBe('signed');
    expect(fake.requestsTo({ path: `/_signed/user-attachments/${id}` }).map((r) => r.status)).toEqual([200]);
  });

  it('follows a redirect to another host without the Authorization header', async () => {
    const { url } = fake.addAttachment({ bytes: 'unused', redirect: `${cdn.url}/signed/abc?X-Amz-Signature=s3cr3t` });
    const asset = await port.downloadAsset(url, 1000);
    expect(text(asset.bytes)).toBe('cdn bytes');
    expect(asset.contentType).toBe('image/jpeg');
    expect(cdn.seen).toHaveLength(1);
    expect(cdn.seen[0]?.path).toBe('/signed/abc?X-Amz-Signature=s3cr3t');
    expect(cdn.seen[0]?.headers.authorization).toBeUndefined();
    expect(JSON.stringify(cdn.seen)).not.toContain(fake.token);
  });

  it('refuses a URL on a host outside the allowlist, without contacting it', async () => {
    const err = (await port.downloadAsset(`${cdn.url}/image.png?token=abc`, 1000).catch((e: unknown) => e)) as AssetDownloadError;
    expect(err).toBeInstanceOf(AssetDownloadError);
    expect(err.reason).toBe('host-not-allowed');
    expect(err.message).toContain(`Refusing to download ${cdn.url}/image.png`);
    expect(err.message).toContain('github.com, *.githubusercontent.com');
    expect(err.message).not.toContain('token=abc');
    expect(cdn.seen).toHaveLength(0);
  });

  it('stops at maxBytes when the size is declared', async () => {
    const { url } = fake.addAttachment({ bytes: 'x'.repeat(2000) });
    const err = (await port.downloadAsset(url, 1999).catch((e: unknown) => e)) as AssetDownloadError;
    expect(err.reason).toBe('too-large');
    expect(err.message).toContain('1999-byte limit');
    expect(text((await port.downloadAsset(url, 2000)).bytes)).toHaveLength(2000);
  });

  it('stops reading past maxBytes when no size is declared', async () => {
    const total = 50 * 1024 * 1024;
    let wrote = 0;
    let closedEarly: (sent: number) => void = () => undefined;
    const closed = new Promise<number>((resolve) => (closedEarly = resolve));
    cdn.handler = (_p, res) => {
      res.writeHead(200, { 'content-type': 'image/png' }); // chunked: no content-length
      const chunk = Buffer.alloc(64 * 1024, 1);
      const pump = (): void => {
        while (wrote < total && !res.destroyed) {
          wrote += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => closedEarly(wrote));
      pump();
    };
    const { url } = fake.addAttachment({ bytes: '', redirect: `${cdn.url}/huge` });
    const err = (await port.downloadAsset(url, 100_000).catch((e: unknown) => e)) as AssetDownloadError;
    expect(err.reason).toBe('too-large');
    // The client hung up long before the 50 MB were sent.
    expect(await closed).toBeLessThan(total);
  });

  it('reports GitHub\'s status when the attachment is missing', async () => {
    const err = (await port.downloadAsset(`${fake.url}/user-attachments/assets/nope`, 1000).catch((e: unknown) => e)) as AssetDownloadError;
    expect(err.reason).toBe('http-error');
    expect(err.status).toBe(404);
  });

  it('gives up on a redirect loop', async () => {
    cdn.handler = (path, res) => {
      res.writeHead(302, { location: path + 'x' });
      res.end();
    };
    const { url } = fake.addAttachment({ bytes: '', redirect: `${cdn.url}/loop` });
    const err = (await port.downloadAsset(url, 1000).catch((e: unknown) => e)) as AssetDownloadError;
    expect(err.reason).toBe('too-many-redirects');
    expect(cdn.seen.length).toBe(5);
  });
});

describe('isGitHubHost', () => {
  const policy = { apiBaseUrl: 'http://127.0.0.1:4000', enterpriseHost: 'ghe.example.com' };
  it.each([
    ['https://github.com/user-attachments/assets/1', true],
    ['https://private-user-images.githubusercontent.com/1/a.png?jwt=x', true],
    ['https://objects.githubusercontent.com/x', true],
    ['http://127.0.0.1:4000/user-attachments/assets/1', true],
    ['https://ghe.example.com/user-attachments/assets/1', true],
    ['http://github.com/x', false],
    ['https://github.com.evil.example/x', false],
    ['https://evilgithub.com/x', false],
    ['https://githubusercontent.com.evil.example/x', false],
    ['https://x.githubusercontent.com:8443/x', false],
    ['http://127.0.0.1:4001/x', false],
    ['https://127.0.0.1:4000/x', false],
    ['https://user:pw@github.com/x', false],
    ['https://api.github.com/x', false],
  ])('%s → %s', (url, expected) => {
    expect(isGitHubHost(new URL(url), policy)).toBe(expected);
  });

  it('accepts an Enterprise host given with a scheme', () => {
    expect(isGitHubHost(new URL('https://ghe.example.com/a'), { apiBaseUrl: 'https://api.github.com', enterpriseHost: 'https://GHE.example.com/' })).toBe(true);
  });
});

describe('a URL that does not parse (review 8)', () => {
  it('is refused without its password in the message', async () => {
    const fetchers: AssetFetchers = { withToken: () => Promise.reject(new Error('no request')), withoutToken: () => Promise.reject(new Error('no request')) };
    const refused = downloadAsset('https://admin:hunter2pass@[::1/x.png', 1000, { apiBaseUrl: 'https://api.github.com' }, fetchers);
    await expect(refused).rejects.toThrow(/not a URL/);
    await expect(refused).rejects.not.toThrow(/hunter2pass/);
  });
});

describe('downloadAsset redirect rules', () => {
  const policy = { apiBaseUrl: 'https://api.github.com', network: resolvingTo({}) };
  const respond = (status: number, headers: Record<string, string>, body = ''): ReturnType<AssetFetchers['withToken']> =>
    Promise.resolve({ status, headers, body: new Response(body).body });

  it('refuses a redirect from https to http', async () => {
    const fetchers: AssetFetchers = {
      withToken: () => respond(302, { location: 'http://cdn.example/a.png?sig=1' }),
      withoutToken: () => Promise.reject(new Error('must not be called')),
    };
    const err = (await downloadAsset('https://github.com/user-attachments/assets/1', 10, policy, fetchers).catch((e: unknown) => e)) as AssetDownloadError;
    expect(err.reason).toBe('insecure-redirect');
  });

  it('refuses a redirect to a host that is not GitHub\'s', async () => {
    const fetchers: AssetFetchers = {
      withToken: () => respond(302, { location: 'https://cdn.example/a.png?sig=1' }),
      withoutToken: () => Promise.reject(new Error('must not be called')),
    };
    const err = (await downloadAsset('https://github.com/user-attachments/assets/1', 10, policy, fetchers).catch((e: unknown) => e)) as AssetDownloadError;
    expect(err.reason).toBe('host-not-allowed');
    expect(err.message).toContain('redirects are followed only to GitHub hosts');
    expect(err.message).not.toContain('sig=1');
  });

  it('uses the token only on GitHub hops', async () => {
    const used: string[] = [];
    const fetchers: AssetFetchers = {
      withToken: (u) => {
        used.push(`token ${u.host}`);
        return u.host === 'github.com'
          ? respond(302, { location: 'https://objects.githubusercontent.com/o?sig=1' })
          : respond(301, { location: 'https://cdn.example/final' });
      },
      withoutToken: (u) => {
        used.push(`plain ${u.host}`);
        return respond(200, { 'content-type': 'image/webp' }, 'ok');
      },
    };
    const asset = await downloadAsset('https://github.com/user-attachments/assets/1', 10, { ...policy, extraAssetHosts: ['cdn.example'] }, fetchers);
    expect(used).toEqual(['token github.com', 'token objects.githubusercontent.com', 'plain cdn.example']);
    expect(asset.contentType).toBe('image/webp');
  });
});

describe('attachments of the thread\'s own repository only (issue 8)', () => {
  const repository = { owner: 'acme', repo: 'widgets' };
  const never: AssetFetchers = {
    withToken: (u) => Promise.reject(new Error(`must not fetch ${u.href}`)),
    withoutToken: (u) => Promise.reject(new Error(`must not fetch ${u.href}`)),
  };
  const ok: AssetFetchers = {
    withToken: () => Promise.resolve({ status: 200, headers: { 'content-type': 'image/png' }, body: new Response('png').body }),
    withoutToken: () => Promise.reject(new Error('must not be called')),
  };
  const policy = { apiBaseUrl: 'https://api.github.com', repository, network: resolvingTo({}) };

  it.each([
    ['https://github.com/acme/secret-plans/raw/main/plan.png', 'acme/secret-plans'],
    ['https://github.com/acme/secret-plans/blob/main/plan.png?raw=true', 'acme/secret-plans'],
    ['https://raw.githubusercontent.com/acme/secret-plans/main/plan.png', 'acme/secret-plans'],
    ['https://api.github.com/repos/acme/secret-plans/contents/plan.png', 'acme/secret-plans'],
    ['https://github.com/ACME/Secret-Plans/assets/1/2', 'acme/secret-plans'],
  ])('refuses %s, naming %s, without any request', async (url, named) => {
    const err = (await downloadAsset(url, 100, policy, never).catch((e: unknown) => e)) as AssetDownloadError;
    expect(err).toBeInstanceOf(AssetDownloadError);
    expect(err.reason).toBe('other-repository');
    expect(err.message).toContain(`names another repository (${named})`);
    expect(err.message).toContain("only acme/widgets's attachments");
  });

  it.each([
    'https://github.com/user-attachments/assets/0a1b2c',
    'https://github.com/acme/widgets/assets/1/2',
    'https://github.com/Acme/Widgets/files/3/shot.png',
    'https://raw.githubusercontent.com/acme/widgets/main/docs/shot.png',
    'https://user-images.githubusercontent.com/1/shot.png',
  ])('fetches %s', async (url) => {
    const asset = await downloadAsset(url, 100, policy, ok);
    expect(Buffer.from(asset.bytes).toString()).toBe('png');
  });

  it('refuses GitHub URLs that are not attachments at all', async () => {
    const err = (await downloadAsset('https://github.com/settings', 100, policy, never).catch((e: unknown) => e)) as AssetDownloadError;
    expect(err.reason).toBe('other-repository');
    expect(err.message).toContain('not an attachment URL');
  });

  it('another private repository\'s file on the fake GitHub: refused with the token never sent', async () => {
    fake.addRepo('acme', 'secret-plans', { private: true });
    const scoped = createOctokitPort(octokitFor(fake), { botLogin: 'bot' });
    const before = fake.requests.length;
    const err = (await scoped.downloadAsset(`${fake.url}/repos/acme/secret-plans/contents/plan.png`, 100, { repository }).catch((e: unknown) => e)) as AssetDownloadError;
    expect(err.reason).toBe('other-repository');
    expect(fake.requests.length).toBe(before);
  });
});

describe('every redirect is checked against the thread\'s repository (review of issue 8)', () => {
  const repository = { owner: 'acme', repo: 'widgets' };

  it('the fake GitHub redirects an own attachment to another private repository\'s file: refused with a note, never requested', async () => {
    fake.addRepo('acme', 'secret-plans', { private: true });
    const secret = `${fake.url}/repos/acme/secret-plans/contents/plan.png`;
    const { url } = fake.addAttachment({ bytes: 'unused', redirect: secret });
    const scoped = createOctokitPort(octokitFor(fake), { botLogin: 'bot' });
    const err = (await scoped.downloadAsset(url, 100, { repository }).catch((e: unknown) => e)) as AssetDownloadError;
    expect(err).toBeInstanceOf(AssetDownloadError);
    expect(err.reason).toBe('other-repository');
    expect(err.message).toContain('Refusing the redirect to');
    expect(err.message).toContain('names another repository (acme/secret-plans)');
    expect(fake.requests.filter((r) => r.path.includes('secret-plans'))).toHaveLength(0);
  });

  it.each([
    'https://raw.githubusercontent.com/acme/secret-plans/main/plan.png',
    'https://github.com/acme/secret-plans/raw/main/plan.png',
    'https://api.github.com/repos/acme/secret-plans/contents/plan.png',
    'https://media.githubusercontent.com/media/acme/secret-plans/main/plan.png',
  ])('a GitHub-host redirect to %s is refused before any request', async (target) => {
    const fetched: string[] = [];
    const fetchers: AssetFetchers = {
      withToken: (u) => {
        fetched.push(`token ${u.href}`);
        return Promise.resolve({ status: 302, headers: { location: target }, body: null });
      },
      withoutToken: (u) => {
        fetched.push(`plain ${u.href}`);
        return Promise.resolve({ status: 200, headers: {}, body: new Response('x').body });
      },
    };
    const policy = { apiBaseUrl: 'https://api.github.com', repository, network: resolvingTo({}) };
    const err = (await downloadAsset('https://github.com/user-attachments/assets/1', 100, policy, fetchers).catch((e: unknown) => e)) as AssetDownloadError;
    expect(err.reason).toBe('other-repository');
    expect(fetched).toEqual(['token https://github.com/user-attachments/assets/1']);
  });

  it('a redirect within the repository keeps the token; one to a signed URL that names no repository drops it', async () => {
    const used: string[] = [];
    const fetchers: AssetFetchers = {
      withToken: (u) => {
        used.push(`token ${u.host}${u.pathname}`);
        const next = u.host === 'api.github.com' ? 'https://raw.githubusercontent.com/acme/widgets/main/a.png' : 'https://objects.githubusercontent.com/o/1?sig=s';
        return Promise.resolve({ status: 302, headers: { location: next }, body: null });
      },
      withoutToken: (u) => {
        used.push(`plain ${u.host}${u.pathname}`);
        return Promise.resolve({ status: 200, headers: { 'content-type': 'image/png' }, body: new Response('png').body });
      },
    };
    const policy = { apiBaseUrl: 'https://api.github.com', repository, network: resolvingTo({}) };
    const asset = await downloadAsset('https://api.github.com/repos/acme/widgets/contents/a.png', 100, policy, fetchers);
    expect(text(asset.bytes)).toBe('png');
    expect(used).toEqual(['token api.github.com/repos/acme/widgets/contents/a.png', 'token raw.githubusercontent.com/acme/widgets/main/a.png', 'plain objects.githubusercontent.com/o/1']);
  });
});

describe('addresses: first hop and every redirect (issue 8)', () => {
  it.each([
    ['127.0.0.1', false],
    ['127.8.9.10', false],
    ['10.1.2.3', false],
    ['172.16.0.1', false],
    ['192.168.1.1', false],
    ['169.254.169.254', false],
    ['100.64.0.1', false],
    ['0.0.0.0', false],
    ['::1', false],
    ['::', false],
    ['fe80::1', false],
    ['fd00:ec2::254', false],
    ['::ffff:127.0.0.1', false],
    ['::ffff:10.0.0.1', false],
    // Review of issue 8: every IPv6 form that carries loopback or a private IPv4 address, and site-local.
    ['::127.0.0.1', false],
    ['::ffff:7f00:1', false],
    ['2002:7f00:1::', false],
    ['2002:a00:1::', false],
    ['2002:c0a8:101::1', false],
    ['2002:a9fe:a9fe::', false],
    ['fec0::1', false],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', false],
    // review-sec finding 12: IPv4-translated and local-use NAT64 forms, and special-purpose ranges.
    ['::ffff:0:127.0.0.1', false],
    ['::ffff:0:7f00:1', false],
    ['::ffff:0:8c52:7003', true],
    ['64:ff9b::a00:1', false],
    ['64:ff9b::8c52:7003', false],
    ['64:ff9b:1::a00:1', false],
    ['64:ff9b:1::a9fe:a9fe', false],
    ['2001:2::1', false],
    ['2001:20::1', false],
    ['3fff::1', false],
    ['5f00::1', false],
    ['192.88.99.1', false],
    ['2002:8c52:7003::', true],
    ['::ffff:8c52:7003', true],
    ['2001:4860:4860::8888', true],
    ['224.0.0.1', false],
    ['140.82.112.3', true],
    ['185.199.108.133', true],
    ['2606:50c0:8000::154', true],
    ['not an address', false],
  ])('%s is public: %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });

  it('production defaults refuse a GitHub-host redirect to 127.0.0.1, and the fake behind it sees nothing', async () => {
    // The CDN fake counts as one of GitHub's asset hosts here, but the network is production's.
    const production = createOctokitPort(octokitFor(fake), { botLogin: 'bot', extraAssetHosts: [new URL(cdn.url).host] });
    const { url } = fake.addAttachment({ bytes: 'unused', redirect: `${cdn.url}/internal/secret` });
    const err = (await production.downloadAsset(url, 1000).catch((e: unknown) => e)) as AssetDownloadError;
    expect(err.reason).toBe('address-not-allowed');
    expect(err.message).toContain('127.0.0.1, which is not a public address');
    expect(cdn.seen).toHaveLength(0);
  });

  it('a GitHub host name that resolves to a private address is refused, on the first hop and on a redirect', async () => {
    const fetched: string[] = [];
    const fetchers: AssetFetchers = {
      withToken: (u) => {
        fetched.push(u.host);
        return Promise.resolve({ status: 302, headers: { location: 'https://objects.githubusercontent.com/a?sig=1' }, body: null });
      },
      withoutToken: () => Promise.reject(new Error('must not be called')),
    };
    const first = (await downloadAsset('https://github.com/user-attachments/assets/1', 10, { apiBaseUrl: 'https://api.github.com', network: resolvingTo({ 'github.com': '10.0.0.5' }) }, fetchers).catch((e: unknown) => e)) as AssetDownloadError;
    expect(first.reason).toBe('address-not-allowed');
    expect(fetched).toEqual([]);
    const metadata = resolvingTo({ 'objects.githubusercontent.com': '169.254.169.254' });
    const redirect = (await downloadAsset('https://github.com/user-attachments/assets/1', 10, { apiBaseUrl: 'https://api.github.com', network: metadata }, fetchers).catch((e: unknown) => e)) as AssetDownloadError;
    expect(redirect.reason).toBe('address-not-allowed');
    expect(redirect.message).toContain('169.254.169.254');
    expect(fetched).toEqual(['github.com']);
  });

  it.each(['::ffff:7f00:1', '::127.0.0.1', '2002:7f00:1::', 'fec0::1'])('a redirect to a GitHub host resolving to %s is refused before any request to it', async (address) => {
    const fetched: string[] = [];
    const fetchers: AssetFetchers = {
      withToken: (u) => {
        fetched.push(u.host);
        return Promise.resolve({ status: 302, headers: { location: 'https://objects.githubusercontent.com/a?sig=1' }, body: null });
      },
      withoutToken: (u) => Promise.reject(new Error(`must not fetch ${u.href}`)),
    };
    const network = resolvingTo({ 'objects.githubusercontent.com': address });
    const err = (await downloadAsset('https://github.com/user-attachments/assets/1', 10, { apiBaseUrl: 'https://api.github.com', network }, fetchers).catch((e: unknown) => e)) as AssetDownloadError;
    expect(err.reason).toBe('address-not-allowed');
    expect(err.message).toContain(address);
    expect(fetched).toEqual(['github.com']);
  });

  it('every address a name resolves to is checked', async () => {
    const network: AssetNetwork = { resolve: async () => ['140.82.112.3', '127.0.0.1'], addressAllowed: isPublicAddress };
    const err = (await downloadAsset('https://github.com/user-attachments/assets/1', 10, { apiBaseUrl: 'https://api.github.com', network }, { withToken: () => Promise.reject(new Error('no')), withoutToken: () => Promise.reject(new Error('no')) }).catch((e: unknown) => e)) as AssetDownloadError;
    expect(err.reason).toBe('address-not-allowed');
  });
});
