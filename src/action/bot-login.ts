/**
 * Which login the Action's GitHub token posts as: the bot must know its own
 * comments, or it takes them for someone else's, finds no chat marker of its
 * own and, with `allowed-bots: '*'`, may answer itself (issue 8, "The bot
 * knows who it is").
 */

/** The workflow token's account: the only login that may be assumed, and only where no comment is read. */
export const WORKFLOW_BOT = 'github-actions[bot]';

/** The token's login could not be learnt and the run needs it: one sentence a workflow author can act on. */
export class BotLoginError extends Error {
  override readonly name = 'BotLoginError';
}

export interface BotLoginSources {
  /** The `bot-login` input, when set: an override, never checked. */
  override: string | undefined;
  /**
   * Whether the run reads a thread (an event in an issue or pull request, or
   * an `issue` target). A direct prompt on `workflow_dispatch` or `schedule`
   * without a thread never meets its own comments, so it needs no login.
   */
  meetsComments: boolean;
  /** Asks GitHub (GraphQL `viewer`, then `GET /user`); rejects when neither answers. */
  whoAmI: () => Promise<string>;
}

/**
 * The bot's login: the override, else GitHub's answer. Never guessed: when
 * GitHub cannot say and the run reads a thread, rejects with `BotLoginError`
 * before anything is posted. Without a thread, `WORKFLOW_BOT` stands in.
 */
export async function resolveBotLogin(sources: BotLoginSources): Promise<string> {
  if (sources.override) return sources.override;
  if (!sources.meetsComments) return WORKFLOW_BOT;
  try {
    return await sources.whoAmI();
  } catch {
    throw new BotLoginError(
      'The bot could not learn which account the github-token posts as (GitHub answered neither the GraphQL viewer query nor GET /user), so it did nothing: set the bot-login input to that account\'s login, e.g. "my-app[bot]".',
    );
  }
}
