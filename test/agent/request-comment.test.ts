import { describe, expect, it } from '@jest/globals';
import { renderMarker } from '../../src/agent/marker.js';
import { findRequestComment, postOnce } from '../../src/agent/request-comment.js';
import type { CommentRef, Thread, ThreadComment } from '../../src/github/port.js';

const BOT = 'coder-agent[bot]';
const KEY = '7d1e1f2a-0000-4000-8000-00000000000a';
const CHAT = '3f2b8c1e-9a4d-4e7b-8c2a-1d5e6f7a8b9c';
const thread: Thread = { owner: 'acme', repo: 'shop', kind: 'issue', number: 1 };

function comment(id: number, login: string, body: string, createdAt = '2024-05-01T10:00:00Z'): ThreadComment {
  return {
    id,
    kind: 'issue',
    body,
    author: { login, type: login.endsWith('[bot]') ? 'Bot' : 'User' },
    created_at: createdAt,
    updated_at: createdAt,
    html_url: `https://github.example/acme/shop/issues/1#issuecomment-${id}`,
  };
}

/** A port that records what it was asked to write. */
function recordingPort() {
  const writes: Array<{ op: 'create' | 'update'; id?: number; body: string }> = [];
  return {
    writes,
    createComment: async (_thread: Thread, body: string): Promise<CommentRef> => {
      writes.push({ op: 'create', body });
      return { owner: 'acme', repo: 'shop', id: 99, url: 'https://github.example/new', kind: 'issue' };
    },
    updateComment: async (ref: CommentRef, body: string): Promise<void> => {
      writes.push({ op: 'update', id: ref.id, body });
    },
  };
}

describe('findRequestComment', () => {
  it('finds the bot\'s comment by the request key in its marker, chat or no chat, whatever its time', () => {
    const chatless = comment(3, 'Coder-Agent[bot]', `❌ No prompt\n\n${renderMarker({ state: 'error', request: KEY })}`, '1999-01-01T00:00:00Z');
    const comments = [comment(1, BOT, renderMarker({ chatId: CHAT, state: 'done', request: 'another-request' })), comment(2, 'alice', '/agent'), chatless];
    expect(findRequestComment(comments, KEY, BOT)).toEqual({ comment: chatless, marker: { state: 'error', request: KEY } });
    const progress = comment(4, BOT, renderMarker({ chatId: CHAT, state: 'running', request: KEY }));
    expect(findRequestComment([progress], KEY, BOT)?.marker).toEqual({ chatId: CHAT, state: 'running', request: KEY });
  });

  it('never takes a marker someone else posted, nor one for another request', () => {
    const forged = comment(1, 'mallory', `look ${renderMarker({ state: 'error', request: KEY })}`);
    const other = comment(2, BOT, renderMarker({ state: 'error', request: 'other-key' }));
    expect(findRequestComment([forged, other], KEY, BOT)).toBeUndefined();
  });

  it('finds nothing without a key (the Action and the CLI carry none)', () => {
    expect(findRequestComment([comment(1, BOT, renderMarker({ chatId: CHAT, state: 'done' }))], undefined, BOT)).toBeUndefined();
  });
});

describe('postOnce', () => {
  const body = `❌ No prompt\n\n${renderMarker({ state: 'error', request: KEY })}`;

  it('posts the comment when the request has none yet', async () => {
    const port = recordingPort();
    expect((await postOnce(port, thread, body, undefined)).id).toBe(99);
    expect(port.writes).toEqual([{ op: 'create', body }]);
  });

  it('writes nothing when an earlier attempt already posted the same comment, and returns that one', async () => {
    const port = recordingPort();
    const earlier = comment(7, BOT, body);
    const ref = await postOnce(port, thread, body, { comment: earlier, marker: { state: 'error', request: KEY } });
    expect(ref).toMatchObject({ id: 7, url: earlier.html_url });
    expect(port.writes).toEqual([]);
  });

  it('edits the earlier comment when it says something else (a progress comment becoming an error)', async () => {
    const port = recordingPort();
    const earlier = comment(7, BOT, renderMarker({ chatId: CHAT, state: 'running', request: KEY }));
    await postOnce(port, thread, body, { comment: earlier, marker: { chatId: CHAT, state: 'running', request: KEY } });
    expect(port.writes).toEqual([{ op: 'update', id: 7, body }]);
  });
});
