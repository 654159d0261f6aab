import { describe, expect, it } from '@jest/globals';
import { CoderClient } from '../src/coder/client.js';
import { maskUrl, maskUrlsIn } from '../src/url-mask.js';

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
