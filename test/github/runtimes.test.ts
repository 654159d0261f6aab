/**
 * The port over the two Octokits the entries really build: `@actions/github`'s
 * (undici fetch, proxy support) and Probot's (its own plugins, App auth).
 * Both are handed to `createOctokitPort` without casts.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { generateKeyPairSync } from 'node:crypto';
import { Probot, ProbotOctokit } from 'probot';
import { octokitRetryOptions } from '../../src/github/octokit-options.js';
import { createOctokitPort } from '../../src/github/octokit-port.js';
import type { Thread } from '../../src/github/port.js';
import { silentLogger } from '../../src/logger.js';
import { FakeGitHub } from '../fakes/fake-github.js';

let fake: FakeGitHub;
let cdn: FakeGitHub;
let thread: Thread;

beforeAll(async () => {
  fake = await FakeGitHub.start({ botLogin: 'github-actions[bot]' });
  // A second fake on another port stands in for a foreign host (a CDN serving signed URLs).
  cdn = await FakeGitHub.start({ token: 'cdn-only' });
  const issue = fake.addIssue('o', 'r');
  thread = { kind: 'issue', owner: 'o', repo: 'r', number: issue.number };
});
afterAll(async () => {
  await fake.close();
  await cdn.close();
});

describe("@actions/github's getOctokit", () => {
  it('fits the port, with the entries\' throttle and retry options', async () => {
    const octokit = getOctokit(fake.token, { baseUrl: fake.url, ...octokitRetryOptions(silentLogger) }, retry, throttling);
    const port = createOctokitPort(octokit, { botLogin: 'github-actions[bot]' });

    const ref = await port.createComment(thread, 'hello from the Action');
    const { comments } = await port.listThreadComments(thread);
    expect(comments.map((c) => [c.id, c.body, c.author.login])).toEqual([[ref.id, 'hello from the Action', 'github-actions[bot]']]);
    // The API base comes from the Octokit itself, so the fake's host is trusted for attachments.
    const { url } = fake.addAttachment({ bytes: 'img', redirect: true });
    expect(Buffer.from((await port.downloadAsset(url, 100)).bytes).toString()).toBe('img');
  });

  it('follows a redirect to a foreign host without the token (undici fetch)', async () => {
    const signed = cdn.addAttachment({ bytes: 'from the cdn', contentType: 'image/webp' });
    const { url } = fake.addAttachment({ bytes: 'unused', redirect: signed.signedUrl });
    // The second fake stands in for GitHub's CDN, on loopback: only a test lets that through.
    const port = createOctokitPort(getOctokit(fake.token, { baseUrl: fake.url }), {
      botLogin: 'b',
      extraAssetHosts: [new URL(cdn.url).host],
      assetNetwork: { resolve: async (host) => [host], addressAllowed: (a) => a === '127.0.0.1' },
    });

    const asset = await port.downloadAsset(url, 100);

    expect(Buffer.from(asset.bytes).toString()).toBe('from the cdn');
    expect(asset.contentType).toBe('image/webp');
    expect(fake.requestsTo({ path: new RegExp('^/user-attachments/') }).at(-1)?.headers.authorization).toBe(`token ${fake.token}`);
    const seen = cdn.requestsTo({ path: `/_signed/user-attachments/${signed.id}` });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.headers.authorization).toBeUndefined();
  });
});

describe("Probot's Octokit", () => {
  it('fits the port with a token', async () => {
    const octokit = new ProbotOctokit({ auth: { token: fake.token }, baseUrl: fake.url });
    const port = createOctokitPort(octokit, { botLogin: 'coder-agent[bot]' });
    const ref = await port.createComment(thread, 'hello from the App');
    await port.updateComment(ref, 'edited by the App');
    expect(fake.comments('o', 'r', thread.number).find((c) => c.id === ref.id)?.body).toBe('edited by the App');
  });

  it('authenticates as an installation through the fake and reads the repository config', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    const probot = new Probot({ appId: 1, privateKey, baseUrl: fake.url, logLevel: 'fatal' });
    fake.setFile('o', 'r', '.github/coder-agent.yml', 'trigger-phrase: /coder\n');
    const before = fake.requests.length;

    const octokit = await probot.auth(1);
    const { config } = await octokit.config.get({ owner: 'o', repo: 'r', path: '.github/coder-agent.yml' });
    await createOctokitPort(octokit, { botLogin: 'coder-agent[bot]' }).addReaction({ kind: 'issue', owner: 'o', repo: 'r', number: thread.number }, 'eyes');

    expect(config).toEqual({ 'trigger-phrase': '/coder' });
    const requests = fake.requests.slice(before);
    expect(requests[0]).toMatchObject({ method: 'POST', path: '/app/installations/1/access_tokens', status: 201 });
    expect(requests[0]?.headers.authorization).toMatch(/^bearer [\w-]+\.[\w-]+\.[\w-]+$/i);
    expect(requests.slice(1).every((r) => r.headers.authorization === `token ${fake.token}`)).toBe(true);
    expect(fake.reactions('o', 'r', { kind: 'issue', id: thread.number }).map((r) => r.content)).toEqual(['eyes']);
  });
});
