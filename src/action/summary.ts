/** The job summary: what a person opening the workflow run sees first. */
import * as core from '@actions/core';
import { cutToBytes } from '../agent/comment-length.js';
import { closeOpenBlocks } from '../agent/open-blocks.js';
import { formatCost, formatDuration } from '../agent/render.js';
import type { RunResult } from '../agent/run.js';

/**
 * GitHub drops a step's summary over 1 MiB ("Job summary ... exceeds the
 * maximum size of 1024k", docs: "Adding a job summary"). We keep 64 KiB of
 * margin below it for whatever the runner adds.
 */
export const SUMMARY_LIMIT_BYTES = 1024 * 1024 - 64 * 1024;

/** Room for the structured output's heading, code block markup or note. */
const STRUCTURED_OVERHEAD_BYTES = 512;
const STRUCTURED_TOO_BIG = "The structured output is too large for a job summary: the step's `structured-output` output holds it.";
const STRUCTURED_MISSING = "Coder returned no structured output for this run (the deployment may not support response_format): the step's `structured-output` output is empty.";

const TITLES: Record<RunResult['status'], string> = {
  completed: '✅ The agent finished',
  requires_action: '⚠️ The agent needs your input in Coder',
  error: '❌ The agent stopped with an error',
  timeout: '⏱️ The agent did not finish in time',
  aborted: '⏹️ The run was cancelled',
  started: '🚀 The agent was started',
  stopped: '⏹️ The agent was stopped',
  failed: '❌ The run failed',
  skipped: 'Nothing to do',
  refused: 'Request refused',
  archived: '🗄️ The chat was archived',
  unarchived: '📂 The chat was unarchived',
};

export async function writeSummary(result: RunResult, env: NodeJS.ProcessEnv): Promise<void> {
  // Outside a runner (or in an old one) there is no summary file to write to.
  if (!env['GITHUB_STEP_SUMMARY']) return;
  const rows: string[][] = [['Status', result.status]];
  if (result.chatUrl) rows.push(['Chat', `<a href="${result.chatUrl}">${result.chatUrl}</a>`]);
  if (result.durationMs !== undefined) rows.push(['Duration', formatDuration(result.durationMs)]);
  if (result.commentUrl) rows.push(['Comment', `<a href="${result.commentUrl}">${result.commentUrl}</a>`]);
  if (result.prUrl) rows.push(['Pull request', `<a href="${result.prUrl}">${result.prUrl}</a>`]);
  if (result.cost) rows.push(['Cost', escapeHtml(formatCost(result.cost))]);
  if (result.reason) rows.push(['Why', escapeHtml(result.reason)]);
  if (result.deliveryError) rows.push(['Not in the thread', escapeHtml(result.deliveryError)]);
  const summary = core.summary.addHeading(TITLES[result.status], 2).addTable(rows);
  // The structured output goes below the answer, so its room is kept first;
  // one too big to share the 1 MiB is left to the `structured-output` output.
  // addCodeBlock puts the text in <pre><code> as it is: escaped first, so the agent's values show and never become
  // HTML; the sizes below are the escaped text's.
  const structured = result.structuredOutput === undefined ? undefined : escapeCode(JSON.stringify(result.structuredOutput, null, 2));
  const structuredFits = structured !== undefined && Buffer.byteLength(structured) <= SUMMARY_LIMIT_BYTES / 2;
  const structuredRoom = structuredFits ? Buffer.byteLength(structured) + STRUCTURED_OVERHEAD_BYTES : STRUCTURED_OVERHEAD_BYTES;
  if (result.result) {
    summary.addHeading('Answer', 3);
    const room = SUMMARY_LIMIT_BYTES - Buffer.byteLength(summary.stringify()) - (structured === undefined && !result.structuredOutputMissing ? 0 : structuredRoom);
    summary.addRaw(`\n\n${fitSummaryAnswer(result.result, room, result.chatUrl)}\n`);
  }
  if (structured !== undefined) {
    summary.addHeading('Structured output', 3);
    if (structuredFits) summary.addCodeBlock(structured, 'json');
    else summary.addRaw(`\n\n${STRUCTURED_TOO_BIG}\n`);
  } else if (result.structuredOutputMissing) {
    summary.addHeading('Structured output', 3).addRaw(`\n\n${STRUCTURED_MISSING}\n`);
  }
  await summary.write();
}

/**
 * The answer as the summary shows it: a code fence or element left open is closed, and
 * an answer over `roomBytes` of UTF-8 is cut cleanly with a note that links
 * the whole answer (also in the `result` output).
 */
export function fitSummaryAnswer(answer: string, roomBytes: number, chatUrl: string | undefined): string {
  const whole = closeOpenBlocks(answer);
  if (Buffer.byteLength(whole) <= roomBytes) return whole;
  const where = chatUrl
    ? ` Read the whole answer in Coder: <a href="${chatUrl}">${chatUrl}</a>, or in the file the step's \`result-file\` output names.`
    : " The file the step's `result-file` output names holds the whole answer.";
  const note = `\n\n> ✂️ The answer was cut here: a job summary holds at most 1 MiB.${where}`;
  return cutToBytes(answer, roomBytes - Buffer.byteLength(note), closeOpenBlocks) + note;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);
}

/** Text for inside <pre><code>: `&`, `<` and `>` as entities (quotes need none there). */
function escapeCode(s: string): string {
  return s.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c] ?? c);
}
