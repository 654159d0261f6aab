/** The fake GitHub answers like GitHub: other suites' end-to-end tests rely on it. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FakeGitHub } from '../fakes/fake-github.js';

let fake: FakeGitHub;
beforeAll(async () => {
  fake = await FakeGitHub.start({ writers: ['wendy'] });
  fake.addIssue('o', 'r', { number: 1, title: 'Bug' });
  fake.addPullRequest('o', 'r', { number: 2 });
});
afterAll(async () => {
  await fake.close();
});

async function call(method: string, path: string, opts: { auth?: string | null; body?: unknown; accept?: string } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const auth = opts.auth === undefined ? `token ${fake.token}` : opts.auth;
  if (auth) headers.authorization = auth;
  if (opts.accept) headers.accept = opts.accept;
  const res = await fetch(`${fake.url}${path}`, {
    method,
    headers,
    redirect: 'manual',
    ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const items = Array.isArray(json) ? (json as Record<string, unknown>[]) : [];
  return { status: res.status, headers: res.headers, text, json: (json ?? {}) as Record<string, unknown>, items };
}

describe('authentication', () => {
  it.each([
    ['no token', null],
    ['a wrong token', 'token nope'],
    ['a wrong bearer token', 'Bearer nope'],
  ])('answers 401 Bad credentials with %s', async (_what, auth) => {
    const res = await call('GET', '/repos/o/r/issues/1', { auth });
    expect(res.status).toBe(401);
    expect(res.json.message).toBe('Bad credentials');
  });

  it('accepts the token as `token X` and as `Bearer X`', async () => {
    expect((await call('GET', '/repos/o/r/issues/1')).status).toBe(200);
    expect((await call('GET', '/repos/o/r/issues/1', { auth: `Bearer ${fake.token}` })).status).toBe(200);
  });

  it('serves the API under /api/v3 as well, like GitHub Enterprise', async () => {
    const res = await call('GET', '/api/v3/repos/o/r/issues/1');
    expect(res.json.title).toBe('Bug');
  });

  it('refuses GET /user to an installation token and answers it for a personal one', async () => {
    expect((await call('GET', '/user')).json.message).toBe('Resource not accessible by integration');
    fake.addToken('ghp_x', 'pat-user');
    expect((await call('GET', '/user', { auth: 'token ghp_x' })).json.login).toBe('pat-user');
  });

  it('exchanges an App JWT for the installation token', async () => {
    expect((await call('POST', '/app/installations/1/access_tokens')).status).toBe(401);
    const res = await call('POST', '/app/installations/1/access_tokens', { auth: 'Bearer aaa.bbb.ccc' });
    expect(res.status).toBe(201);
    expect(res.json.token).toBe('ghs_fake');
    expect(Date.parse(String(res.json.expires_at))).toBeGreaterThan(Date.now());
    expect((await call('GET', '/repos/o/r/installation', { auth: 'Bearer aaa.bbb.ccc' })).json.id).toBe(1);
    expect((await call('POST', '/app/installations/99/access_tokens', { auth: 'Bearer aaa.bbb.ccc' })).status).toBe(404);
  });
});

describe('errors', () => {
  it('answers 404 Not Found for unknown things and unknown routes', async () => {
    for (const path of ['/repos/o/r/issues/99', '/repos/o/nope/issues/1', '/repos/o/r/pulls/1', '/nothing/here']) {
      const res = await call('GET', path);
      expect([path, res.status, res.json.message]).toEqual([path, 404, 'Not Found']);
    }
  });

  it('answers GitHub\'s exact 422 for a body over 65,536 characters, on create and on edit', async () => {
    const expected = {
      message: 'Validation Failed',
      errors: [{ resource: 'IssueComment', code: 'custom', field: 'body', message: 'body is too long (maximum is 65536 characters)' }],
    };
    const created = await call('POST', '/repos/o/r/issues/1/comments', { body: { body: 'a'.repeat(65_537) } });
    expect(created.status).toBe(422);
    expect(created.json).toMatchObject(expected);
    // 65,536 emoji are 131,072 UTF-16 units but 65,536 characters: accepted.
    const ok = await call('POST', '/repos/o/r/issues/1/comments', { body: { body: '🙂'.repeat(65_536) } });
    expect(ok.status).toBe(201);
    const edited = await call('PATCH', `/repos/o/r/issues/comments/${String(ok.json.id)}`, { body: { body: 'a'.repeat(70_000) } });
    expect(edited.status).toBe(422);
    expect(edited.json).toMatchObject(expected);
  });
});

describe('comments', () => {
  it('gives comments GitHub-style ids and html_urls, authored by the token\'s account', async () => {
    const res = await call('POST', '/repos/o/r/issues/1/comments', { body: { body: 'hi' } });
    expect(res.json).toMatchObject({ body: 'hi', user: { login: 'coder-agent[bot]', type: 'Bot' } });
    expect(res.json.html_url).toBe(`https://github.com/o/r/issues/1#issuecomment-${String(res.json.id)}`);
    const onPull = await call('POST', '/repos/o/r/issues/2/comments', { body: { body: 'on the PR' } });
    expect(onPull.json.html_url).toBe(`https://github.com/o/r/pull/2#issuecomment-${String(onPull.json.id)}`);
  });

  it('paginates with per_page and page and a Link header in GitHub\'s order, naming the repository by id as GitHub does', async () => {
    const issue = fake.addIssue('o', 'paged');
    for (let i = 0; i < 105; i++) fake.addComment('o', 'paged', issue.number, { body: `c${i}` });
    const path = `/repos/o/paged/issues/${issue.number}/comments`;
    const linked = `/repositories/${fake.addRepo('o', 'paged').id}/issues/${issue.number}/comments`;

    const first = await call('GET', path);
    expect(first.items).toHaveLength(30); // GitHub's default page size
    const p1 = await call('GET', `${path}?per_page=30&page=1`);
    expect(p1.headers.get('link')).toBe(
      `<${fake.url}${linked}?per_page=30&page=2>; rel="next", <${fake.url}${linked}?per_page=30&page=4>; rel="last"`,
    );
    const p2 = await call('GET', `${path}?per_page=30&page=2`);
    expect(p2.headers.get('link')).toBe(
      `<${fake.url}${linked}?per_page=30&page=1>; rel="prev", <${fake.url}${linked}?per_page=30&page=3>; rel="next", ` +
        `<${fake.url}${linked}?per_page=30&page=4>; rel="last", <${fake.url}${linked}?per_page=30&page=1>; rel="first"`,
    );
    const p4 = await call('GET', `${path}?per_page=30&page=4`);
    expect(p4.items.map((c) => c.body)).toEqual(Array.from({ length: 15 }, (_, i) => `c${90 + i}`));
    expect(p4.headers.get('link')).toBe(`<${fake.url}${linked}?per_page=30&page=3>; rel="prev", <${fake.url}${linked}?per_page=30&page=1>; rel="first"`);
    expect((await call('GET', `${path}?per_page=100`)).headers.get('link')).toBe(
      `<${fake.url}${linked}?per_page=100&page=2>; rel="next", <${fake.url}${linked}?per_page=100&page=2>; rel="last"`,
    );
    expect((await call('GET', `${path}?per_page=100&page=2`)).items).toHaveLength(5);
    expect((await call('GET', `${path}?per_page=500`)).items).toHaveLength(100);
  });

  it('refuses a reply to a reply in a review thread', async () => {
    const root = fake.addReviewComment('o', 'r', 2, { body: 'root' });
    const reply = fake.addReviewComment('o', 'r', 2, { body: 'reply', inReplyTo: root.id });
    expect((await call('POST', `/repos/o/r/pulls/2/comments/${root.id}/replies`, { body: { body: 'ok' } })).status).toBe(201);
    expect((await call('POST', `/repos/o/r/pulls/2/comments/${reply.id}/replies`, { body: { body: 'no' } })).status).toBe(422);
  });
});

describe('permissions', () => {
  it('answers write for configured writers, none for others, and keeps maintain/triage in role_name', async () => {
    expect((await call('GET', '/repos/o/r/collaborators/wendy/permission')).json).toMatchObject({ permission: 'write', role_name: 'write' });
    expect((await call('GET', '/repos/o/r/collaborators/zed/permission')).json).toMatchObject({ permission: 'none' });
    fake.setPermission('o', 'r', 'mia', 'maintain');
    fake.setPermission('o', 'r', 'tia', 'triage');
    expect((await call('GET', '/repos/o/r/collaborators/mia/permission')).json).toMatchObject({ permission: 'write', role_name: 'maintain' });
    expect((await call('GET', '/repos/o/r/collaborators/tia/permission')).json).toMatchObject({ permission: 'read', role_name: 'triage' });
  });
});

describe('repository files', () => {
  it('serves base64 content, raw content on request, and 404 when absent', async () => {
    fake.setFile('o', 'r', '.github/coder-agent.yml', 'model: gpt\n');
    const json = await call('GET', '/repos/o/r/contents/.github/coder-agent.yml');
    expect(json.json).toMatchObject({ type: 'file', encoding: 'base64', path: '.github/coder-agent.yml' });
    expect(Buffer.from(String(json.json.content), 'base64').toString()).toBe('model: gpt\n');
    // Octokit encodes the slash in {path}.
    const raw = await call('GET', '/repos/o/r/contents/.github%2Fcoder-agent.yml', { accept: 'application/vnd.github.v3.raw' });
    expect(raw.text).toBe('model: gpt\n');
    fake.setFile('o', 'r', '.github/coder-agent.yml', undefined);
    expect((await call('GET', '/repos/o/r/contents/.github/coder-agent.yml')).status).toBe(404);
  });
});

describe('attachments', () => {
  it('needs the token, and can redirect to a signed URL that does not', async () => {
    const plain = fake.addAttachment({ bytes: 'png', contentType: 'image/png' });
    expect((await call('GET', new URL(plain.url).pathname, { auth: null })).status).toBe(401);
    const ok = await call('GET', new URL(plain.url).pathname);
    expect([ok.status, ok.text, ok.headers.get('content-type')]).toEqual([200, 'png', 'image/png']);

    const signed = fake.addAttachment({ bytes: 'gif', redirect: true });
    const hop = await call('GET', new URL(signed.url).pathname);
    expect(hop.status).toBe(302);
    expect(hop.headers.get('location')).toBe(signed.signedUrl);
    const final = await fetch(signed.signedUrl);
    expect(await final.text()).toBe('gif');
    expect((await fetch(signed.signedUrl.replace(/sig=\w+/, 'sig=forged'))).status).toBe(404);
  });
});

describe('recording, faults and delays', () => {
  it('records every request with method, path, query, headers and parsed body', async () => {
    const before = fake.requests.length;
    await call('POST', '/repos/o/r/issues/1/comments?x=1', { body: { body: 'recorded' } });
    expect(fake.requests.slice(before)).toEqual([
      expect.objectContaining({
        method: 'POST',
        path: '/repos/o/r/issues/1/comments',
        query: { x: '1' },
        body: { body: 'recorded' },
        status: 201,
        headers: expect.objectContaining({ authorization: `token ${fake.token}` }) as unknown,
      }),
    ]);
  });

  it('fails the next matching requests the given number of times', async () => {
    fake.failNext({ method: 'GET', path: '/repos/o/r/issues/1' }, { status: 502 }, 2);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await call('GET', '/repos/o/r/issues/1')).status);
    expect(statuses).toEqual([502, 502, 200]);
    expect((await call('GET', '/repos/o/r/pulls/2')).status).toBe(200);
  });

  it('can fail after doing the work, like a 502 from GitHub after the write', async () => {
    const count = fake.comments('o', 'r', 1).length;
    fake.failNext({ method: 'POST', path: /\/comments$/ }, { status: 502, after: true });
    expect((await call('POST', '/repos/o/r/issues/1/comments', { body: { body: 'ghost write' } })).status).toBe(502);
    expect(fake.comments('o', 'r', 1)).toHaveLength(count + 1);
  });

  it('delays matching requests', async () => {
    fake.setDelay(300, { path: '/repos/o/r/issues/1' });
    const started = Date.now();
    await call('GET', '/repos/o/r/issues/1');
    expect(Date.now() - started).toBeGreaterThanOrEqual(295);
    const other = Date.now();
    await call('GET', '/repos/o/r/pulls/2');
    expect(Date.now() - other).toBeLessThan(250);
    fake.clearFaults();
    const again = Date.now();
    await call('GET', '/repos/o/r/issues/1');
    expect(Date.now() - again).toBeLessThan(250);
  });
});
