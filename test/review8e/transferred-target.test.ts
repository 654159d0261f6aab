/**
 * Re-review 8e: the Action's `issue` input reaches only the thread it names
 * (issue 8: "a thread reaches only its own chat"; "an Action `issue` input
 * naming another repository needs the sender's write access there").
 *
 * GitHub answers `GET /repos/{owner}/{repo}/issues/{n}` for an issue that was
 * transferred to another repository with `301 Moved Permanently` to the issue
 * in its new repository, when the token can read that one (REST docs, "Get an
 * issue": "If the issue was transferred to a repository you have access to,
 * the API returns 301"). Octokit's fetch follows it. `retarget`
 * (workflow-target.ts) then takes the moved issue's number, title and body,
 * but keeps the repository the input named: the run posts into
 * `acme/widgets#<the number in the new repository>`, an unrelated thread whose
 * chat it continues (the label is `gh/<widgets id>/17`), and that thread's
 * agent is given the private issue's title and body.
 *
 * `authorizeTarget` asks nothing, because `issue: 5` names the workflow's own
 * repository; the sender needs no access to `acme/secret-plans`.
 *
 * Setup: a token that reaches both repositories (an App or a fine-grained
 * token for the organisation, the documented cross-repository use); issue
 * acme/widgets#5 was transferred to the private acme/secret-plans, where it
 * is #17. A writer of acme/widgets (read access nowhere else) dispatches the
 * workflow with `issue: 5`.
 *
 * Expected: the run stays on acme/widgets#5 or refuses with one sentence
 * naming the input (the issue read is not in the repository the input
 * names). Today: the trigger's thread is acme/widgets#17 and its context is
 * the private issue's title and body.
 * Fix: in retarget, compare the issue read (its `repository_url`/`html_url`
 * and number) with the target, and refuse (TargetError) when they differ.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { Octokit } from '@octokit/core';
import { parseTrigger } from '../../src/agent/trigger.js';
import { retarget, TargetError } from '../../src/agent/workflow-target.js';
import { createOctokitPort } from '../../src/github/octokit-port.js';

let server: http.Server;
let base = '';

const secretIssue = {
  number: 17,
  title: 'Acquisition of Initech (private)',
  body: 'Offer: 40M. Do not share outside the board.',
  html_url: 'https://github.com/acme/secret-plans/issues/17',
  repository_url: 'https://api.github.com/repos/acme/secret-plans',
  user: { login: 'ceo', id: 7, type: 'User' },
};

beforeAll(async () => {
  // GitHub's answers for the two requests retarget makes, nothing more.
  server = http.createServer((req, res) => {
    if (req.url === '/repos/acme/widgets/issues/5') {
      res.writeHead(301, { location: `${base}/repositories/4242/issues/17`, 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'Moved Permanently', url: `${base}/repositories/4242/issues/17` }));
      return;
    }
    if (req.url === '/repositories/4242/issues/17') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(secretIssue));
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: 'Not Found' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

it('an `issue` input naming an issue that moved to another repository does not become an unrelated thread with the moved issue\'s text', async () => {
  const repository = { id: 1001, name: 'widgets', owner: { login: 'acme' }, full_name: 'acme/widgets' };
  const dispatch = parseTrigger('workflow_dispatch', {
    inputs: { issue: '5', prompt: 'summarise this issue' },
    ref: 'refs/heads/main',
    repository,
    workflow: '.github/workflows/agent.yml',
    sender: { login: 'intern', id: 99, type: 'User' },
  });
  const github = createOctokitPort(new Octokit({ auth: 'test-token', baseUrl: base }), { botLogin: 'coder-agent[bot]' });

  const outcome = await retarget(dispatch, { owner: 'acme', repo: 'widgets', number: 5 }, github).then(
    (trigger) => ({ thread: trigger.thread?.number, repository: trigger.repository, body: trigger.subject?.body }),
    (err: unknown) => ({ refused: err instanceof TargetError }),
  );
  // Either a refusal, or the thread the input named (#5 of acme/widgets) without the moved issue's text.
  if ('refused' in outcome) {
    expect(outcome.refused).toBe(true);
  } else {
    expect(outcome.repository).toEqual({ owner: 'acme', repo: 'widgets' });
    expect(outcome.thread).toBe(5);
    expect(outcome.body ?? '').not.toContain('Offer: 40M');
  }
});
