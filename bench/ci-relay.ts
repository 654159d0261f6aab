/**
 * CI feedback cost: the GitHub requests the Action makes to relay one failed
 * workflow run (three failed jobs, the most whose logs are read) to the
 * agent's chat. Goal: at most 6 GitHub API requests. The signed-URL hops the
 * log downloads are redirected to go to blob storage, not the API, and are
 * listed apart.
 */
import { threadLabels } from '../src/agent/thread-label.js';
import { CODER_TOKEN, OWNER, REPO, runAction } from '../test/action/harness.js';
import { FakeCoder } from '../test/fakes/fake-coder.js';
import { FakeGitHub } from '../test/fakes/fake-github.js';
import { webhookExample } from '../test/helpers/webhook-examples.js';
import type { BenchRow } from './report.js';

export async function benchCiRelay(): Promise<BenchRow[]> {
  const coder = await FakeCoder.start({ token: CODER_TOKEN });
  const github = await FakeGitHub.start({ botLogin: 'github-actions[bot]', writers: ['maintainer'] });
  try {
    const repositoryId = github.addRepo(OWNER, REPO).id;
    const payload = webhookExample('workflow_run', 'completed', (p) => ((p['workflow_run'] as { pull_requests: unknown[] }).pull_requests ?? []).length > 0);
    const run = payload['workflow_run'] as { id: number; conclusion: string; pull_requests: { number: number; head: { ref: string } }[] };
    run.conclusion = 'failure';
    Object.assign(payload['repository'] as object, { id: repositoryId, name: REPO, full_name: `${OWNER}/${REPO}`, owner: { login: OWNER, id: 1, type: 'User' } });
    const pr = run.pull_requests[0] ?? { number: 2, head: { ref: 'changes' } };
    github.addPullRequest(OWNER, REPO, { number: pr.number, title: 'Agent PR', body: '', user: 'maintainer', head: { ref: pr.head.ref }, base: { ref: 'main' }, files: [] });
    const log = Array.from({ length: 5000 }, (_, i) => `2024-05-01T10:00:00.0000000Z output line ${i}`).join('\n');
    github.addWorkflowRun(OWNER, REPO, run.id, [
      { name: 'build', conclusion: 'success', log },
      ...['test (node 20)', 'test (node 22)', 'lint', 'e2e'].map((name) => ({ name, conclusion: 'failure', log })),
    ]);
    // The bot's chat for issue #1 (its thread label), which opened the pull request.
    const chat = coder.createChatDirect({ labels: threadLabels({ repositoryId, number: 1 }), messages: [{ role: 'user', text: 'fix it' }] });
    chat.chat.diff_status = { url: `https://github.com/${OWNER}/${REPO}/pull/${pr.number}`, pr_number: pr.number, head_branch: pr.head.ref };
    const before = github.requests.length;
    const result = await runAction(coder, github, { event: 'workflow_run', payload });
    if (result.outputs['status'] !== 'started') throw new Error(`the relay did not run: ${result.stdout}`);
    const requests = github.requests.slice(before).map((r) => `${r.method} ${r.path}`);
    const api = requests.filter((r) => !r.includes('/_signed/'));
    const hops = requests.length - api.length;
    console.log(`\n  GitHub requests for one CI-failure relay (4 failed jobs, logs read for 3):`);
    for (const r of requests) console.log(`    ${r}${r.includes('/_signed/') ? '   (signed log URL, not the API)' : ''}`);
    return [
      { name: 'GitHub API requests for one CI-failure relay', value: api.length, unit: 'requests', goal: '≤ 6', ok: api.length <= 6 },
      { name: 'signed log downloads (blob storage) for it', value: hops, unit: 'requests' },
    ];
  } finally {
    await coder.close();
    await github.close();
  }
}
