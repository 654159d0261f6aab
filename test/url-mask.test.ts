import { describe, expect, it } from '@jest/globals';
import { CoderClient } from '../src/coder/client.js';
import { maskUrl, maskUrlsIn } from '../src/url-mask.js';
import { growthRatio } from './helpers/growth.js';

describe('maskUrl: the one masking function for URLs the bot echoes', () => {
  it.each([
    ['https://admin:pw@coder.example.com/x', 'https://***@coder.example.com/x'],
    // The input: a URL that does not parse as http(s), with a password.
    ['htps://admin:pw@host', 'htps://***@host'],
    ['https://host/p?token=abc#frag', 'https://host/p?***#frag'],
    // Review of issue 8: a password holding a delimiter, scheme-relative URLs, fragments with values.
    ['https://admin:pa#ss@host', 'https://***@host'],
    ['https://admin:pa/ss@host', 'https://***@host'],
    ['https://admin:pa?ss@host/p', 'https://***@host/p'],
    ['https://admin:p@ss/w@host/x', 'https://***@host/x'],
    ['htps://admin:pa#ss@host', 'htps://***@host'],
    ['//admin:pw@host/p', '//***@host/p'],
    ['https://host/cb#access_token=abc&state=x', 'https://host/cb#***'],
    ['https://github.com/o/r/issues/1#issuecomment-1', 'https://github.com/o/r/issues/1#issuecomment-1'],
    ['https://u@host:8443/a?b=c', 'https://***@host:8443/a?***'],
    ['postgres://bot:s3cret@db:5432/jobs?sslmode=require', 'postgres://***@db:5432/jobs?***'],
    ['admin:pw@host/path', '***@host/path'],
    ['https://coder.example.com', 'https://coder.example.com'],
    ['https://host/users/@me', 'https://host/users/@me'],
  ])('%s → %s', (raw, masked) => {
    expect(maskUrl(raw)).toBe(masked);
  });

  it('masks every URL inside a message', () => {
    expect(maskUrlsIn('Could not reach https://a:b@x.example/p?jwt=t nor ftp://c:d@y.example.')).toBe('Could not reach https://***@x.example/p?*** nor ftp://***@y.example.');
  });

  it('masks scheme-relative URLs and credential-named values left outside any URL', () => {
    expect(maskUrlsIn('see //admin:pw@host/x, then token=abc&access_token=def; api_key=k (page=2)')).toBe('see //***@host/x, then token=***&access_token=***; api_key=*** (page=2)');
  });

  it('no password in the review\'s inputs survives, whatever characters it holds', () => {
    for (const password of ['pa#ss', 'pa/ss', 'pa?ss', 'p@ss', 'p:ss', 'pa ss'.replace(' ', '%20')]) {
      for (const url of [`https://admin:${password}@host/x`, `htps://admin:${password}@host`, `//admin:${password}@host`]) {
        expect(maskUrl(url)).not.toContain(password);
        expect(maskUrlsIn(`Could not reach ${url}.`)).not.toContain(password);
      }
    }
  });

  // review-sec finding 11: free text ended the URL at these characters, before the `@`.
  it.each([
    ['connect to https://admin:pa)ss@coder.example.com failed', 'pa)ss', 'connect to https://***@coder.example.com failed'],
    ["connect to https://admin:it's@coder.example.com failed", "it's", 'connect to https://***@coder.example.com failed'],
    ['connect to postgres://app:se]cret@db.internal/app failed', 'se]cret', 'connect to postgres://***@db.internal/app failed'],
  ])('masks a password holding a character that ends URLs in prose: %s', (text, password, masked) => {
    expect(maskUrlsIn(text)).not.toContain(password);
    expect(maskUrlsIn(text)).toBe(masked);
  });

  it("still ends a URL at ')' or ']' when no userinfo follows", () => {
    expect(maskUrlsIn('(see https://x.example/p?token=t) and [https://y.example/q]')).toBe('(see https://x.example/p?***) and [https://y.example/q]');
  });

  it('a Coder URL that does not parse is reported without its password', () => {
    let message = '';
    try {
      new CoderClient({ url: 'http://admin:hunter2@ho st', token: 't' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('is not a valid URL');
    expect(message).toContain('***@ho st');
    expect(message).not.toContain('hunter2');
  });
});

// Issue 8 (sec-trust): WHATWG URL parsing reads backslashes, single slashes, no slashes (special
// schemes), tabs and newlines as an authority's start, so the userinfo there is a password too.
describe('maskUrl and maskUrlsIn: userinfo however a URL parser would read it', () => {
  it.each([
    ['https:/\\u:secret@h', 'https:/\\***@h'],
    ['https:\\\\u:secret@h/p', 'https:\\\\***@h/p'],
    ['HTTPS:\\/u:secret@h', 'HTTPS:\\/***@h'],
    ['https:///u:secret@h', 'https:///***@h'],
    ['https:/u:secret@h', 'https:/***@h'],
    ['https:u:secret@h', 'https:***@h'],
    ['ht\ttps://u:se\ncret@h/p', 'https://***@h/p'],
    ['\n https://u:secret@h', 'https://***@h'],
  ])('%j → %j', (raw, masked) => {
    expect(new URL(raw).password).toBe('secret');
    expect(maskUrl(raw)).toBe(masked);
    // In free text a URL ends at whitespace (maskUrlsIn's docstring): only the ones without any are read whole.
    if (!/\s/.test(raw)) expect(maskUrlsIn(`Could not reach ${raw}.`)).not.toContain('secret');
  });

  it('masks userinfo in free text that no URL pattern found (a quote ended the URL, or there is no scheme)', () => {
    expect(maskUrlsIn('connect to https://u:se"cret@h failed')).toBe('connect to https://***@h failed');
    expect(maskUrlsIn('connect to admin:secret@db.internal failed')).toBe('connect to ***@db.internal failed');
    expect(maskUrlsIn('at 10:30 @bob said git@github.com:o/r is fine')).toBe('at 10:30 @bob said git@github.com:o/r is fine');
  });

  const SECRET = 'S3CR3T';
  /** What a reader could still take the secret from: the text itself, without tabs and newlines, percent-decoded. */
  const readable = (text: string): string => text.replace(/[\t\n\r]/g, '').replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

  /** A seeded generator of `<lead><scheme:><slashes><user>:<password with the secret>@<host><suffix>` (xorshift32: the same inputs on every run). */
  function generator(seed: number, opts: { spaces: boolean }) {
    const next = (n: number): number => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    const pick = <T>(xs: readonly T[]): T => xs[next(xs.length)] as T;
    const run = (alphabet: readonly string[], max: number) => Array.from({ length: next(max + 1) }, () => pick(alphabet)).join('');
    const space = opts.spaces ? ['\t', '\n', ' '] : [];
    const leads = opts.spaces ? ['', '', ' ', '\t', '\n', '\u0000', ' \n'] : [''];
    const schemes = ['https:', 'http:', 'HTTPS:', 'ws:', 'wss:', 'ftp:', 'file:', 'htps:', 'postgres:', 'git+ssh:', 'HtTpS:', ''].concat(opts.spaces ? ['ht\ttps:', 'https\n:'] : []);
    const slashes = ['//', '/\\', '\\/', '\\\\', '/', '\\', '', '///', '\\\\\\', '//\\'].concat(opts.spaces ? ['/\t/', '\n//', '\\\t\\'] : []);
    const userChars = ['a', 'B', '0', '.', '_', '~', '-', '!', '$', '&', "'", '(', ')', '*', '+', ',', ';', '=', '%41'];
    const passwordChars = [...userChars, '/', '?', '#', '@', ':', '\\', '[', ']', '"', '<', '>', '`', '{', '}', '|', '^', '%2F', '%40', '%', ...space];
    const secrets = [SECRET, 'S3%43R3T', `S3${opts.spaces ? '\t' : ''}CR3T`];
    const hosts = ['h', 'host.example', 'coder.example.com', '[::1]', '127.0.0.1', 'h:8443', 'xn--bcher-kva.example', 'h_x'].concat(opts.spaces ? ['ho st'] : []);
    const suffixes = ['', '/', '/p', '/p?token=x', '#frag', '\\p', '/users/@me', '?a=b#c', '/a:b@c', '#x@y'];
    return (): string => {
      const password = `${run(passwordChars, 4)}${pick(secrets)}${run(passwordChars, 4)}`;
      return `${pick(leads)}${pick(schemes)}${pick(slashes)}${run(userChars, 4)}:${password}@${pick(hosts)}${pick(suffixes)}`;
    };
  }

  it('no generated user:password@ input keeps its password through maskUrl, parsed or not (deterministic seed)', () => {
    const next = generator(0x2545f491, { spaces: true });
    let parsedWithPassword = 0;
    for (let round = 0; round < 5000; round++) {
      const raw = next();
      try {
        if (new URL(raw).password) parsedWithPassword++;
      } catch {
        // Failed to parse: the text reading alone must mask it.
      }
      const masked = maskUrl(raw);
      if (readable(masked).includes(SECRET)) throw new Error(`${JSON.stringify(raw)} → ${JSON.stringify(masked)} keeps the secret`);
    }
    // The generator reaches both kinds: parser-read passwords and strings that do not parse.
    expect(parsedWithPassword).toBeGreaterThan(500);
    expect(parsedWithPassword).toBeLessThan(4500);
  });

  it('no generated user:password@ input keeps its password through maskUrlsIn, inside prose (deterministic seed)', () => {
    const next = generator(0x1b873593, { spaces: false });
    for (let round = 0; round < 5000; round++) {
      const raw = next();
      const masked = maskUrlsIn(`Could not reach (${raw}), retrying. `);
      if (readable(masked).includes(SECRET)) throw new Error(`${JSON.stringify(raw)} → ${JSON.stringify(masked)} keeps the secret`);
    }
  });

  it('masking stays linear on long runs of slashes, colons and at-signs', () => {
    const pieces = ['\\', '/', ':', '@', ':@', 'a:', '/\\', 'https:/'];
    // Four passes per measurement so that a quarter megabyte takes long enough to measure; the large input
    // stays at 2 MB, since V8's regular expressions overflow the stack on a single 8 MB run without whitespace.
    const mask = (text: string) => {
      for (let pass = 0; pass < 4; pass++) {
        maskUrl(text);
        maskUrlsIn(text);
      }
    };
    // 8× the input: linear work grows about 8×, a rescan from each character about 64×.
    const ratios = pieces.map((piece) => [piece, growthRatio((count) => piece.repeat(count), mask, Math.ceil(250_000 / piece.length))] as const);
    expect(ratios.filter(([, ratio]) => ratio >= 24)).toEqual([]);
  });
});
