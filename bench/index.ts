/**
 * `npm run bench`: prints the project's performance figures with their goals.
 * Figures are measured here, never asserted in tests. `npm run bench -- follower`
 * runs one section.
 */
import { benchAction } from './action.js';
import { benchApp } from './app.js';
import { benchCiRelay } from './ci-relay.js';
import { benchFollowerHeap, benchFollowerParse } from './follower.js';
import { benchReplicas } from './replicas.js';
import { benchReplicaThroughput } from './replica-throughput.js';
import { printRows, type BenchRow } from './report.js';
import { benchWriteBudget } from './write-budget.js';
import { benchTriggerParse } from './trigger-parse.js';

const sections: Record<string, { title: string; run: () => Promise<BenchRow[]> }> = {
  parse: {
    title: 'Trigger parsing',
    run: benchTriggerParse,
  },
  follower: {
    title: 'Stream follower',
    run: async () => [...(await benchFollowerParse()), ...(await benchFollowerHeap())],
  },
  action: {
    title: 'GitHub Action',
    run: benchAction,
  },
  app: {
    title: 'GitHub App',
    run: benchApp,
  },
  replicas: {
    title: 'GitHub App replicas and restarts',
    run: async () => [...(await benchReplicas()), ...(await benchReplicaThroughput())],
  },
  budget: {
    title: "GitHub's write budget (one installation; time 20× faster)",
    run: benchWriteBudget,
  },
  lifecycle: {
    title: 'Lifecycle (CI feedback)',
    run: benchCiRelay,
  },
};

const wanted = process.argv.slice(2).filter((a) => a in sections);
console.log(`coder-agent-bot bench — node ${process.version}, ${process.platform}/${process.arch}`);
for (const [key, section] of Object.entries(sections)) {
  if (wanted.length && !wanted.includes(key)) continue;
  printRows(section.title, await section.run());
}
