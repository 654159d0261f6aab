/**
 * Runs the bundled Action (dist/index.js) as the runner does: inputs as
 * INPUT_* variables, the event as a file, outputs and the job summary as
 * files, against a fake Coder and a fake GitHub on 127.0.0.1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { webhookExample } from '../helpers/webhook-examples.js';
import { FakeCoder } from '../fakes/fake-coder.js';
import { FakeGitHub } from '../fakes/fake-github.js';

export const OWNER = 'Codertocat';
export const REPO = 'Hello-World';
export const CODER_TOKEN = 'coder-secret-token-0123456789';

/** The fakes most Action tests start with: Coder taking CODER_TOKEN, GitHub with OWNER/REPO, `maintainer` a writer. */
export async function startFakes(): Promise<{ coder: FakeCoder; github: FakeGitHub }> {
  const coder = await FakeCoder.start({ token: CODER_TOKEN });
  const github = await FakeGitHub.start({ botLogin: 'github-actions[bot]', writers: ['maintainer'] });
  github.addRepo(OWNER, REPO);
  return { coder, github };
}

export interface ActionRun {
  code: number | null;
  /** The signal that ended the process, when one did (e.g. the runner's SIGKILL). */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

export interface RunOptions {
  event: string;
  payload: unknown;
  inputs?: Record<string, string>;
  env?: Record<string, string>;
  /** The entry to run; default dist/index.js. */
  entry?: string;
  /** Called once the process runs, e.g. to send it SIGTERM later. */
  onSpawn?: (child: ChildProcess) => void;
}

export function runAction(coder: FakeCoder, github: FakeGitHub, opts: RunOptions): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), 'action-'));
  const eventPath = join(dir, 'event.json');
  const outputPath = join(dir, 'output');
  const summaryPath = join(dir, 'summary.md');
  writeFileSync(eventPath, typeof opts.payload === 'string' ? opts.payload : JSON.stringify(opts.payload));
  writeFileSync(outputPath, '');
  writeFileSync(summaryPath, '');
  const inputs: Record<string, string> = {
    'coder-url': coder.url,
    'coder-token': CODER_TOKEN,
    'github-token': github.token,
    'trigger-phrase': '/agent',
    'timeout-minutes': '60',
    wait: 'true',
    comment: 'true',
    'allowed-bots': '',
    ...opts.inputs,
  };
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: opts.event,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_OUTPUT: outputPath,
    GITHUB_STEP_SUMMARY: summaryPath,
    GITHUB_API_URL: github.url,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
    RUNNER_TEMP: dir,
    ...opts.env,
  };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  const child = spawn(process.execPath, [opts.entry ?? 'dist/index.js'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  opts.onSpawn?.(child);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      resolve({ code, signal, stdout, stderr, outputs: parseOutputs(readFileSync(outputPath, 'utf8')), summary: readFileSync(summaryPath, 'utf8') });
    });
  });
}

/** The runner's output file format: `name<<DELIMITER\nvalue\nDELIMITER`. */
function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /^([^\n<]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (const m of text.matchAll(re)) out[m[1] ?? ''] = m[3] ?? '';
  return out;
}

/** A real issue_comment payload, re-pointed at an issue and comment seeded in the fake GitHub. */
export function issueCommentEvent(github: FakeGitHub, body: string, opts: { user?: string; userType?: string; number?: number; pullRequest?: boolean } = {}) {
  const number = opts.number ?? 1;
  const user = opts.user ?? 'maintainer';
  const issue = github.issue(OWNER, REPO, number) ?? github.addIssue(OWNER, REPO, { number, title: 'Login fails on Safari', body: 'Steps: open the login page in Safari.', user: 'reporter' });
  const seeded = github.addComment(OWNER, REPO, number, { body, user });
  const payload = webhookExample('issue_comment', 'created');
  const p = payload as { comment: Record<string, unknown>; issue: Record<string, unknown>; sender: Record<string, unknown>; repository: Record<string, unknown> };
  // GitHub's payload names the repository by its id too; the chat's thread label uses it.
  p.repository['id'] = github.addRepo(OWNER, REPO).id;
  Object.assign(p.comment, { id: seeded.id, body, created_at: seeded.created_at, updated_at: seeded.updated_at, user: { login: user, id: 7, type: opts.userType ?? 'User' } });
  Object.assign(p.issue, { number, title: issue.title, body: issue.body, user: { login: 'reporter', id: 8, type: 'User' } });
  if (opts.pullRequest) p.issue['pull_request'] = { url: `https://api.github.com/repos/${OWNER}/${REPO}/pulls/${number}` };
  p.sender = { login: user, id: 7, type: opts.userType ?? 'User' };
  return payload;
}

export function reviewCommentEvent(github: FakeGitHub, body: string, opts: { user?: string } = {}) {
  const user = opts.user ?? 'maintainer';
  if (!github.issue(OWNER, REPO, 2)) {
    github.addPullRequest(OWNER, REPO, { number: 2, title: 'Speed up login', body: 'Caches the session.', user: 'contributor', head: { ref: 'fast-login' }, base: { ref: 'main' }, files: [{ filename: 'src/login.ts', status: 'modified', additions: 10, deletions: 2 }] });
  }
  const hunk = '@@ -10,3 +10,4 @@ export function login() {\n-  return slow();\n+  return cached();';
  const seeded = github.addReviewComment(OWNER, REPO, 2, { body, user, path: 'src/login.ts', line: 12, diffHunk: hunk });
  const payload = webhookExample('pull_request_review_comment', 'created');
  const p = payload as { comment: Record<string, unknown>; pull_request: Record<string, unknown>; sender: Record<string, unknown>; repository: Record<string, unknown> };
  p.repository['id'] = github.addRepo(OWNER, REPO).id;
  Object.assign(p.comment, { id: seeded.id, body, diff_hunk: hunk, path: 'src/login.ts', line: 12, start_line: null, in_reply_to_id: undefined, created_at: seeded.created_at, updated_at: seeded.updated_at, user: { login: user, id: 7, type: 'User' } });
  Object.assign(p.pull_request, { number: 2 });
  p.sender = { login: user, id: 7, type: 'User' };
  return payload;
}

/** What the runner did while cancelling: the signals it had to send. */
export interface CancelRecord {
  sent: NodeJS.Signals[];
}

/**
 * The runner's cancel sequence (issue 12): SIGINT, then SIGTERM 7.5 s later,
 * then SIGKILL 2.5 s after that, each only if the step is still running.
 * Real gaps: the Action's own deadline is measured from the first signal,
 * and a step that winds down in time never sees the later ones.
 */
export function cancelLikeRunner(child: ChildProcess): CancelRecord {
  const record: CancelRecord = { sent: [] };
  const alive = () => child.exitCode === null && child.signalCode === null;
  const send = (signal: NodeJS.Signals) => {
    if (!alive()) return;
    record.sent.push(signal);
    child.kill(signal);
  };
  send('SIGINT');
  const term = setTimeout(() => send('SIGTERM'), 7500);
  const kill = setTimeout(() => send('SIGKILL'), 10_000);
  child.once('exit', () => {
    clearTimeout(term);
    clearTimeout(kill);
  });
  return record;
}
