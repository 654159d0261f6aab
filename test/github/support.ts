/** Shared set-up for the GitHub port tests: a real Octokit pointed at the fake GitHub. */
import { Octokit } from '@octokit/core';
import type { Logger } from '../../src/logger.js';
import type { FakeGitHub } from '../fakes/fake-github.js';

export function octokitFor(fake: FakeGitHub, token: string = fake.token): Octokit {
  return new Octokit({ auth: token, baseUrl: fake.url });
}

export interface LogLine {
  level: keyof Logger;
  msg: string;
  meta?: object;
}

/** A logger that keeps what it is told, for assertions. */
export function recordingLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: keyof Logger) => (msg: string, meta?: object) => {
    lines.push({ level, msg, meta });
  };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
