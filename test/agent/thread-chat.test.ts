import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { renderMarker } from '../../src/agent/marker.js';
import { findThreadChat } from '../../src/agent/thread-chat.js';
import { threadLabels } from '../../src/agent/thread-label.js';
import { CoderClient } from '../../src/coder/client.js';
import { wholeThread, type ThreadComment } from '../../src/github/port.js';
import { silentLogger } from '../../src/logger.js';
import { FakeCoder } from '../fakes/fake-coder.js';

const BOT = 'coder-agent[bot]';
const REPO_ID = 4711;
let fake: FakeCoder;
let coder: CoderClient;

beforeEach(async () => {
  fake = await FakeCoder.start({ token: 'test-token' });
  coder = new CoderClient({ url: fake.url, token: 'test-token' });
});
afterEach(async () => {
  await fake.close();
});

let nextId = 1;
function comment(body: string, minute: number, login = BOT): ThreadComment {
  const at = `2026-11-30T10:${String(minute).padStart(2, '0')}:00Z`;
  const id = nextId++;
  return { id, kind: 'issue', body, author: { login, type: login.endsWith('[bot]') ? 'Bot' : 'User' }, created_at: at, updated_at: at, html_url: `https://github.com/o/r/pull/2#issuecomment-${id}` };
}

describe('findThreadChat', () => {
  it('passes over a newer CI-failure notice (it names the chat of the issue the pull request came from) to the thread’s own chat', async () => {
    const own = fake.createChatDirect({ labels: threadLabels({ repositoryId: REPO_ID, number: 2 }) });
    const fromIssue = fake.createChatDirect({ labels: threadLabels({ repositoryId: REPO_ID, number: 1 }) });
    const comments = [
      comment(`Done.\n\n${renderMarker({ chatId: own.id, state: 'done' })}`, 1),
      comment(`CI failed ...\n\n${renderMarker({ chatId: fromIssue.id, state: 'running', ciRun: '77.1' })}`, 2),
    ];
    const chat = await findThreadChat(wholeThread(comments), { repositoryId: REPO_ID, number: 2 }, { coder, logger: silentLogger, botLogin: BOT });
    expect(chat?.id).toBe(own.id);
  });

  it('finds nothing when the only marker is a notice, or names another thread’s chat, or is not the bot’s', async () => {
    const fromIssue = fake.createChatDirect({ labels: threadLabels({ repositoryId: REPO_ID, number: 1 }) });
    const deps = { coder, logger: silentLogger, botLogin: BOT };
    const here = { repositoryId: REPO_ID, number: 2 };
    expect(await findThreadChat(wholeThread([comment(renderMarker({ chatId: fromIssue.id, state: 'running', ciRun: '77.1' }), 1)]), here, deps)).toBeNull();
    expect(await findThreadChat(wholeThread([comment(renderMarker({ chatId: fromIssue.id, state: 'done' }), 1)]), here, deps)).toBeNull();
    const mine = fake.createChatDirect({ labels: threadLabels(here) });
    expect(await findThreadChat(wholeThread([comment(renderMarker({ chatId: mine.id, state: 'done' }), 1, 'mallory')]), here, deps)).toBeNull();
    expect((await findThreadChat(wholeThread([comment(renderMarker({ chatId: mine.id, state: 'done' }), 1)]), here, deps))?.id).toBe(mine.id);
  });
});

describe('findThreadChat when the bot’s marker is older than the comments read (octokit-port.ts THREAD_WINDOW_PAGES)', () => {
  const here = { repositoryId: REPO_ID, number: 2 };
  const deps = () => ({ coder, logger: silentLogger, botLogin: BOT });
  const readers = () => [comment('noise', 3, 'mallory'), comment('more noise', 4, 'mallory')];
  /** A chat labelled for `labels`, created at `minute`. */
  function chatAt(minute: number, labels: Record<string, string>, archived = false) {
    const chat = fake.createChatDirect({ labels, archived });
    chat.chat.created_at = `2026-11-30T09:${String(minute).padStart(2, '0')}:00Z`;
    return chat;
  }

  it('uses the newest chat labelled for this thread, ignoring other threads’ and archived chats', async () => {
    chatAt(1, threadLabels(here));
    const newest = chatAt(5, threadLabels(here));
    chatAt(9, threadLabels({ repositoryId: REPO_ID, number: 3 }));
    chatAt(9, threadLabels(here), true);
    const chat = await findThreadChat({ comments: readers(), olderLeftOut: true }, here, deps());
    expect(chat?.id).toBe(newest.id);
  });

  it('finds the archived one when asked (reopening a thread)', async () => {
    chatAt(1, threadLabels(here));
    const archived = chatAt(2, threadLabels(here), true);
    expect((await findThreadChat({ comments: readers(), olderLeftOut: true }, here, deps(), { archived: true }))?.id).toBe(archived.id);
  });

  it('finds nothing when no chat carries the label (a chat from before thread labels), and asks Coder nothing for a thread read whole', async () => {
    fake.createChatDirect({ labels: {} });
    expect(await findThreadChat({ comments: readers(), olderLeftOut: true }, here, deps())).toBeNull();
    chatAt(1, threadLabels(here));
    const before = fake.requests.length;
    // Read whole and no marker: the thread has no chat (a deleted marker is the user moving on), labels or not.
    expect(await findThreadChat(wholeThread(readers()), here, deps())).toBeNull();
    expect(fake.requests.length).toBe(before);
  });

  it('still follows a marker among the comments read, not the label, when there is one', async () => {
    const marked = chatAt(1, threadLabels(here));
    chatAt(5, threadLabels(here));
    const comments = [comment(`Done.\n\n${renderMarker({ chatId: marked.id, state: 'done' })}`, 1), ...readers()];
    expect((await findThreadChat({ comments, olderLeftOut: true }, here, deps()))?.id).toBe(marked.id);
  });
});
