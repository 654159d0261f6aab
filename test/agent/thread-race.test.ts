/**
 * Issue 11, one chat per thread: which of a thread's chats a racing request
 * joins, read from the fake Coder's chat list as Coder answers it.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { CoderClient } from '../../src/coder/client.js';
import { silentLogger } from '../../src/logger.js';
import { findEarlierThreadChat } from '../../src/agent/thread-race.js';
import { threadLabels, type ThreadLabelRef } from '../../src/agent/thread-label.js';
import { FakeCoder } from '../fakes/fake-coder.js';

const TOKEN = 'coder-secret-token-0123456789';
const thread: ThreadLabelRef = { repositoryId: 1296269, number: 7 };
let coder: FakeCoder;
let client: CoderClient;

beforeEach(async () => {
  coder = await FakeCoder.start({ token: TOKEN });
  client = new CoderClient({ url: coder.url, token: TOKEN });
});
afterEach(() => coder.close());

const deps = () => ({ coder: client, logger: silentLogger });
/** A chat as Coder would list it, with its creation time set (the fake stamps "now"). */
function chat(labels: Record<string, string>, createdAt: string, opts: { archived?: boolean } = {}) {
  const c = coder.createChatDirect({ labels, archived: opts.archived });
  c.chat.created_at = createdAt;
  return c.chat;
}

describe('findEarlierThreadChat', () => {
  it('is null for the thread\'s only chat (no race)', async () => {
    const own = chat(threadLabels(thread), '2026-11-30T10:00:00.000Z');
    expect(await findEarlierThreadChat(own, thread, deps())).toBeNull();
  });

  it('names the chat created first, whichever run asks', async () => {
    const first = chat(threadLabels(thread), '2026-11-30T10:00:00.100Z');
    const second = chat(threadLabels(thread), '2026-11-30T10:00:00.400Z');
    expect((await findEarlierThreadChat(second, thread, deps()))?.chat.id).toBe(first.id);
    expect(await findEarlierThreadChat(first, thread, deps())).toBeNull();
  });

  it('breaks a tie in created_at by id, so both runs agree', async () => {
    const a = chat(threadLabels(thread), '2026-11-30T10:00:00.000Z');
    const b = chat(threadLabels(thread), '2026-11-30T10:00:00.000Z');
    const [low, high] = a.id < b.id ? [a, b] : [b, a];
    expect((await findEarlierThreadChat(high, thread, deps()))?.chat.id).toBe(low.id);
    expect(await findEarlierThreadChat(low, thread, deps())).toBeNull();
  });

  it('ignores archived chats and chats labelled for another thread or review thread', async () => {
    chat(threadLabels(thread), '2026-11-30T09:00:00.000Z', { archived: true });
    chat(threadLabels({ ...thread, number: 8 }), '2026-11-30T09:00:00.000Z');
    chat(threadLabels({ ...thread, reviewThreadRootId: 55 }), '2026-11-30T09:00:00.000Z');
    chat({ 'coder-agent-bot/thread': `gh/${thread.repositoryId}/7/extra` }, '2026-11-30T09:00:00.000Z');
    const own = chat(threadLabels(thread), '2026-11-30T10:00:00.000Z');
    expect(await findEarlierThreadChat(own, thread, deps())).toBeNull();
  });

  it('tells this request\'s own duplicate (a retried create) from another request\'s chat', async () => {
    const mine = chat({ ...threadLabels(thread), 'coder-agent-bot/request': 'delivery-1' }, '2026-11-30T10:00:00.000Z');
    const dup = chat({ ...threadLabels(thread), 'coder-agent-bot/request': 'delivery-1' }, '2026-11-30T10:00:01.000Z');
    expect(await findEarlierThreadChat(dup, thread, deps(), 'delivery-1')).toMatchObject({ chat: { id: mine.id }, sameRequest: true });
    expect(await findEarlierThreadChat(dup, thread, deps(), 'delivery-2')).toMatchObject({ chat: { id: mine.id }, sameRequest: false });
  });

  it('a chat of the thread made long before (one the thread moved away from) is not a racer', async () => {
    chat(threadLabels(thread), '2026-11-30T09:50:00.000Z');
    const recent = chat(threadLabels(thread), '2026-11-30T09:57:00.000Z');
    const own = chat(threadLabels(thread), '2026-11-30T10:00:00.000Z');
    // Ten minutes before ours: left alone; three minutes before: a racer.
    expect((await findEarlierThreadChat(own, thread, deps()))?.chat.id).toBe(recent.id);
    recent.archived = true;
    expect(await findEarlierThreadChat(own, thread, deps())).toBeNull();
  });

  it('throws when Coder cannot list: "could not check" is not "no race"', async () => {
    const own = chat(threadLabels(thread), '2026-11-30T10:00:00.000Z');
    coder.failNext({ method: 'GET', path: /\/chats$/ }, { status: 403 }, 5);
    await expect(findEarlierThreadChat(own, thread, deps())).rejects.toThrow();
  });
});
