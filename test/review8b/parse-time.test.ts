/**
 * Re-review 8b: trigger parsing must stay linear in the body (issue 8, kind
 * 4; goal < 100 ms CPU per MB in `npm run bench`). A line that starts with
 * the phrase's first character (`/`) after many HTML comments is read by
 * `shownText`, which walks the comment list from its start for every such
 * line: quadratic. Measured on the review machine: 1 MB of "<!---->\n/\n"
 * took 4.1 s of CPU, 2 MB 15.8 s (0.25 MB: 0.28 s); at GitHub's 65,536
 * characters it costs 20 ms where a plain text costs 0.1 ms.
 */
import { expect, it } from '@jest/globals';
import { parseAgentCommand } from '../../src/agent/command.js';

function cpuMs(work: () => unknown): number {
  work();
  let best = Infinity;
  for (let i = 0; i < 2; i++) {
    const start = process.cpuUsage();
    work();
    const spent = process.cpuUsage(start);
    best = Math.min(best, (spent.user + spent.system) / 1000);
  }
  return best;
}

it('half a megabyte of comments each followed by a line starting with "/" parses in linear time', () => {
  const size = 512 * 1024;
  const unit = '<!---->\n/\n';
  const text = `${unit.repeat(Math.ceil(size / unit.length)).slice(0, size)}\n\n/agent go`;
  expect(parseAgentCommand(text)).toEqual({ kind: 'prompt', prompt: 'go' });
  // Linear work is a few tens of ms here; the bound leaves room for a loaded machine and ts-jest.
  expect(cpuMs(() => parseAgentCommand(text))).toBeLessThan(250);
});
