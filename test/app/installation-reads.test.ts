/**
 * The first config reads of many installations at once, through the App's
 * own Probot Octokit (probot.ts) against the fake GitHub: each installation's
 * token request and contents request must be in flight together, not queued
 * behind one another in a process-wide limiter (plugin-throttling keys its
 * limiters by `throttle.id`; one id for all would cap the process at one
 * token request and ten requests at a time).
 */
import { afterEach, beforeEach, expect, it } from '@jest/globals';
import { botLoginOf, createProbot, installationPorts } from '../../src/app/probot.js';
import { RepoConfigCache } from '../../src/app/repo-config.js';
import { FakeGitHub } from '../fakes/fake-github.js';
import { waitFor } from '../helpers/wait.js';
import { appSettings } from './harness.js';

/** More than plugin-throttling's global limiter lets through at once (10). */
const INSTALLATIONS = 24;

let github: FakeGitHub;
beforeEach(async () => {
  github = await FakeGitHub.start();
});
afterEach(async () => {
  await github.close();
});

it('reads the configs of new installations concurrently: token and contents requests all in flight together', async () => {
  for (let k = 0; k < INSTALLATIONS; k++) github.addRepo(`org-${k}`, 'service', { installationId: 7000 + k });
  const { probot, logger } = await createProbot(appSettings({ url: 'http://127.0.0.1:1' }, github, { logLevel: 'fatal' }));
  const portFor = installationPorts(probot, { logger, botLogin: botLoginOf(probot, 'coder-agent[bot]') });
  // The fake holds requests for as long as the test needs: no read may give up meanwhile.
  const configs = new RepoConfigCache({ readTimeoutMs: 120_000 });
  const tokens = github.hold({ method: 'POST', path: /\/access_tokens$/ });
  const contents = github.hold({ method: 'GET', path: /\/contents\// });
  const pending = (path: RegExp) => github.requestsTo({ path }).filter((r) => r.status === 0).length;

  const reads = Array.from({ length: INSTALLATIONS }, async (_, k) => configs.get(await portFor(7000 + k), `org-${k}`, 'service', logger));
  // Held at the fake, every installation's token request arrives before any is answered.
  await waitFor(() => pending(/\/access_tokens$/) === INSTALLATIONS, 20_000).catch(() => undefined);
  expect(pending(/\/access_tokens$/)).toBe(INSTALLATIONS);
  tokens.release();
  await waitFor(() => pending(/\/contents\//) === INSTALLATIONS, 20_000).catch(() => undefined);
  expect(pending(/\/contents\//)).toBe(INSTALLATIONS);
  contents.release();
  // No file in any of them: each gets the defaults, read once.
  expect(await Promise.all(reads)).toEqual(Array.from({ length: INSTALLATIONS }, () => ({ enabled: true })));
  expect(github.requestsTo({ path: /\/contents\// })).toHaveLength(INSTALLATIONS);
});
