/** A mistake in how `coder-agent` was called: exit 2 with one sentence and a pointer to the help, never a stack. */
import type { Command } from './help.js';

export class UsageError extends Error {
  override readonly name = 'UsageError';
  /** The command the mistake was made in, for the "see help" hint. */
  command: Command | undefined;
  constructor(message: string, command?: Command) {
    super(message);
    this.command = command;
  }
}
