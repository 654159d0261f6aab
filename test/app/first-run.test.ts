/**
 * The App's first run, as a new user meets it: `npm start` (the built
 * lib/app/main.js in its own process), first without credentials (Probot's
 * setup page), then with only the `.env` the setup flow writes.
 */
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { FakeCoder } from '../fakes/fake-coder.js';
import { FakeGitHub } from '../fakes/fake-github.js';
import { freePort, startableAppEnv, startAppProcess, type AppProcess } from '../helpers/app-process.js';
import { waitFor } from '../helpers/wait.js';
import { BOT, CODER_TOKEN, commentDelivery, deliver, OWNER, REPO, SECRET } from './harness.js';
import type { RunningApp } from '../../src/app/server.js';

// Each test starts the App as a process; on a loaded machine that takes a while, and a slow start is not what is tested.
jest.setTimeout(120_000);

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });

let procs: AppProcess[] = [];
let fakes: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const p of procs) await p.stop();
  for (const f of fakes) await f.close();
  procs = [];
  fakes = [];
});

function launch(cwd: string, env: NodeJS.ProcessEnv): AppProcess {
  const p = startAppProcess({ cwd, env });
  procs.push(p);
  return p;
}

const tempDir = () => mkdtempSync(join(tmpdir(), 'first-run-'));

/** The HTML attribute's value as a browser reads it: entities decoded. */
function decodeEntities(text: string): string {
  return text.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))).replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** The manifest the "Register GitHub App" button posts, read out of the served page as a browser would. */
function manifestIn(html: string): Record<string, unknown> {
  const button = /<button\b[^>]*\bname="manifest"[^>]*>/.exec(html)?.[0];
  if (!button) throw new Error(`no manifest button in:\n${html}`);
  // The attribute ends at the first quote of the kind that opened it.
  const attr = /\bvalue=(?:"([^"]*)"|'([^']*)')/.exec(button);
  return JSON.parse(decodeEntities(attr?.[1] ?? attr?.[2] ?? '')) as Record<string, unknown>;
}

describe('npm start without credentials: the setup page', () => {
  it("posts a manifest that parses, with app.yml's apostrophe and the local webhook URL", async () => {
    const port = await freePort();
    const app = launch(tempDir(), { PORT: String(port), HOST: '127.0.0.1', NO_SMEE_SETUP: 'true' });
    await app.waitForOutput(/Listening on/);
    const res = await fetch(`http://127.0.0.1:${port}/probot`);
    expect(res.status).toBe(200);
    const manifest = manifestIn(await res.text());
    const appYml = parseYaml(readFileSync(new URL('../../app.yml', import.meta.url), 'utf8')) as Record<string, unknown>;
    // The description that broke Probot's attribute holds an apostrophe.
    expect(appYml['description']).toContain("'");
    expect(manifest['description']).toBe(appYml['description']);
    expect(manifest['default_permissions']).toEqual(appYml['default_permissions']);
    expect(manifest['hook_attributes']).toMatchObject({ url: `http://127.0.0.1:${port}/api/github/webhooks` });
    expect(manifest['redirect_url']).toBe(`http://127.0.0.1:${port}/probot/setup`);
  });

  it('any text stays inside the attribute: a hostile Host header, and WEBHOOK_PROXY_URL wins over app.yml', async () => {
    const port = await freePort();
    const app = launch(tempDir(), { PORT: String(port), HOST: '127.0.0.1', WEBHOOK_PROXY_URL: "https://smee.io/it's-<b>&\"x\"" });
    await app.waitForOutput(/Listening on/);
    const res = await fetch(`http://127.0.0.1:${port}/probot`, { headers: { 'x-forwarded-host': `evil' onclick='x"><script>` } });
    const html = await res.text();
    expect(html).not.toContain('<script>');
    const manifest = manifestIn(html);
    expect(manifest['hook_attributes']).toMatchObject({ url: "https://smee.io/it's-<b>&\"x\"" });
    expect(manifest['redirect_url']).toBe(`http://evil' onclick='x"><script>/probot/setup`);
  });
});

/** A JSON log line with exactly one "name" key: JSON.parse keeps the last of repeated keys, so the raw text is counted. */
function oneJsonRecord(line: string): { msg: string; name: string } {
  const record = JSON.parse(line) as { msg: string; name: string };
  expect(line.match(/"name":/g)).toHaveLength(1);
  return record;
}

describe('npm start without credentials: what the page and the log say', () => {
  it('shows the description with its code as code, and WEBHOOK_PROXY_URL without its password (the manifest keeps it for GitHub)', async () => {
    const port = await freePort();
    const proxy = 'https://relay:hunter2@proxy.example.com/channel?key=s3cret';
    const app = launch(tempDir(), { PORT: String(port), HOST: '127.0.0.1', WEBHOOK_PROXY_URL: proxy });
    await app.waitForOutput(/Listening on/);
    const html = await (await fetch(`http://127.0.0.1:${port}/probot`)).text();
    expect(manifestIn(html)['hook_attributes']).toMatchObject({ url: proxy });
    const shown = html.replace(/<button\b[^>]*>/, '<button>');
    expect(shown).toContain('Comment <code>/agent &#60;what to do&#62;</code>; the agent&#39;s answer comes back in the thread.');
    expect(shown).not.toContain('`');
    expect(shown).toContain('<code>https://***@proxy.example.com/channel?***</code>');
    expect(shown).not.toMatch(/hunter2|s3cret/);
    // The log says where webhooks will go as docs/deploy.md does, also without the password.
    expect(app.stdout()).toContain('the App will be registered with WEBHOOK_PROXY_URL (https://***@proxy.example.com/channel?***) as its webhook URL.');
    expect(app.stdout() + app.stderr()).not.toMatch(/hunter2|s3cret/);
    expect(readFileSync(new URL('../../docs/deploy.md', import.meta.url), 'utf8')).toContain('the App is registered with this URL as its webhook URL');
  });

  it('LOG_FORMAT=json: every setup line is JSON with one name, the smee.io sentence is the docs\' one', async () => {
    const port = await freePort();
    const app = launch(tempDir(), { PORT: String(port), HOST: '127.0.0.1', NO_SMEE_SETUP: 'true', LOG_FORMAT: 'json' });
    await app.waitForOutput(/Listening on/);
    const records = app.stdout().trim().split('\n').map(oneJsonRecord);
    expect(records.map((r) => r.msg)).toContain(
      "Setup: NO_SMEE_SETUP=true, so no smee.io channel is created: the App will be registered with the setup page's own address, http(s)://<host you opened>/api/github/webhooks.",
    );
    expect(readFileSync(new URL('../../docs/deploy.md', import.meta.url), 'utf8')).toContain("the App is registered with the setup page's own address, `http(s)://<host you opened>/api/github/webhooks`");
  });

  it.each<[string, Record<string, string>, string]>([
    ['LOG_FORMAT=bogus', { LOG_FORMAT: 'bogus' }, 'LOG_FORMAT must be one of json, pretty (got "bogus").'],
    ['LOG_LEVEL=bogus', { LOG_LEVEL: 'bogus' }, 'LOG_LEVEL must be one of trace, debug, info, warn, error, fatal (got "bogus").'],
    // First-user review: this was Node's RangeError text ("options.port should be…") after Probot's welcome banner.
    ['PORT=99999', { PORT: '99999' }, 'PORT must be at most 65535 (got "99999").'],
  ])('%s stops the setup flow too: exit 1, the allowed values, nothing served', async (_name, env, sentence) => {
    const app = launch(tempDir(), { PORT: String(await freePort()), HOST: '127.0.0.1', NO_SMEE_SETUP: 'true', ...env });
    expect(await app.exited).toBe(1);
    expect(app.stderr()).toContain(sentence);
    expect(app.stderr()).not.toMatch(/^\s+at /m);
    expect(app.stdout()).not.toContain('Listening on');
    expect(app.stdout() + app.stderr()).not.toMatch(/Welcome to Probot|options\.port/);
  });
});

describe('npm start with half an App: exit 1, never the setup flow', () => {
  it('APP_ID without PRIVATE_KEY names the missing key', async () => {
    const app = launch(tempDir(), { APP_ID: '1', PORT: String(await freePort()), HOST: '127.0.0.1', NO_SMEE_SETUP: 'true' });
    expect(await app.exited).toBe(1);
    expect(app.stderr()).toContain('PRIVATE_KEY (or PRIVATE_KEY_PATH) is not set');
    expect(app.stderr()).not.toMatch(/^\s+at /m);
    expect(app.stdout()).not.toMatch(/setup flow|Listening on/);
  });

  it.each([
    ['a line without =', 'APP_ID=1\nPRIVATE_KEY MIIEsecretkeytext\nWEBHOOK_SECRET=x\n', /\.env, line 2: this line is not NAME=value\.$/m],
    ['a quote never closed', 'APP_ID=1\nPRIVATE_KEY="-----BEGIN RSA PRIVATE KEY-----\nMIIEsecretkeytext\n', /\.env, line 2: the value of PRIVATE_KEY opens a quote \("\) that is never closed\.$/m],
    ['a name alone', 'APP_ID=1\nPRIVATE_KEY\n', /\.env, line 2: PRIVATE_KEY has no value \(write PRIVATE_KEY=<value>\)\.$/m],
  ])('a .env with %s: one sentence naming the line, exit 1, the line never echoed', async (_name, text, expected) => {
    const dir = tempDir();
    writeFileSync(join(dir, '.env'), text);
    const app = launch(dir, { PORT: String(await freePort()), HOST: '127.0.0.1', NO_SMEE_SETUP: 'true' });
    expect(await app.exited).toBe(1);
    expect(app.stderr()).toMatch(expected);
    expect(app.stderr().trim().split('\n')).toHaveLength(1);
    expect(app.stderr() + app.stdout()).not.toContain('MIIEsecretkeytext');
    expect(app.stdout()).not.toMatch(/setup flow|Listening on/);
  });
});

describe('npm start with only a .env file', () => {
  it('reads .env as Probot does, the environment wins, and a signed delivery is answered', async () => {
    const coder = await FakeCoder.start({ token: CODER_TOKEN });
    const github = await FakeGitHub.start({ writers: ['maintainer'] });
    fakes.push(coder, github);
    const dir = tempDir();
    const port = await freePort();
    // As Probot's setup flow writes it: the key in double quotes, over several lines.
    writeFileSync(
      join(dir, '.env'),
      [
        'APP_ID=1',
        `PRIVATE_KEY="${privateKey.trim()}"`,
        'WEBHOOK_SECRET=a-secret-the-environment-overrides',
        `CODER_URL=${coder.url}`,
        `CODER_SESSION_TOKEN=${CODER_TOKEN}`,
        `GITHUB_API_URL=${github.url}`,
        'DATABASE_URL=sqlite:./data/jobs.db',
        `PORT=${port}`,
        'HOST=127.0.0.1',
        'LOG_FORMAT=json',
      ].join('\n'),
    );
    const app = launch(dir, { WEBHOOK_SECRET: SECRET });
    await app.waitForOutput(/serving on/);
    const running = { url: `http://127.0.0.1:${port}` } as RunningApp;
    expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
    const r = await deliver(running, 'issue_comment', commentDelivery(github, '/agent hello from .env'));
    expect(r.status).toBe(200);
    await waitFor(() => github.comments(OWNER, REPO, 1).some((c) => c.user.login === BOT && c.body.includes('state=done')), 60_000);
    // The job store named in .env was created where .env said, relative to the working directory.
    expect(readFileSync(join(dir, 'data', 'jobs.db')).length).toBeGreaterThan(0);
    // LOG_FORMAT=json from .env: every line is one JSON object (pino through Probot), and one says where it serves.
    const lines = app.stdout().trim().split('\n');
    const records = lines.map((l) => JSON.parse(l) as { level: number; msg: string });
    const serving = records.filter((r) => /serving on/.test(r.msg));
    expect(serving).toHaveLength(1);
    expect(serving[0]?.msg).toContain(`127.0.0.1:${port}`);
    expect(serving[0]?.msg).toContain('store: sqlite');
    expect(serving[0]?.msg).toContain(`Coder: ${new URL(coder.url).host}`);
    for (const secret of [CODER_TOKEN, SECRET, 'a-secret-the-environment-overrides']) expect(app.stdout() + app.stderr()).not.toContain(secret);
  });
});

describe('start-up logging and messages', () => {
  const KEY_ENV = () => startableAppEnv(privateKey, { webhookSecret: SECRET, coderToken: CODER_TOKEN });

  it('LOG_LEVEL=warn hides the info lines; the App still serves', async () => {
    const port = await freePort();
    const app = launch(tempDir(), { ...KEY_ENV(), PORT: String(port), LOG_LEVEL: 'warn', LOG_FORMAT: 'json' });
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status, () => 0)) === 200, 60_000);
    expect(app.stdout()).not.toContain('serving on');
  });

  it('LOG_LEVEL defaults to info, pretty when LOG_FORMAT is unset', async () => {
    const port = await freePort();
    const app = launch(tempDir(), { ...KEY_ENV(), PORT: String(port) });
    await app.waitForOutput(/serving on/);
    const line = app.stdout().split('\n').find((l) => l.includes('serving on')) ?? '';
    expect(line).toMatch(/INFO/);
    expect(() => JSON.parse(line) as unknown).toThrow();
  });

  it('one bad webhook signature is one log line: delivery, event, reason, never the payload', async () => {
    const port = await freePort();
    const app = launch(tempDir(), { ...KEY_ENV(), PORT: String(port), LOG_FORMAT: 'json' });
    await app.waitForOutput(/serving on/);
    const before = (app.stdout() + app.stderr()).trim().split('\n').length;
    const body = JSON.stringify({ action: 'created', comment: { body: 'SECRET-PAYLOAD-TEXT' } });
    const res = await fetch(`http://127.0.0.1:${port}/api/github/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'issue_comment', 'x-github-delivery': 'bad-sig-delivery', 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` },
      body,
    });
    expect(res.status).toBe(400);
    await app.waitForOutput(/bad-sig-delivery/);
    await new Promise((r) => setTimeout(r, 300));
    const added = (app.stdout() + app.stderr()).trim().split('\n').slice(before);
    expect(added).toHaveLength(1);
    const record = JSON.parse(added[0] ?? '') as { msg: string; delivery: string; event: string };
    expect(record).toMatchObject({ delivery: 'bad-sig-delivery', event: 'issue_comment' });
    expect(record.msg).toContain('signature does not match');
    expect(added[0]).not.toContain('SECRET-PAYLOAD-TEXT');
  });

  it('LOG_FORMAT=json: every line JSON with one name, SIGTERM included; WEBHOOK_PROXY_URL is said as docs/deploy.md says it', async () => {
    const port = await freePort();
    const app = launch(tempDir(), { ...KEY_ENV(), PORT: String(port), LOG_FORMAT: 'json', WEBHOOK_PROXY_URL: 'https://relay:hunter2@smee.io/chan' });
    await app.waitForOutput(/serving on/);
    await app.stop();
    expect(app.stderr()).toBe('');
    const records = app.stdout().trim().split('\n').map(oneJsonRecord);
    expect(records.map((r) => r.msg)).toContain('SIGTERM: finishing up; running chats will be resumed at the next start.');
    const proxyLine = records.find((r) => r.msg.startsWith('WEBHOOK_PROXY_URL is set'))?.msg ?? '';
    expect(proxyLine).toContain('(https://***@smee.io/chan)');
    expect(app.stdout()).not.toContain('hunter2');
    // The command it prints is the docs' command, for this App's port.
    const command = /`(npx smee-client [^`]+)`/.exec(proxyLine)?.[1] ?? '';
    expect(command).toBe(`npx smee-client --url $WEBHOOK_PROXY_URL --target http://localhost:${port}/api/github/webhooks`);
    const docs = readFileSync(new URL('../../docs/deploy.md', import.meta.url), 'utf8');
    expect(docs).toContain(command.replace(`:${port}/`, ':3000/'));
    expect(docs).toContain('the App does not read from it');
  });

  it('a SIGTERM while the App starts (store open, not yet serving) is a clean stop: the line, exit 0, and the next start is not blocked', async () => {
    const cwd = tempDir();
    const port = await freePort();
    const env = { ...KEY_ENV(), PORT: String(port), LOG_FORMAT: 'json' as const };
    const app = launch(cwd, env);
    // The store's file appears when it is opened; the App then starts Probot and its worker before it serves.
    await waitFor(() => existsSync(join(cwd, 'data', 'jobs.db')), 60_000);
    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
    expect(app.stderr()).toBe('');
    const msgs = app.stdout().trim().split('\n').map(oneJsonRecord).map((r) => r.msg);
    expect(msgs).toContain('SIGTERM: finishing up; running chats will be resumed at the next start.');
    const again = launch(cwd, env);
    await again.waitForOutput(/serving on/, 60_000);
  });

  const badStarts: [string, Record<string, string>, RegExp][] = [
    ['APP_ID=abc', { APP_ID: 'abc' }, /^ {2}- APP_ID must be the App's numeric id, e\.g\. 123456 \(got "abc"\)\.$/m],
    ['an unreadable PRIVATE_KEY_PATH', { PRIVATE_KEY: '', PRIVATE_KEY_PATH: '/nonexistent/app.pem' }, /PRIVATE_KEY_PATH points to \/nonexistent\/app\.pem, which does not exist\./],
    ['DATABASE_URL inside a file', { DATABASE_URL: 'sqlite:./a-file/jobs.db' }, /DATABASE_URL names the SQLite file .*a-file\/jobs\.db, which cannot be opened: .*a-file is a file/],
    ['a mysql:// DATABASE_URL', { DATABASE_URL: 'mysql://root:hunter2@db/bot' }, /DATABASE_URL has the unsupported scheme `mysql:`\. Use `sqlite:<file path>` \(e\.g\. `[^`]+`\) or `postgres:\/\/…`\.$/m],
    ['PORT=99999', { PORT: '99999' }, /PORT must be at most 65535 \(got "99999"\)/],
    ['a malformed CODER_URL with a password', { CODER_URL: 'htps://admin:pw@host' }, /CODER_URL must be an http\(s\) URL \(got "htps:\/\/\*\*\*@host"\)/],
    ['LOG_LEVEL=loud', { LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of trace, debug, info, warn, error, fatal \(got "loud"\)/],
    ['LOG_FORMAT=bogus', { LOG_FORMAT: 'bogus' }, /LOG_FORMAT must be one of json, pretty \(got "bogus"\)/],
  ];

  it.each(badStarts)('%s: one line per problem, exit 1, no stack trace, no secret', async (_name, env, expected) => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a-file'), 'not a directory');
    const app = launch(dir, { ...KEY_ENV(), PORT: String(await freePort()), ...env });
    expect(await app.exited).toBe(1);
    const err = app.stderr();
    expect(err).toMatch(expected);
    expect(err).not.toMatch(/^\s+at /m);
    expect(err).not.toContain('BEGIN RSA PRIVATE KEY');
    for (const secret of ['hunter2', ':pw@', CODER_TOKEN, SECRET]) expect(err).not.toContain(secret);
    // Only the problem named: a key path that cannot be read is not also "PRIVATE_KEY is not set".
    expect(err).not.toContain('is not set');
    expect(err.trim().split('\n').length).toBeLessThanOrEqual(2);
  });
});
