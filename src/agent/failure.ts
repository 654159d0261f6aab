/** Turning an exception into what the thread says: what failed and what to do. */
import { CoderError } from '../coder/errors.js';
import { redactSecrets } from './render.js';

export interface Failure {
  title: string;
  detail?: string | undefined;
  hint?: string | undefined;
}

export function describeFailure(err: unknown, secrets: readonly string[]): Failure {
  if (err instanceof CoderError) {
    const detail = redactSecrets(err.describe(), secrets);
    switch (err.kind) {
      case 'auth':
        return { title: 'Coder rejected the session token', detail, hint: 'Check the `coder-token` secret (a Coder session or API token that has not expired).' };
      case 'network':
      case 'timeout':
        return { title: 'Could not reach Coder', detail, hint: 'Check `coder-url` and that the deployment is reachable from this runner.' };
      default:
        return { title: 'Coder refused the request', detail, hint: err.status === 403 ? "The Chats API may need the 'agents' experiment enabled on the deployment." : undefined };
    }
  }
  return { title: 'Something went wrong while talking to GitHub or Coder', detail: redactSecrets((err as Error)?.message ?? String(err), secrets) };
}
