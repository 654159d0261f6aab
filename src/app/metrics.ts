/**
 * Prometheus metrics for /metrics: jobs by state, chats being followed,
 * Coder and GitHub errors, time to the first reaction and to the answer.
 * Each App instance has its own registry, so tests can run several.
 *
 * The App's two threads each keep an AppMetrics: the webhook thread counts
 * deliveries and holds the job counts and process metrics, the job worker
 * the runs. /metrics adds the worker's figures to the webhook thread's.
 */
import { getHeapStatistics } from 'node:v8';
import { AggregatorRegistry, Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { JOB_STATES, type JobStore } from './store/job-store.js';

export class AppMetrics {
  readonly registry = new Registry();
  readonly chatsFollowed: Gauge;
  readonly deliveries: Counter<'event' | 'outcome'>;
  readonly runs: Counter<'status'>;
  readonly coderErrors: Counter;
  readonly githubErrors: Counter;
  readonly workerCrashes: Counter;
  readonly repoConfigReadFailures: Counter<'outcome'>;
  readonly jobsWaitingForConfig: Gauge;
  readonly configWaitsGivenUp: Counter;
  readonly timeToReaction: Histogram;
  readonly timeToAnswer: Histogram;
  readonly jobsClaimed: Counter;
  readonly resumes: Counter;
  readonly fencingRefusals: Counter;
  readonly leasesLost: Counter;
  /** Epoch ms of the job worker's last lease renewal that reached the store (undefined: it holds none). */
  readonly leaseRenewal: { at: number | undefined } = { at: undefined };

  /**
   * `store`: report its jobs by state. `defaultMetrics`: Node's process
   * metrics (default on). `workerHeap`: report this thread's V8 heap as the
   * job worker's (Node's own heap metrics describe the thread that collects them).
   */
  constructor(opts: { store?: JobStore; defaultMetrics?: boolean; workerHeap?: boolean } = {}) {
    const registers = [this.registry];
    const store = opts.store;
    if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'coder_agent_bot_' });
    if (store) {
      new Gauge({
        name: 'coder_agent_bot_jobs',
        help: 'Jobs in the store by state: queued, starting, following, and finished as done, failed, skipped or refused.',
        labelNames: ['state'],
        registers,
        async collect() {
          const counts = await store.counts();
          for (const state of JOB_STATES) this.set({ state }, counts[state]);
        },
      });
    }
    if (opts.workerHeap) {
      new Gauge({
        name: 'coder_agent_bot_worker_heap_used_bytes',
        help: 'V8 heap used by the job worker thread, where the followed chats live.',
        registers,
        collect() {
          this.set(getHeapStatistics().used_heap_size);
        },
      });
    }
    const renewal = this.leaseRenewal;
    new Gauge({
      name: 'coder_agent_bot_lease_age_seconds',
      help: 'Time since this replica last renewed its job leases in the store (0 while it holds none); near the lease length means other replicas are about to take its chats.',
      registers,
      collect() {
        this.set(renewal.at === undefined ? 0 : (Date.now() - renewal.at) / 1000);
      },
    });
    this.jobsClaimed = new Counter({ name: 'coder_agent_bot_jobs_claimed_total', help: 'Jobs this replica claimed (new and resumed).', registers });
    this.resumes = new Counter({
      name: 'coder_agent_bot_resumes_total',
      help: 'Jobs this replica took up again after an earlier attempt stopped (a dead replica, a restart, a failed attempt).',
      registers,
    });
    this.fencingRefusals = new Counter({
      name: 'coder_agent_bot_fencing_refusals_total',
      help: 'Writes to GitHub refused because this replica no longer held the job\'s lease (another replica had taken it over).',
      registers,
    });
    this.leasesLost = new Counter({ name: 'coder_agent_bot_leases_lost_total', help: 'Jobs this replica stopped working because its lease was found taken over or finished.', registers });
    this.chatsFollowed = new Gauge({ name: 'coder_agent_bot_chats_followed', help: 'Chats this process is following now.', registers });
    this.deliveries = new Counter({
      name: 'coder_agent_bot_deliveries_total',
      help: 'Webhook deliveries by event and what became of them (queued, queued-config-unknown: recorded with the repository config unread, for the job worker to decide; duplicate, ignored, malformed, error).',
      labelNames: ['event', 'outcome'],
      registers,
    });
    this.runs = new Counter({ name: 'coder_agent_bot_runs_total', help: 'Finished runs by status.', labelNames: ['status'], registers });
    this.coderErrors = new Counter({ name: 'coder_agent_bot_coder_errors_total', help: 'Runs that failed talking to Coder.', registers });
    this.githubErrors = new Counter({ name: 'coder_agent_bot_github_errors_total', help: 'Runs that failed talking to GitHub.', registers });
    this.workerCrashes = new Counter({ name: 'coder_agent_bot_worker_crashes_total', help: 'Times the job worker thread died and was started again.', registers });
    this.repoConfigReadFailures = new Counter({
      name: 'coder_agent_bot_repo_config_read_failures_total',
      help: 'Reads of .github/coder-agent.yml that failed (5xx, timeout, 403), by outcome: stale-served (a recent copy was used) or unavailable (the delivery was not acted on).',
      labelNames: ['outcome'],
      registers,
    });
    this.jobsWaitingForConfig = new Gauge({
      name: 'coder_agent_bot_jobs_waiting_for_config',
      help: 'Jobs this replica holds in a pause because their repository\'s .github/coder-agent.yml could not be read; each is read again after the pause (no attempt spent).',
      registers,
    });
    this.configWaitsGivenUp = new Counter({
      name: 'coder_agent_bot_config_waits_given_up_total',
      help: 'Jobs failed, having posted nothing, because their repository\'s .github/coder-agent.yml could not be read for the whole config wait (15 min from the delivery by default).',
      registers,
    });
    const buckets = [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];
    this.timeToReaction = new Histogram({
      name: 'coder_agent_bot_time_to_reaction_seconds',
      help: 'From receiving a delivery to the 👀 reaction (or the run starting, when there is nothing to react on).',
      buckets,
      registers,
    });
    this.timeToAnswer = new Histogram({ name: 'coder_agent_bot_time_to_answer_seconds', help: 'From receiving a delivery to the answer in the thread.', buckets, registers });
  }

  /**
   * The Prometheus text, with `others` (other registries' `getMetricsAsJSON()`,
   * such as the job worker's) added in: counters, gauges and histograms of
   * the same name are summed.
   */
  async text(others: object[][] = []): Promise<string> {
    if (others.length === 0) return this.registry.metrics();
    return AggregatorRegistry.aggregate([await this.registry.getMetricsAsJSON(), ...others]).metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
