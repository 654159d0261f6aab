/** The job summary: what a person opening the workflow run sees first. */
import * as core from '@actions/core';
import { formatCost, formatDuration } from '../agent/render.js';
import type { RunResult } from '../agent/run.js';

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
  const summary = core.summary.addHeading(TITLES[result.status], 2).addTable(rows);
  if (result.result) summary.addHeading('Answer', 3).addRaw(`\n\n${result.result}\n`);
  if (result.structuredOutput !== undefined) {
    summary.addHeading('Structured output', 3).addCodeBlock(JSON.stringify(result.structuredOutput, null, 2), 'json');
  }
  await summary.write();
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);
}
