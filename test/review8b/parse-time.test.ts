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
import { growthRatio } from '../helpers/growth.js';

const UNIT = '<!---->\n/\n';

function commentsThenSlashLines(size: number): string {
  return `${UNIT.repeat(Math.floor(size / UNIT.length))}\n\n/agent go`;
}

it('comments each followed by a line starting with "/" parse in linear time', () => {
  expect(parseAgentCommand(commentsThenSlashLines(64 * 1024))).toEqual({ kind: 'prompt', prompt: 'go' });
  // 8× the input: linear work grows about 8×, the walk from the first comment for each line about 64×.
  expect(growthRatio(commentsThenSlashLines, parseAgentCommand, 64 * 1024)).toBeLessThan(24);
});
