/**
 * What the chaos tests share (chaos.test.ts drives job-worker processes over
 * the store; chaos-http.test.ts drives whole App processes over HTTP): the
 * agent that echoes each request's task, the seeded threads and their
 * `issue_comment` deliveries, the faults the fakes inject, and the one
 * summary of everything that came out wrong.
 */
import { randomUUID } from 'node:crypto';
import type { JobStore } from '../../src/app/store/job-store.js';
import type { FakeCoder } from '../fakes/fake-coder.js';
import type { AgentStep, AgentTurn } from '../fakes/fake-coder/types.js';
import type { FakeGitHub } from '../fakes/fake-github.js';
import { webhookExample } from '../helpers/webhook-examples.js';
import { BOT } from './harness.js';

/** Many installations: GitHub's write budget spaces one installation's writes a second apart. */
export const CHAOS_INSTALLATIONS = 100;

/** The fake agent's script: it answers `Echo: task #<n>` for the prompt that names task #n. */
export const echoTask = ({ prompt }: AgentTurn): AgentStep[] => [{ status: 'running' }, { text: `Echo: ${/task #\d+/.exec(prompt)?.[0] ?? 'none'}` }, { persist: true }, { status: 'waiting' }];

export interface ChaosTrigger {
  n: number;
  deliveryId: string;
  owner: string;
  number: number;
  installationId: number;
  commentId: number;
  payload: Record<string, unknown>;
}

/**
 * Trigger `n`: `/agent do task #n` by `maintainer` (a writer), in issue
 * `1 + n / CHAOS_INSTALLATIONS` of `org-<n mod CHAOS_INSTALLATIONS>/service`,
 * seeded in the fake GitHub; its payload is a real `issue_comment.created`
 * example re-pointed at that comment.
 */
export function seedChaosTrigger(github: FakeGitHub, n: number): ChaosTrigger {
  const k = n % CHAOS_INSTALLATIONS;
  const owner = `org-${k}`;
  const installationId = 9000 + k;
  // GitHub gives every repository its own id (the thread labels name it): never the example payload's one for all.
  const repositoryId = github.addRepo(owner, 'service', { installationId }).id;
  const number = 1 + Math.floor(n / CHAOS_INSTALLATIONS);
  const issue = github.addIssue(owner, 'service', { number, title: `Issue ${number}`, body: 'Broken.', user: 'reporter' });
  const body = `/agent do task #${n}`;
  const comment = github.addComment(owner, 'service', number, { body, user: 'maintainer' });
  const payload = webhookExample('issue_comment', 'created');
  const p = payload as Record<string, Record<string, unknown>>;
  Object.assign(p['comment'] ?? {}, { id: comment.id, body, created_at: comment.created_at, updated_at: comment.updated_at, user: { login: 'maintainer', id: 7, type: 'User' } });
  Object.assign(p['issue'] ?? {}, { number, title: issue.title, body: issue.body, user: { login: 'reporter', id: 8, type: 'User' } });
  Object.assign(p['repository'] ?? {}, { id: repositoryId, name: 'service', full_name: `${owner}/service`, owner: { login: owner, id: 1, type: 'Organization' } });
  payload['sender'] = { login: 'maintainer', id: 7, type: 'User' };
  payload['installation'] = { id: installationId, node_id: 'x' };
  return { n, deliveryId: randomUUID(), owner, number, installationId, commentId: comment.id, payload };
}

/**
 * The issue's faults (issue 10, "Chaos test"): Coder answers 502s to chat
 * creation, drops the connection of message requests and cuts streams;
 * GitHub answers 502s to new comments and secondary rate limits (403 with
 * retry-after) to edits. Each a fixed number of times, spread over the run
 * by whoever asks first.
 */
export function injectChaosFaults(coder: FakeCoder, github: FakeGitHub, times = 15): void {
  coder.failNext({ method: 'POST', path: /\/chats$/ }, { status: 502, rawBody: '<html>502 Bad Gateway</html>', contentType: 'text/html' }, times);
  coder.destroyNextRequest({ path: /\/messages/ }, times);
  coder.dropStreamsAfterFrames(2, Math.round(times * 1.3));
  github.failNext({ method: 'POST', path: /\/comments$/ }, { status: 502, body: { message: 'Server Error' } }, times);
  github.failNext({ method: 'PATCH', path: /\/comments\// }, { status: 403, headers: { 'retry-after': '1' }, body: { message: 'You have exceeded a secondary rate limit.' } }, times);
}

/**
 * One line per trigger that did not end as it must: exactly one prompt sent
 * to Coder naming its task, and exactly one bot comment in its thread, the
 * finished answer (`Echo: task #n`, marker `state=done`). Empty when all is well.
 */
export async function wrongAnswers(triggers: readonly ChaosTrigger[], coder: FakeCoder, github: FakeGitHub, store: JobStore): Promise<string[]> {
  const userMessages = [...coder.chats.values()].flatMap((chat) => chat.messages.filter((m) => m.role === 'user'));
  const wrong: string[] = [];
  for (const t of triggers) {
    const ownTask = new RegExp(`task #${t.n}(?!\\d)`);
    const prompts = userMessages.filter((m) => ownTask.test(JSON.stringify(m.content))).length;
    const answers = github.comments(t.owner, 'service', t.number).filter((c) => c.user.login === BOT);
    const good = answers.length === 1 && new RegExp(`Echo: task #${t.n}(?!\\d)`).test(answers[0]?.body ?? '') && answers[0]?.body.includes('state=done');
    if (prompts !== 1 || !good) {
      const job = await store.get(t.deliveryId);
      wrong.push(`#${t.n}: ${prompts} prompts, ${answers.length} bot comments (${answers.map((c) => /state=\w+/.exec(c.body)?.[0] ?? 'no marker').join(', ')}), job ${job?.state} after ${job?.attempts} attempts${job?.error ? `: ${job.error}` : ''}`);
    }
  }
  return wrong;
}
