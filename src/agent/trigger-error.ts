/**
 * The error for a GitHub event payload the bot cannot read. A module of its
 * own, free of the payload schemas, so the Action's entry can raise it
 * without loading them (trigger.ts re-exports it).
 */
/** A payload we cannot read. The message says so in words a repository owner can act on. */
export class TriggerError extends Error {
  override readonly name = 'TriggerError';
  constructor(
    readonly event: string,
    /** Each problem as `path: what is wrong`. */
    readonly problems: readonly string[],
  ) {
    super(
      `The "${event}" event from GitHub could not be read (${problems.join('; ')}), so the bot did nothing. ` +
        'If this keeps happening, check that the event really comes from GitHub and that the webhook sends full payloads.',
    );
  }
}
