/** Turning an exception into what the thread says: what failed and what to do. */
import { CoderError } from '../coder/errors.js';
import { explainRefusal } from '../coder/refusals.js';
import { redactSecrets } from './render.js';

export interface Failure {
  title: string;
  detail?: string | undefined;
  hint?: string | undefined;
  /** Coder's error kind when its answer named one (e.g. `hook_denied`, `usage_limit`), else `auth` for a rejected token. */
  kind?: string | undefined;
}

export function describeFailure(err: unknown, secrets: readonly string[]): Failure {
  const refusal = explainRefusal(err);
  if (refusal) return { title: redactSecrets(refusal.sentence, secrets), detail: redactSecrets((err as CoderError).describe(), secrets), hint: refusal.hint };
  if (err instanceof CoderError) {
    const detail = redactSecrets(err.describe(), secrets);
    const kind = coderErrorKind(err);
    switch (err.kind) {
      case 'auth':
        return { kind, title: 'Coder rejected the session token', detail, hint: 'Check the `coder-token` secret (a Coder session or API token that has not expired).' };
      case 'network':
      case 'timeout':
        return { kind, title: 'Could not reach Coder', detail, hint: 'Check `coder-url` and that the deployment is reachable from this runner.' };
      default:
        return { kind, title: 'Coder refused the request', detail, hint: err.status === 403 ? "The Chats API may need the 'agents' experiment enabled on the deployment." : undefined };
    }
  }
  return { title: 'Something went wrong while talking to GitHub or Coder', detail: redactSecrets((err as Error)?.message ?? String(err), secrets) };
}

/**
 * Coder's error kind for a failed request: the `kind` field its error body
 * carries on current releases (hook refusals), `usage_limit` for the 409 that
 * carries spending figures, `auth` for a rejected token; else undefined.
 */
function coderErrorKind(err: CoderError): string | undefined {
  const kind = err.extra['kind'];
  if (typeof kind === 'string' && kind) return kind;
  if (err.status === 409 && ('limit_micros' in err.extra || /usage limit/i.test(err.message))) return 'usage_limit';
  return err.kind === 'auth' ? 'auth' : undefined;
}
