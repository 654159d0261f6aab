import { describe, expect, it } from '@jest/globals';
import { CoderClient } from '../src/coder/client.js';
import { maskUrl, maskUrlsIn } from '../src/url-mask.js';

describe('maskUrl: the one masking function for URLs the bot echoes', () => {
  it.each([
    ['https://admin:pw@coder.example.com/x', 'https://***@coder.example.com/x'],
    // The input: a URL that does not parse as http(s), with a password.
    ['htps://admin:pw@host', 'htps://***@host'],
    ['https://host/p?token=abc#frag', 'https://host/p?***#frag'],
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
