/**
 * The fake GitHub and the fake Coder of the webhook latency figure
 * (app-latency.ts), in a process and a session of their own, which the
 * bench puts below the App's level (cpu-priorities.ts). They stand in for
 * GitHub's and Coder's servers, which in production run on other machines:
 * the CPU they spend answering the App's job worker is not the App's cost.
 * In the bench's own process it competed with the App's webhook thread for
 * this machine's cores and was measured as webhook latency. This process
 * does not lower its own niceness: where Linux groups the CPU by session
 * (autogroups), a process's niceness only ranks it within its session, and
 * it is alone in its own.
 *
 * `bench/app.ts` bundles this file and runs it with plain `node`. Over IPC
 * it sends `ready` with the fakes' URLs, then answers `plan` (seed the
 * repositories and comments, write the deliveries file) and `answered`
 * (how many `/agent` threads have their final answer); it closes the fakes
 * and exits when the bench disconnects.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { FakeCoder, type AgentStep } from '../test/fakes/fake-coder.js';
import { FakeGitHub } from '../test/fakes/fake-github.js';
import { BOT, CODER_TOKEN } from '../test/app/harness.js';
import { answeredOn, seedCommentDelivery, seedRepos, type BenchRepo } from './app-fixtures.js';
import type { SenderDelivery } from './webhook-sender.js';

export interface LoadSpec {
  /** Deliveries to plan (rate × seconds). */
  total: number;
  /** Every `agentEvery`-th delivery is an `/agent` request; the rest are ordinary conversation. */
  agentEvery: number;
  installations: number;
  /** Where to write the deliveries, one JSON `SenderDelivery` a line. */
  file: string;
}

export type FakesCommand = { type: 'plan'; spec: LoadSpec } | { type: 'answered' };
export type FakesMessage = { type: 'ready'; coderUrl: string; githubUrl: string } | { type: 'planned'; total: number; agents: number } | { type: 'answered'; count: number };

/**
 * The deliveries both servers get, in order: comments spread over the
 * installations, every `agentEvery`-th an `/agent` request on a thread of
 * its own. Returns the threads of the `/agent` deliveries.
 */
function planLoad(github: FakeGitHub, spec: LoadSpec): Array<{ repo: BenchRepo; number: number }> {
  const repos = seedRepos(github, spec.installations);
  const lines: string[] = [];
  const agentThreads: Array<{ repo: BenchRepo; number: number }> = [];
  for (let i = 0; i < spec.total; i++) {
    // Round-robin over the repositories, so the warm-up reads every repository's config once
    // (and, with the shifting `/agent` slot, starts one run in every installation).
    const repo = repos[i % repos.length] as BenchRepo;
    // The `/agent` slot shifts by one each round: every repository (installation) gets its share,
    // one per issue, so concurrent jobs never share a thread.
    const agent = (i + Math.floor(i / repos.length)) % spec.agentEvery === 0;
    const number = 1 + Math.floor(i / (spec.agentEvery * repos.length));
    const body = agent ? `/agent why is checkout slow? (delivery ${i})` : `Thanks, I can reproduce it on Safari too (delivery ${i}).`;
    const { payload } = seedCommentDelivery(github, repo, number, body);
    if (agent) agentThreads.push({ repo, number });
    lines.push(JSON.stringify({ event: 'issue_comment', id: randomUUID(), body: JSON.stringify(payload) } satisfies SenderDelivery));
  }
  writeFileSync(spec.file, `${lines.join('\n')}\n`);
  return agentThreads;
}

async function main(): Promise<void> {
  if (!process.send) throw new Error('usage: node app-fakes-process.mjs (with an IPC channel)');
  const quickAnswer: AgentStep[] = [{ status: 'running' }, { text: 'Checkout waits on the ' }, { text: 'tax service; cache it.' }, { persist: true }, { status: 'waiting' }];
  const coder = await FakeCoder.start({ token: CODER_TOKEN, agent: () => quickAnswer });
  const github = await FakeGitHub.start({ writers: ['maintainer'] });
  const send = (m: FakesMessage) => process.send?.(m);
  let threads: Array<{ repo: BenchRepo; number: number }> = [];
  process.on('message', (m: FakesCommand) => {
    if (m.type === 'plan') {
      threads = planLoad(github, m.spec);
      send({ type: 'planned', total: m.spec.total, agents: threads.length });
    }
    if (m.type === 'answered') send({ type: 'answered', count: threads.filter((t) => answeredOn(github, t.repo, t.number, BOT).length > 0).length });
  });
  // The bench going away (done, or crashed) ends the fakes.
  process.on('disconnect', () => void Promise.allSettled([coder.close(), github.close()]).then(() => process.exit(0)));
  send({ type: 'ready', coderUrl: coder.url, githubUrl: github.url });
}

main().catch((err: unknown) => {
  console.error(`app-fakes-process: ${(err as Error).stack ?? String(err)}`);
  process.exit(1);
});
