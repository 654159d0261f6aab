/**
 * The App instance's name in job leases: stable across restarts, so that a
 * restarted process takes back at once the leases its previous life held
 * instead of waiting for them to run out (a SIGKILLed single-process App
 * answers within seconds of its restart).
 *
 * In order:
 * 1. `INSTANCE_ID`, when set (a StatefulSet's pod name, a systemd unit name);
 * 2. with the embedded store (SQLite): an id made once and kept next to the
 *    database file (`<file>.instance-id`), since the file is the instance;
 * 3. with Postgres: `HOSTNAME` (Kubernetes sets it to the pod name, Docker to
 *    the container id; both survive a container restart) or the host's name.
 *
 * Two live processes must never share a name (each would take the other's
 * jobs back): both stores refuse a second one (JobStore.lockInstance).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { parseDatabaseUrl } from './store/open-store.js';

const INSTANCE_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

export class InstanceIdError extends Error {
  override readonly name = 'InstanceIdError';
}

/** Resolves this instance's id; throws InstanceIdError for a malformed INSTANCE_ID. */
export function resolveInstanceId(env: NodeJS.ProcessEnv, databaseUrl: string): string {
  const given = env['INSTANCE_ID']?.trim();
  if (given) {
    if (!INSTANCE_ID.test(given)) throw new InstanceIdError(`INSTANCE_ID must be 1–128 letters, digits or . _ : @ - (got "${given.slice(0, 40)}").`);
    return given;
  }
  const location = parseDatabaseUrl(databaseUrl);
  if (location.kind === 'sqlite' && location.path !== ':memory:') return persistedId(`${location.path}.instance-id`);
  const host = env['HOSTNAME']?.trim() || hostname();
  return INSTANCE_ID.test(host) ? host : `host-${randomUUID()}`;
}

function persistedId(file: string): string {
  try {
    const id = readFileSync(file, 'utf8').trim();
    if (INSTANCE_ID.test(id)) return id;
  } catch {
    // Not made yet.
  }
  const id = `sqlite-${randomUUID()}`;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${id}\n`);
  return id;
}
