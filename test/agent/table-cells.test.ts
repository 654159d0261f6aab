/**
 * Table cells past the header row's count, which GitHub drops (table-cells.ts,
 * re-review 8h). Oracle: cmark-gfm 0.29.0.gfm.6 `--unsafe --hardbreaks -e table
 * -e autolink -e tagfilter -e strikethrough -e footnotes`, as each case's comment quotes it.
 */
import { describe, expect, it } from '@jest/globals';
import { parseAgentCommand } from '../../src/agent/command.js';
import { growthRatio } from '../helpers/growth.js';

const promptOf = (text: string): string | null => {
  const command = parseAgentCommand(text);
  return command === null || command.kind === 'stop' ? null : command.prompt;
};

describe('excess table cells', () => {
  it.each([
    // Oracle: "…<td>b|c</td>…": an escaped pipe splits no cell.
    ['after an escaped pipe', '/agent fix\n\n|a|\n|-|\n|b\\|c|also x|', 'fix\n\n|a|\n|-|\n|b\\|c|'],
    // Oracle: "…<td>`b</td>…": a code span does not keep its pipe from splitting the row.
    ['after a pipe in a code span', '/agent fix\n\n|a|\n|-|\n|`b|also x`|', 'fix\n\n|a|\n|-|\n|`b|'],
    // Oracle: "<p>|a|b|<br />|-|<br />|c|d|e|</p>": header and delimiter counts differ, so no table: all shown.
    ['kept when there is no table', '/agent fix\n\n|a|b|\n|-|\n|c|d|e|', 'fix\n\n|a|b|\n|-|\n|c|d|e|'],
  ])('%s', (_name, text, prompt) => {
    expect(promptOf(text)).toBe(prompt);
  });

  it('is read in linear time: long tables of rows with excess cells', () => {
    const build = (size: number): string => `/agent go\n\n|a|\n|-|\n${'|b|c|d\\|e|\n'.repeat(Math.floor(size / 11))}`;
    expect(growthRatio(build, parseAgentCommand, 64 * 1024)).toBeLessThan(24);
  });
});
