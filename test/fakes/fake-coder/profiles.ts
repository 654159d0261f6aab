/**
 * Coder releases the fake can play, each a set of options. Suites run their
 * core cases against every profile (`describe.each(PROFILE_NAMES)`).
 *
 * - `seed`: the seed page's server — experimental prefix only, framing 1
 *   (`{"type":"data","data":[...]}` plus JSON pings), archive by POST,
 *   `last_error` a string.
 * - `v2.34`: both prefixes, `organization_id` required, one event per
 *   frame, archive by PATCH, `last_error` an object.
 * - `v2.38`: the current server (coder/coder source, 2026-11): v2 prefix
 *   only, bare arrays with WebSocket pings only, organization required, the
 *   current generation of behaviour (see Generation in types.ts).
 */
import type { FakeCoderOptions } from './types.js';

export const PROFILES = {
  seed: { prefixes: ['experimental'], framing: 'batch', jsonPings: true, archiveStyle: 'post', lastErrorShape: 'string' },
  'v2.34': { prefixes: ['experimental', 'v2'], framing: 'single', requireOrganization: true, archiveStyle: 'patch', lastErrorShape: 'object' },
  'v2.38': {
    generation: 'current',
    prefixes: ['v2'],
    framing: 'array',
    jsonPings: false,
    requireOrganization: true,
    archiveStyle: 'patch',
    lastErrorShape: 'object',
  },
} as const satisfies Record<string, FakeCoderOptions>;

export type ProfileName = keyof typeof PROFILES;
export const PROFILE_NAMES = Object.keys(PROFILES) as ProfileName[];

/** A profile's options with overrides on top. */
export function profile(name: ProfileName, extra: FakeCoderOptions = {}): FakeCoderOptions {
  const base = PROFILES[name] as FakeCoderOptions;
  return { ...base, prefixes: [...(base.prefixes ?? [])], ...extra };
}
