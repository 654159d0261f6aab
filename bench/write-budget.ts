/**
 * GitHub's write budget (`npm run bench -- budget`): answers per minute in
 * one installation when far more runs finish than the budget can carry.
 *
 * Runs are what the domain does on GitHub for one `/agent` request: 👀 on
 * the trigger, a progress comment (CommentWriter, the product's default
 * progress interval), progress edits while the agent works (20–60 s), then
 * the answer. They go through the port the App builds per installation (the
 * write scheduler over the Octokit port) to a fake GitHub that enforces the
 * budget as GitHub does (403 secondary rate limit with retry-after).
 *
 * Time is scaled: GitHub's clock, the scheduler's budget, the runs and the
 * progress interval all run TIME_SCALE (20×) faster, so a minute lasts 3 s
 * and the measured two minutes (after half a minute of warm-up) take 6 s. Octokit's throttling plugin is left
 * out: its one-second pace is not scalable, and the scheduler does the pacing.
 *
 * Every answer costs three writes (👀, the progress comment, the answer), so
 * the budget in answers is GitHub's burst writes per minute (60: one a
 * second, under the 80 a minute) divided by three: 20 answers a minute.
 */
import { withWriteBudget } from '../src/github/budgeted-port.js';
import { CommentWriter } from '../src/github/comment-writer.js';
import { createOctokitPort } from '../src/github/octokit-port.js';
import type { CommentRef, GitHubPort, Thread, WriteOptions, WritePriority } from '../src/github/port.js';
import { burstWritesPerMinute, GITHUB_WRITE_BUDGET, scaleBudget, WriteScheduler } from '../src/github/write-scheduler.js';
import { DEFAULT_PROGRESS_INTERVAL_MS } from '../src/agent/run-types.js';
import { FakeGitHub } from '../test/fakes/fake-github.js';
import { octokitFor } from '../test/github/support.js';
import { round2 } from './app-fixtures.js';
import type { BenchRow } from './report.js';

const TIME_SCALE = 0.05;
const MINUTE_MS = 60_000 * TIME_SCALE;
const WARM_UP_MINUTES = 0.5;
const MEASURED_MINUTES = 2;
/**
 * Runs in flight at once. Each works 20–60 s, so together they want about
 * three times the answers the budget carries: the queue is never empty, and
 * the figure is what the budget lets through, not what the runs asked for.
 */
const CONCURRENT_RUNS = 40;
const WRITES_PER_ANSWER = 3;
const INSTALLATION = 9001;

export async function benchWriteBudget(): Promise<BenchRow[]> {
  const github = await FakeGitHub.start({ writeBudget: { secondMs: 1000 * TIME_SCALE } });
  try {
    github.addRepo('org', 'service', { installationId: INSTALLATION });
    const budget = scaleBudget(GITHUB_WRITE_BUDGET, TIME_SCALE);
    const scheduler = new WriteScheduler(budget);
    const starts: { priority: WritePriority; at: number }[] = [];
    const port = withWriteBudget(probed(createOctokitPort(octokitFor(github), { botLogin: github.botLogin }), starts), scheduler);

    const asked: number[] = [];
    const answered: number[] = [];
    const began = Date.now();
    const until = began + (WARM_UP_MINUTES + MEASURED_MINUTES) * MINUTE_MS;
    let seed = 7;
    const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    const worker = async () => {
      while (Date.now() < until) {
        const workMs = (20_000 + random() * 40_000) * TIME_SCALE;
        await oneRun(github, port, workMs, until, asked, answered);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENT_RUNS }, worker));

    const from = began + WARM_UP_MINUTES * MINUTE_MS;
    const measured = answered.filter((t) => t >= from && t < until).length;
    const perMinute = round2(measured / MEASURED_MINUTES);
    const budgetWrites = burstWritesPerMinute(budget, MINUTE_MS);
    const budgetAnswers = budgetWrites / WRITES_PER_ANSWER;
    const behind = answersBehindProgress(asked, starts);
    const refused = github.writeBudget?.refused.get(INSTALLATION) ?? 0;
    const writesPerMinute = round2(starts.filter((s) => s.at >= from && s.at < until).length / MEASURED_MINUTES);
    return [
      { name: `answers per minute, one installation, ${CONCURRENT_RUNS} runs at once`, value: perMinute, unit: `/min (budget ${round2(budgetAnswers)}: ${budgetWrites} writes ÷ ${WRITES_PER_ANSWER} per answer)`, goal: `≥ ${round2(0.9 * budgetAnswers)} (0.9× budget)`, ok: perMinute >= 0.9 * budgetAnswers },
      { name: 'answers that waited behind a progress edit', value: behind, unit: `of ${asked.length}`, goal: '0', ok: behind === 0 },
      { name: 'secondary rate limits from GitHub', value: refused, unit: '', goal: '0', ok: refused === 0 },
      { name: 'writes per minute (👀, comments, answers, progress)', value: writesPerMinute, unit: `/min of ${budgetWrites}` },
      { name: 'longest wait of an answer in the queue', value: round2(scheduler.stats.longestAnswerWaitMs / TIME_SCALE / 1000), unit: 's (GitHub time)' },
      { name: 'progress edits written / dropped', value: `${scheduler.stats.written.progress} / ${scheduler.stats.dropped}`, unit: '' },
    ];
  } finally {
    await github.close();
  }
}

/** One request: the agent works `workMs` once the progress comment is up, but stops at `until` so that the bench ends soon after. */
async function oneRun(github: FakeGitHub, port: GitHubPort, workMs: number, until: number, asked: number[], answered: number[]): Promise<void> {
  const issue = github.addIssue('org', 'service');
  const thread: Thread = { kind: 'issue', owner: 'org', repo: 'service', number: issue.number };
  const trigger = github.addComment('org', 'service', issue.number, { body: '/agent fix the flaky test', user: 'maintainer' });
  await port.addReaction({ owner: 'org', repo: 'service', kind: 'issue-comment', commentId: trigger.id }, 'eyes');
  const writer = await CommentWriter.start(port, thread, '⏳ Starting', { minIntervalMs: DEFAULT_PROGRESS_INTERVAL_MS * TIME_SCALE });
  const end = Math.min(Date.now() + workMs, until);
  for (let step = 1; Date.now() < end; step++) {
    writer.update(`⏳ Working: step ${step}`);
    await new Promise((resolve) => setTimeout(resolve, Math.min(2000 * TIME_SCALE, Math.max(0, end - Date.now()))));
  }
  asked.push(Date.now());
  await writer.flush(`✅ Answer for #${issue.number}`);
  answered.push(Date.now());
}

/** Records when each write reaches the Octokit port, under the scheduler. */
function probed(port: GitHubPort, starts: { priority: WritePriority; at: number }[]): GitHubPort {
  const note = (priority: WritePriority) => starts.push({ priority, at: Date.now() });
  return Object.assign(Object.create(port) as GitHubPort, {
    addReaction: (...a: Parameters<GitHubPort['addReaction']>) => (note('comment'), port.addReaction(...a)),
    createComment: (thread: Thread, body: string, o?: WriteOptions) => (note(o?.priority === 'comment' ? 'comment' : 'answer'), port.createComment(thread, body, o)),
    updateComment: (ref: CommentRef, body: string, o?: WriteOptions) => (note(o?.priority ?? 'answer'), port.updateComment(ref, body, o)),
  });
}

/** Answers asked for while a progress edit then started before them (answers start in the order asked). */
function answersBehindProgress(asked: number[], starts: { priority: WritePriority; at: number }[]): number {
  const askedSorted = [...asked].sort((a, b) => a - b);
  const answerStarts = starts.filter((s) => s.priority === 'answer').map((s) => s.at).sort((a, b) => a - b);
  const progress = starts.filter((s) => s.priority === 'progress').map((s) => s.at);
  let behind = 0;
  askedSorted.forEach((from, i) => {
    const to = answerStarts[i] ?? Infinity;
    if (progress.some((p) => p > from && p < to)) behind++;
  });
  return behind;
}
