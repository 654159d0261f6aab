/**
 * The Action reads the GitHub host it serves from GITHUB_SERVER_URL once,
 * in connectGitHub, before any request: chats' thread labels name it
 * (thread-label.ts) and images are fetched from it. A value that is not a
 * URL is an input error that does not echo it (it may hold credentials).
 */
import { describe, expect, it } from '@jest/globals';
import { connectGitHub } from '../../src/action/clients.js';
import { InputError, type ActionInputs } from '../../src/action/inputs.js';
import { recordingLogger } from '../github/support.js';

const inputs: ActionInputs = {
  coderUrl: 'http://127.0.0.1:9',
  coderToken: 'unused',
  githubToken: 'ghs_unused',
  botLogin: 'coder-agent[bot]',
  agent: { triggerPhrase: '/agent', allowedBots: [], timeoutMs: 60_000, wait: true, comment: true },
};
// Port 9 (discard) has no server here: a request made before the check would fail with a connection error instead.
const env = (serverUrl: string) => ({ GITHUB_API_URL: 'http://127.0.0.1:9', GITHUB_SERVER_URL: serverUrl });

describe('GITHUB_SERVER_URL in the Action', () => {
  it('names an Enterprise host, lower case, default port dropped; github.com is null', async () => {
    expect((await connectGitHub(inputs, env('https://GHE.example.com:443'), recordingLogger(), false)).githubHost).toBe('ghe.example.com');
    expect((await connectGitHub(inputs, env('https://github.com'), recordingLogger(), false)).githubHost).toBeNull();
  });

  it('refuses a value that is not a URL before any request, with a sentence that does not echo it', async () => {
    const failure = connectGitHub({ ...inputs, botLogin: undefined }, env('https://admin:s3cret@'), recordingLogger(), true);
    await expect(failure).rejects.toThrow(InputError);
    await expect(failure).rejects.toThrow(/^GITHUB_SERVER_URL is not a URL/);
    await expect(failure).rejects.not.toThrow(/s3cret/);
  });
});
