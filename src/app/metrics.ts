/**
 * Prometheus metrics for /metrics: jobs by state, chats being followed,
 * Coder and GitHub errors, time to the first reaction and to the answer.
 * Each App instance has its own registry, so tests can run several.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { JOB_STATES, type JobStore } from './store/job-store.js';

export class AppMetrics {
  readonly registry = new Registry();
  readonly chatsFollowed: Gauge;
  readonly deliveries: Counter<'event' | 'outcome'>;
  readonly runs: Counter<'status'>;
  readonly coderErrors: Counter;
  readonly githubErrors: Counter;
  readonly timeToReaction: Histogram;
  readonly timeToAnswer: Histogram;

  constructor(store: JobStore, opts: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'coder_agent_bot_' });
    new Gauge({
      name: 'coder_agent_bot_jobs',
      help: 'Jobs in the store by state.',
      labelNames: ['state'],
      registers,
      async collect() {
        const counts = await store.counts();
        for (const state of JOB_STATES) this.set({ state }, counts[state]);
      },
    });
    this.chatsFollowed = new Gauge({ name: 'coder_agent_bot_chats_followed', help: 'Chats this process is following now.', registers });
    this.deliveries = new Counter({
      name: 'coder_agent_bot_deliveries_total',
      help: 'Webhook deliveries by event and what became of them (queued, duplicate, ignored, error).',
      labelNames: ['event', 'outcome'],
      registers,
    });
    this.runs = new Counter({ name: 'coder_agent_bot_runs_total', help: 'Finished runs by status.', labelNames: ['status'], registers });
    this.coderErrors = new Counter({ name: 'coder_agent_bot_coder_errors_total', help: 'Runs that failed talking to Coder.', registers });
    this.githubErrors = new Counter({ name: 'coder_agent_bot_github_errors_total', help: 'Runs that failed talking to GitHub.', registers });
    const buckets = [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];
    this.timeToReaction = new Histogram({
      name: 'coder_agent_bot_time_to_reaction_seconds',
      help: 'From receiving a delivery to the 👀 reaction (or the run starting, when there is nothing to react on).',
      buckets,
      registers,
    });
    this.timeToAnswer = new Histogram({ name: 'coder_agent_bot_time_to_answer_seconds', help: 'From receiving a delivery to the answer in the thread.', buckets, registers });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
