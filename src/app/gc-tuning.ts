/**
 * One V8 setting for the App's process, applied when the App starts.
 *
 * V8 "pretenures" an allocation site (allocates its objects straight in the
 * old generation) once many of its objects have survived young collections.
 * On the webhook thread that happens at start-up: the first delivery of each
 * installation waits for a token and the repository config, so parsed
 * payloads live long enough to look long-lived. From then on every payload
 * (tens of KB, dead a millisecond later) lands in the old generation, which
 * then needs a full collection every second or two, and each young
 * collection takes several times longer: the webhook answers' p99 doubled in
 * `npm run bench -- app`. Turning pretenuring off keeps payloads in the young
 * generation, where short-lived objects cost next to nothing. The flag is
 * process-wide and changes no behaviour, only where V8 allocates.
 *
 * Checked again once deliveries no longer waited for the worker's writes
 * (the SQLite inbox, the Postgres NOTIFY after commit): A/B, two interleaved
 * pairs of `npm run bench -- app latency mixed`, the webhook thread spent
 * 94–175 ms in GC over a run with the flag and 322–366 ms without, and the
 * p99 ratio to bare Probot was 1.31–2.25× with it, 8.5–27.7× without.
 */
import { setFlagsFromString } from 'node:v8';

let applied = false;

export function keepShortLivedObjectsYoung(): void {
  if (applied) return;
  applied = true;
  setFlagsFromString('--no-allocation-site-pretenuring');
}
