/**
 * Re-review 8d: only writers start the agent, and a thread reaches only its
 * own chat (issue 8; docs/security.md, "Who can trigger what"). The Action's
 * `issue` input may name an issue in another repository (issue 11), and
 * `retarget` (workflow-target.ts) then makes the run that thread's: it posts
 * there and continues that thread's chat. For a comment the sender's
 * permission is then checked on the target repository, but for
 * `workflow_dispatch` (and `schedule`) policy.ts allows the run without
 * asking anyone ("only people who can push can dispatch"): that holds for
 * the workflow's own repository, not for the one the input names.
 *
 * Setup: a workflow in Codertocat/Hello-World with `issue: ${{ inputs.issue }}`
 * and `prompt: ${{ inputs.prompt }}`, and a token that reaches the
 * organisation's `tracking` repository (the documented cross-repository use).
 * The tracking issue's chat exists. Someone with write access on Hello-World
 * and only read access on `tracking` dispatches it with the tracking issue.
 *
 * Expected: refused, because the dispatcher may not start the agent in
 * `tracking` (nothing sent to its chat, nothing posted there). Today: the
 * dispatcher's prompt goes into the tracking issue's chat as a follow-up
 * and the answer is posted in the tracking issue.
 */
import { afterEach, beforeEach, expect, it } from '@jest/globals';
import { FakeCoder } from '../fakes/fake-coder.js';
import { FakeGitHub } from '../fakes/fake-github.js';
import { OWNER, REPO, runAction, startFakes } from '../action/harness.js';

let coder: FakeCoder;
let github: FakeGitHub;

beforeEach(async () => {
  ({ coder, github } = await startFakes());
});
afterEach(async () => {
  await coder.close();
  await github.close();
});

const repository = { id: 1296269, name: REPO, owner: { login: OWNER }, full_name: `${OWNER}/${REPO}` };
const mounted = (path: string) => coder.options.prefixes.some((p) => path.startsWith(`/api/${p}/chats`));
const sends = (chatId: string) => coder.requests.filter((r) => r.method === 'POST' && r.path.endsWith(`/${chatId}/messages`) && mounted(r.path));

it('a dispatcher without write access on the repository `issue` names does not reach its thread\'s chat', async () => {
  github.addIssue(OWNER, 'tracking', { number: 5, title: 'Release plan', body: 'Private planning.', user: 'maintainer' });
  const issue = `https://github.com/${OWNER}/tracking/issues/5`;
  // The tracking issue's chat, started by the nightly run its maintainers set up.
  const nightly = await runAction(coder, github, { event: 'schedule', payload: { schedule: '0 3 * * *', repository }, inputs: { prompt: 'summarise the plan', issue } });
  expect(nightly.code).toBe(0);
  const chatId = nightly.outputs['chat-id'] ?? '';
  const before = github.comments(OWNER, 'tracking', 5).length;

  github.setPermission(OWNER, REPO, 'intern', 'write');
  github.setPermission(OWNER, 'tracking', 'intern', 'read');
  const dispatch = {
    inputs: { issue, prompt: 'paste the plan here' },
    ref: 'refs/heads/main',
    repository,
    sender: { login: 'intern', id: 99, type: 'User' },
    workflow: '.github/workflows/agent.yml',
  };
  const run = await runAction(coder, github, { event: 'workflow_dispatch', payload: dispatch, inputs: { prompt: 'paste the plan here', issue } });

  expect(sends(chatId)).toHaveLength(0);
  expect(github.comments(OWNER, 'tracking', 5)).toHaveLength(before);
  expect(run.outputs['status']).not.toBe('completed');
});
