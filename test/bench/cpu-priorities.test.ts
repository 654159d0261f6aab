/**
 * The bench's reset of PostgreSQL's server processes (bench/cpu-priorities.ts):
 * a run killed with SIGKILL leaves them at its raised level and records
 * nothing, so the next run puts them back at the level of the process that
 * started the server before it records anything. Tried on stand-in
 * processes, never on the machine's PostgreSQL, which other runs may be
 * using: a child in a session of its own (so an autogroup of its own) whose
 * parent is this process.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { defaultLevel, levelOf, planCpuPriorities, resetLevels } from '../../bench/cpu-priorities.js';

const { mode } = planCpuPriorities();
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

/** A process that waits, in a session of its own, started by this one. */
function standIn(): number {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)'], { detached: true, stdio: 'ignore' });
  children.push(child);
  if (child.pid === undefined) throw new Error('no stand-in process');
  return child.pid;
}

describe(`resetting the server's processes (${mode} mode)`, () => {
  const ours = levelOf(process.pid, mode) ?? 0;
  // What a killed run leaves: a level other than the default (3 away, within -20..19).
  const raised = ours <= 16 ? ours + 3 : ours - 3;

  it("the default is the level of the process that started the server (this one here)", () => {
    expect(defaultLevel(standIn(), mode)).toBe(ours);
  });

  it('puts back processes left at another level, and only those', () => {
    const left = [standIn(), standIn()];
    const atDefault = standIn();
    const gone = 2 ** 22 + 1; // above Linux's pid_max: no such process
    for (const pid of left) resetLevels([pid], raised, mode);
    // A new session starts at autogroup level 0, not at ours (a runner whose own level was set, e.g. at -15 for a
    // bench, differs): put this one at the default by hand, as the server's untouched processes would be.
    resetLevels([atDefault], ours, mode);
    expect([...left, atDefault].map((pid) => levelOf(pid, mode))).toEqual([raised, raised, ours]);

    expect(resetLevels([...left, atDefault, gone], defaultLevel(left[0]!, mode), mode)).toBe(2);
    expect([...left, atDefault].map((pid) => levelOf(pid, mode))).toEqual([ours, ours, ours]);
  });
});
