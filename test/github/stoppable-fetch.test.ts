/**
 * stoppableFetch (src/github/octokit-abort.ts): the App's Octokits' fetch,
 * whose requests all end when the App stops, without joining each request's
 * signal to a long-lived one (AbortSignal.any leaks there in Node 20).
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { octokitAbortError, stoppableFetch } from '../../src/github/octokit-abort.js';
import { waitFor } from '../helpers/wait.js';

describe('stoppableFetch', () => {
  let server: Server;
  let url: string;
  let arrived: string[];

  beforeEach(async () => {
    arrived = [];
    // Answers /quick at once and never answers anything else.
    server = createServer((req, res) => {
      arrived.push(req.url ?? '');
      if (req.url === '/quick') res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('ends a request in flight with the reason given to stop, and one made later before it is sent', async () => {
    const { fetch, stop } = stoppableFetch();
    const hanging = fetch(`${url}/never`);
    await waitFor(() => arrived.includes('/never'));
    stop(octokitAbortError());
    await expect(hanging).rejects.toMatchObject({ name: 'AbortError' });
    await expect(fetch(`${url}/later`)).rejects.toMatchObject({ name: 'AbortError' });
    expect(arrived).not.toContain('/later');
  });

  it("lets the request's own signal end it, and answers a request nothing ends", async () => {
    const { fetch } = stoppableFetch();
    expect(await (await fetch(`${url}/quick`)).text()).toBe('ok');
    const caller = new AbortController();
    const hanging = fetch(`${url}/never`, { signal: caller.signal });
    await waitFor(() => arrived.includes('/never'));
    caller.abort(octokitAbortError());
    await expect(hanging).rejects.toMatchObject({ name: 'AbortError' });
    const aborted = new AbortController();
    aborted.abort(octokitAbortError());
    await expect(fetch(`${url}/gone`, { signal: aborted.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(arrived).not.toContain('/gone');
  });
});

