/**
 * The Action's outputs: every name action.yml declares, always set (empty
 * when there is nothing to say) so a later step can test them without
 * guarding against a missing output. Kept until written once: the entry
 * holds them too, so that a cancel that runs out of time (the runner's
 * SIGKILL comes 10 s after its SIGINT) still leaves `status: aborted` and
 * the chat link behind.
 */
import * as core from '@actions/core';
import { redactSecrets } from '../agent/render.js';
import type { RunResult, StartedRun } from '../agent/run.js';
import { keepOutputsPassable } from './long-outputs.js';

export const OUTPUT_NAMES = [
  'chat-id',
  'chat-url',
  'status',
  'result',
  'comment-url',
  'skipped',
  'chat-created',
  'error-kind',
  'pull-request-url',
  'pull-request-number',
  'pull-request-state',
  'head-branch',
  'base-branch',
  'diff-additions',
  'diff-deletions',
  'diff-changed-files',
  'cost-usd',
  'structured-output',
  'result-file',
  'structured-output-file',
] as const;
export type OutputName = (typeof OUTPUT_NAMES)[number];
export type Outputs = Record<OutputName, string>;

export function emptyOutputs(): Outputs {
  const outputs = Object.fromEntries(OUTPUT_NAMES.map((n) => [n, ''])) as Outputs;
  outputs.skipped = 'false';
  return outputs;
}

/** Fills the outputs from a run. The pull-request and diff outputs come from the chat's `diff_status`, where Coder reports one. */
export function reportOutputs(result: RunResult, outputs: Outputs): void {
  const diff = result.diffStatus;
  outputs.status = result.status;
  outputs.skipped = String(result.status === 'skipped' || result.status === 'refused');
  outputs['chat-id'] = result.chatId ?? '';
  outputs['chat-url'] = result.chatUrl ?? '';
  outputs.result = result.result ?? '';
  outputs['comment-url'] = result.commentUrl ?? '';
  outputs['chat-created'] = result.chatCreated === undefined ? '' : String(result.chatCreated);
  outputs['error-kind'] = result.errorKind ?? '';
  outputs['pull-request-url'] = text(diff?.url) || (result.prUrl ?? '');
  outputs['pull-request-number'] = text(diff?.pr_number);
  outputs['pull-request-state'] = text(diff?.pull_request_state);
  outputs['head-branch'] = text(diff?.head_branch);
  outputs['base-branch'] = text(diff?.base_branch);
  outputs['diff-additions'] = text(diff?.additions);
  outputs['diff-deletions'] = text(diff?.deletions);
  outputs['diff-changed-files'] = text(diff?.changed_files);
  // Dollars as a plain number ("0.372"), for arithmetic in later steps; empty where Coder has no cost route.
  outputs['cost-usd'] = result.cost ? String(result.cost.totalCostMicros / 1_000_000) : '';
  outputs['structured-output'] = result.structuredOutput === undefined ? '' : JSON.stringify(result.structuredOutput);
}

function text(value: string | number | undefined): string {
  return value === undefined ? '' : String(value);
}

/** The outputs of one run, written once. */
export class ActionOutputs {
  readonly values: Outputs = emptyOutputs();
  /** Values never written into an output (the tokens). */
  readonly secrets: string[] = [];
  private written = false;

  /** Takes the outputs from a run's result. */
  report(result: RunResult): void {
    reportOutputs(result, this.values);
  }

  /** The chat exists: its link is an output even if the run ends before its result. */
  started(run: Pick<StartedRun, 'chatId' | 'chatUrl'>): void {
    this.values['chat-id'] = run.chatId;
    this.values['chat-url'] = run.chatUrl;
  }

  get isWritten(): boolean {
    return this.written;
  }

  /**
   * Writes every output once; later calls do nothing (the runner would keep
   * the last of two values). Long ones are kept whole in files (long-outputs.ts).
   */
  write(env: NodeJS.ProcessEnv = process.env): void {
    if (this.written) return;
    this.written = true;
    const values = Object.fromEntries(Object.entries(this.values).map(([name, value]) => [name, redactSecrets(value, this.secrets)])) as Outputs;
    keepOutputsPassable(values, env, (message) => core.warning(message));
    for (const [name, value] of Object.entries(values)) core.setOutput(name, value);
  }
}
