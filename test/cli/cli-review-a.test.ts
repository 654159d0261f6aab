/**
 * Review A's CLI findings (notes/review-a.md): oversized and negative values,
 * secrets in malformed input, extra arguments, a --url that is a dashboard
 * page, and the README's word on retries. In-process against the fake Coder.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { runCli, CLI_RETRY } from '../../src/cli/main.js';
import { FakeCoder } from '../fakes/fake-coder.js';

async function inProcess(argv: string[], environment: Record<string, string | undefined>) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    env: environment,
  });
  return { code, stdout, stderr };
}

let fake: FakeCoder | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});
const start = async () => (fake = await FakeCoder.start({ token: 'test-token' }));
const env = () => ({ CODER_URL: fake?.url, CODER_SESSION_TOKEN: 'test-token' });

describe('--timeout beyond what Node timers hold, and negative values', () => {
  it.each(['597h', '100000000', '2147483648ms'])('--timeout %s is refused with exit 2 naming the maximum, before any request', async (value) => {
    await start();
    const r = await inProcess(['--timeout', value, 'list'], env());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^coder-agent: The timeout can be at most 596h \(2147483647ms/);
    expect(r.stderr).toContain(`got "${value}"`);
    expect(fake!.requests.length).toBe(0);
  });

  it('the largest value (596h) is still taken and the run works', async () => {
    await start();
    const r = await inProcess(['--timeout', '596h', 'list'], env());
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('No chats.\n');
  });

  it('negative values say what is wrong, not that a value is missing', async () => {
    await start();
    const t = await inProcess(['chat', '--timeout', '-5s', 'hi'], env());
    expect(t.code).toBe(2);
    expect(t.stderr.split('\n')[0]).toBe('coder-agent: The timeout must be more than zero (got "-5s").');
    const l = await inProcess(['list', '--limit', '-1'], env());
    expect(l.code).toBe(2);
    expect(l.stderr.split('\n')[0]).toBe('coder-agent: --limit must be 1 or more (got -1).');
    const a = await inProcess(['follow', '--after-id', '-2', '00000000-0000-0000-0000-000000000000'], env());
    expect(a.code).toBe(2);
    expect(a.stderr.split('\n')[0]).toBe('coder-agent: --after-id must be 0 or more (got -2).');
  });
});

describe('a malformed --url or CODER_URL never echoes userinfo or a query', () => {
  it.each([
    ['htp://user:PASSWD123@x', 'htp://***@x'],
    ['http://u:PASSWD123@host:99999', 'http://***@host:99999'],
    ['http://u:PASSWD123@[::1', 'http://***@[::1'],
    ['https://u:PASSWD123@', 'https://***@'],
    ['u:PASSWD123@coder.example.com', '***@coder.example.com'],
    ['htp://coder.example.com/?token=PASSWD123', 'htp://coder.example.com/?***'],
  ])('%s', async (url, shown) => {
    for (const environment of [{ CODER_URL: url, CODER_SESSION_TOKEN: 't' }, { CODER_SESSION_TOKEN: 't' }]) {
      const argv = 'CODER_URL' in environment ? ['list'] : ['--url', url, 'list'];
      const r = await inProcess(argv, environment);
      expect(r.code).toBe(2);
      expect(r.stderr).not.toContain('PASSWD123');
      expect(r.stderr).toContain(`"${shown}"`);
    }
  });
});

describe('a session token that cannot go in an HTTP header', () => {
  it.each([
    ['--token', 'abc\nSECRETX1'],
    ['--token', 'abc\rSECRETX1'],
    ['--token', 'abc SECRETX1'],
    ['CODER_SESSION_TOKEN', 'abc\u0000SECRETX1'],
    ['CODER_SESSION_TOKEN', 'abcé SECRETX1'],
  ])('from %s is a usage error up front that does not echo it', async (source, token) => {
    await start();
    const argv = source === '--token' ? ['--token', token, 'list'] : ['list'];
    const environment = source === '--token' ? { CODER_URL: fake!.url } : { CODER_URL: fake!.url, CODER_SESSION_TOKEN: token };
    const r = await inProcess(argv, environment);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^coder-agent: The session token from ${source} contains a space, line break or other character that cannot go in an HTTP header`));
    expect(r.stderr).not.toContain('SECRETX1');
    expect(r.stderr).not.toMatch(/Could not reach|Retrying/);
    expect(fake!.requests.length).toBe(0);
  });
});

describe('extra positional arguments', () => {
  it.each([
    [['list', 'extra-arg'], 'coder-agent: list takes no arguments; "extra-arg" is extra.', 'list'],
    [['models', 'extra'], 'coder-agent: models takes no arguments; "extra" is extra.', 'models'],
    [['interrupt', 'a', 'b'], 'coder-agent: interrupt takes one argument; "b" is extra (quote a value that has spaces).', 'interrupt'],
    [['upload', 'a.png', 'b.png'], 'coder-agent: upload takes one argument; "b.png" is extra (quote a value that has spaces).', 'upload'],
  ])('%j is refused with exit 2 and one line', async (argv, line, cmd) => {
    await start();
    const r = await inProcess(argv, env());
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`${line}\nRun "coder-agent help ${cmd}" for usage.\n`);
    expect(r.stdout).toBe('');
    expect(fake!.requests.length).toBe(0);
  });

  it('chat and send still join the words of an unquoted prompt', async () => {
    await start();
    const r = await inProcess(['chat', '--no-wait', '--json', 'fix', 'the', 'test'], env());
    expect(r.code).toBe(0);
    const create = fake!.requests.find((q) => q.method === 'POST' && q.path === '/api/experimental/chats');
    expect(create?.body).toMatchObject({ content: [{ type: 'text', text: 'fix the test' }] });
  });
});

describe('a --url that is a page rather than the deployment root', () => {
  it.each(['/agents', '/agents/', '/some/prefix'])('%s: Coder\'s 404 comes with a hint to use the root URL', async (path) => {
    await start();
    const r = await inProcess(['list'], { ...env(), CODER_URL: `${fake!.url}${path}` });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Route not found.');
    expect(r.stderr).toContain(`use the deployment's root URL, e.g. ${fake!.url}.`);
  });

  it('the root URL gets no such hint', async () => {
    await start();
    const r = await inProcess(['follow', '00000000-0000-0000-0000-000000000000'], env());
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain('root URL');
  });
});

describe('README on retries', () => {
  it('states the retry counts the CLI uses', () => {
    const readme = readFileSync('README.md', 'utf8').replace(/\s+/g, ' ');
    const words = ['zero', 'once', 'twice', 'three times', 'four times', 'five times'];
    expect(readme).toContain(`refuses the connection (nothing listens) is retried ${words[CLI_RETRY.refusedRetries]}`);
    expect(readme).toContain(`is retried up to ${words[CLI_RETRY.retries]}`);
  });
});
