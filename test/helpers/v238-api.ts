/**
 * Raw HTTP and WebSocket access to a fake Coder playing the v2.38 profile,
 * for the tests that check the fake's own wire behaviour. Each suite calls
 * `v238Harness()` once at top level: it registers the afterEach cleanup.
 */
import { afterEach } from '@jest/globals';
import { WebSocket } from 'ws';
import { FakeCoder, profile, type FakeCoderOptions } from '../fakes/fake-coder.js';

export type Json = Record<string, unknown>;
const AUTH = { 'Coder-Session-Token': 'test-token', 'content-type': 'application/json' };

/** The status a `status` event carries; undefined for other events. */
export const statusOf = (e: Json): string | undefined => (e.type === 'status' ? ((e.status as Json).status as string) : undefined);

export function v238Harness(defaults: FakeCoderOptions = {}) {
  let current: FakeCoder | undefined;
  const sockets: WebSocket[] = [];
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.terminate();
    await current?.close();
    current = undefined;
  });
  const fake = (): FakeCoder => {
    if (!current) throw new Error('v238Harness: start() first');
    return current;
  };
  const start = async (opts: FakeCoderOptions = {}) => (current = await FakeCoder.start(profile('v2.38', { ...defaults, ...opts })));
  /** One request; `json` is the parsed body (undefined when empty). */
  async function api(method: string, path: string, body?: unknown) {
    const res = await fetch(fake().url + path, { method, headers: AUTH, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, json: (text ? JSON.parse(text) : undefined) as Json };
  }
  const create = (extra: Json = {}) => api('POST', '/api/v2/chats', { organization_id: fake().organizationId, content: [{ type: 'text', text: 'hi' }], ...extra });
  /** Records every text frame (each a JSON array of events) and ping of a chat's stream until `done` holds. */
  async function record(chatId: string, done: (events: Json[]) => boolean) {
    const ws = new WebSocket(fake().streamUrl(chatId, undefined, 'v2'), { headers: AUTH });
    sockets.push(ws);
    const frames: Json[][] = [];
    let pings = 0;
    ws.on('ping', () => pings++);
    await new Promise<void>((resolve, reject) => {
      ws.on('message', (data) => {
        frames.push(JSON.parse(String(data)) as Json[]);
        if (done(frames.flat())) resolve();
      });
      ws.on('error', reject);
    });
    return { frames, events: frames.flat(), pings };
  }
  return { fake, start, api, create, record };
}
