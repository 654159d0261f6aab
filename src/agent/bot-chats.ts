/**
 * The bot's chats (Coder lists the token owner's), page by page: for the
 * lifecycle events that look for chats by their thread labels rather than by
 * a thread's marker (a CI run's pull request, a closed pull request's review
 * threads).
 */
import type { CoderClient } from '../coder/client.js';
import type { Chat } from '../coder/schemas.js';

/** Chats per page, and the most pages read (a busy Coder account has hundreds of open chats). */
const PAGE = 100;
const MAX_PAGES = 20;

/** Unarchived (or, with `archived`, archived) chats, newest first, up to 2,000. Coder errors are thrown. */
export async function* botChats(coder: Pick<CoderClient, 'listChats'>, opts: { archived: boolean; signal?: AbortSignal | undefined }): AsyncGenerator<Chat> {
  for (let page = 0; page < MAX_PAGES; page++) {
    const chats = await coder.listChats({ archived: opts.archived, limit: PAGE, offset: page * PAGE, signal: opts.signal });
    yield* chats;
    if (chats.length < PAGE) return;
  }
}
