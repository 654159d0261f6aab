/** The Action harness's fakes, with the fake Coder playing the current release (profile v2.38). */
import { afterEach, beforeEach } from '@jest/globals';
import { FakeCoder, profile } from '../fakes/fake-coder.js';
import { FakeGitHub } from '../fakes/fake-github.js';
import { CODER_TOKEN, OWNER, REPO } from './harness.js';

/** Starts fresh fakes before each test and closes them after; read them through the returned getters. */
export function useCurrentFakes(): { coder: () => FakeCoder; github: () => FakeGitHub } {
  let coder: FakeCoder | undefined;
  let github: FakeGitHub | undefined;
  beforeEach(async () => {
    coder = await FakeCoder.start(profile('v2.38', { token: CODER_TOKEN }));
    github = await FakeGitHub.start({ botLogin: 'github-actions[bot]', writers: ['maintainer'] });
    github.addRepo(OWNER, REPO);
  });
  afterEach(async () => Promise.all([coder?.close(), github?.close()]));
  const need = <T>(v: T | undefined): T => {
    if (!v) throw new Error('fakes not started');
    return v;
  };
  return { coder: () => need(coder), github: () => need(github) };
}
