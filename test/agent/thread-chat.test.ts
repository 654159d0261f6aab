import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { renderMarker } from '../../src/agent/marker.js';
import { findThreadChat } from '../../src/agent/thread-chat.js';
import { threadLabels } from '../../src/agent/thread-label.js';
import { CoderClient } from '../../src/coder/client.js';
import type { ThreadComment } from '../../src/github/port.js';
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
    const chat = await findThreadChat(comments, { repositoryId: REPO_ID, number: 2 }, { coder, logger: silentLogger, botLogin: BOT });
    expect(chat?.id).toBe(own.id);
  });

  it('finds nothing when the only marker is a notice, or names another thread’s chat, or is not the bot’s', async () => {
    const fromIssue = fake.createChatDirect({ labels: threadLabels({ repositoryId: REPO_ID, number: 1 }) });
    const deps = { coder, logger: silentLogger, botLogin: BOT };
    const here = { repositoryId: REPO_ID, number: 2 };
    expect(await findThreadChat([comment(renderMarker({ chatId: fromIssue.id, state: 'running', ciRun: '77.1' }), 1)], here, deps)).toBeNull();
    expect(await findThreadChat([comment(renderMarker({ chatId: fromIssue.id, state: 'done' }), 1)], here, deps)).toBeNull();
    const mine = fake.createChatDirect({ labels: threadLabels(here) });
    expect(await findThreadChat([comment(renderMarker({ chatId: mine.id, state: 'done' }), 1, 'mallory')], here, deps)).toBeNull();
    expect((await findThreadChat([comment(renderMarker({ chatId: mine.id, state: 'done' }), 1)], here, deps))?.id).toBe(mine.id);
  });
});
