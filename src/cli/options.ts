/**
 * Command-line parsing for `coder-agent`: one settings object from flags and
 * the environment variables Coder's own CLI uses (CODER_URL,
 * CODER_SESSION_TOKEN, CODER_ORGANIZATION). Every mistake here is a
 * UsageError (exit 2) with a sentence, never a stack.
 */
import { parseArgs } from 'node:util';
import { COMMAND_HELP, isCommand, type Command } from './help.js';
import { maskUrl } from '../url-mask.js';

export { COMMANDS, type Command } from './help.js';

export class UsageError extends Error {
  override readonly name = 'UsageError';
  /** The command the mistake was made in, for the "see help" hint. */
  command: Command | undefined;
  constructor(message: string, command?: Command) {
    super(message);
    this.command = command;
  }
}

export interface CliSettings {
  command: Command;
  args: string[];
  /** Deployment URL, checked to be http(s). */
  url: string;
  token: string;
  organization?: string;
  workspace?: string;
  model?: string;
  systemPrompt?: string;
  labels: Record<string, string>;
  images: string[];
  /** Files uploaded earlier (`coder-agent upload`), attached as `file` parts. */
  fileIds: string[];
  /** The whole run's time limit in milliseconds, connecting included. */
  timeoutMs: number;
  afterId?: number;
  json: boolean;
  wait: boolean;
  interrupt: boolean;
  archived?: boolean;
  /** At least 1 when given. */
  limit?: number;
  debug: boolean;
  quiet: boolean;
  /** chat: a JSON Schema file for the final answer (sent as response_format). */
  outputSchema?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The longest --timeout, in milliseconds: Node's timers hold a signed 32-bit
 * delay (2^31 − 1 ms, about 596.5 h) and fire at once for anything larger
 * (TimeoutOverflowWarning), so a larger value cannot be honoured.
 */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** Parses "90s", "30m", "2h", "1500ms" or a bare number of minutes; at most MAX_TIMEOUT_MS. */
export function parseDuration(text: string): number {
  if (/^\s*-/.test(text)) throw new UsageError(`The timeout must be more than zero (got "${text}").`);
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  if (!m || !m[1]) throw new UsageError(`"${text}" is not a duration (use e.g. 90s, 30m or 2h; a bare number is minutes).`);
  const n = Number(m[1]);
  const unit = m[2] ?? 'm';
  const ms = unit === 'ms' ? n : unit === 's' ? n * 1000 : unit === 'm' ? n * 60_000 : n * 3_600_000;
  if (ms <= 0) throw new UsageError(`The timeout must be more than zero (got "${text}").`);
  if (ms > MAX_TIMEOUT_MS) throw new UsageError(`The timeout can be at most 596h (${MAX_TIMEOUT_MS}ms, the longest delay Node's timers keep; got "${text}").`);
  return ms;
}

/** Checks a deployment URL: absolute, http or https. Errors show it masked (no userinfo, no query). */
export function parseCoderUrl(text: string): string {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new UsageError(`"${maskUrl(text)}" is not a URL: give the Coder deployment's address, e.g. https://coder.example.com.`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new UsageError(`The Coder URL must start with http:// or https:// (got "${maskUrl(text)}").`);
  }
  return text;
}

/**
 * Paths of Coder's dashboard (site/src/router.tsx in coder/coder): a URL
 * copied from the browser's address bar rather than the deployment's root.
 */
const DASHBOARD_PATH = /^\/(agents|workspaces|templates|users|deployment|settings|audit|health|organizations|login|api|@[^/]+)(\/|$)/i;

/** The hint for a --url with a path, when Coder's answer suggests it is not the deployment's root; undefined when it is one. */
export function rootUrlHint(coderUrl: string, routeNotFound: boolean): string | undefined {
  let u: URL;
  try {
    u = new URL(coderUrl);
  } catch {
    return undefined;
  }
  if (u.pathname === '/' || u.pathname === '') return undefined;
  if (!routeNotFound && !DASHBOARD_PATH.test(u.pathname)) return undefined;
  return `The Coder URL has a path (${u.pathname}); use the deployment's root URL, e.g. ${u.origin}.`;
}

/**
 * A session token goes into the Coder-Session-Token header. Coder's tokens
 * are `<id>-<secret>` in letters and digits; a space, line break or control
 * character is a pasting mistake that fetch would refuse as a header.
 */
function checkToken(token: string, source: string): void {
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw new UsageError(`The session token from ${source} contains a space, line break or other character that cannot go in an HTTP header; copy it again (\`coder tokens create\` prints it on one line).`);
  }
}

/**
 * A chat id, or the chat's page `{CODER_URL}/agents/{id}` (what `chat --no-wait`
 * prints), as its id. A page of another deployment is refused: the token is
 * for `coderUrl` only.
 */
export function parseChatRef(text: string, coderUrl: string): string {
  const ref = text.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(ref)) return ref;
  let page: URL;
  try {
    page = new URL(ref);
  } catch {
    throw new UsageError(`"${ref}" is neither a chat id nor a chat URL.`);
  }
  const m = /^(.*)\/agents\/([^/]+)\/?$/.exec(page.pathname);
  if (!m || !m[2] || !UUID.test(m[2])) throw new UsageError(`"${ref}" is not a chat URL (expected ${trimSlash(coderUrl)}/agents/<chat id>).`);
  const base = new URL(coderUrl);
  if (page.origin !== base.origin || trimSlash(m[1] ?? '') !== trimSlash(base.pathname)) {
    throw new UsageError(`The chat URL ${ref} is not on the Coder deployment in use (${trimSlash(coderUrl)}); pass --url for that deployment.`);
  }
  return m[2].toLowerCase();
}

const trimSlash = (s: string) => s.replace(/\/+$/, '');

function parseLabels(list: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list) {
    const i = item.search(/[=:]/);
    if (i <= 0) throw new UsageError(`--label takes key=value (got "${item}").`);
    out[item.slice(0, i)] = item.slice(i + 1);
  }
  return out;
}

function wholeNumber(text: string | undefined, flag: string, min: number): number | undefined {
  if (text === undefined) return undefined;
  if (/^-\d+$/.test(text)) throw new UsageError(`${flag} must be ${min} or more (got ${text}).`);
  if (!/^\d+$/.test(text)) throw new UsageError(`${flag} takes a whole number (got "${text}").`);
  const n = Number(text);
  if (n < min) throw new UsageError(`${flag} must be ${min} or more (got ${n}).`);
  return n;
}

const OPTION_SPEC = {
  url: { type: 'string' },
  token: { type: 'string' },
  organization: { type: 'string' },
  workspace: { type: 'string' },
  model: { type: 'string' },
  'system-prompt': { type: 'string' },
  'output-schema': { type: 'string' },
  label: { type: 'string', multiple: true },
  image: { type: 'string', multiple: true },
  'file-id': { type: 'string', multiple: true },
  timeout: { type: 'string' },
  'after-id': { type: 'string' },
  'no-wait': { type: 'boolean' },
  interrupt: { type: 'boolean' },
  archived: { type: 'boolean' },
  limit: { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

const GLOBAL_OPTIONS = new Set(['url', 'token', 'organization', 'timeout', 'json', 'quiet', 'debug', 'help', 'version']);

/** Options whose value may look like a negative number, which parseArgs would take for an option. */
const NUMERIC_OPTIONS = new Set(['--timeout', '--limit', '--after-id']);

/** `--limit -1` → `--limit=-1`, so the value is judged (and refused) for what it is, not as a missing one. */
function joinNegativeValues(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--') return [...out, ...argv.slice(i)];
    const next = argv[i + 1];
    if (NUMERIC_OPTIONS.has(a) && next !== undefined && /^-\d/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/** How many arguments each command takes after its name; Infinity where the rest is a prompt. */
const MAX_ARGS: Record<Command, number> = {
  chat: Infinity,
  send: Infinity,
  follow: 1,
  interrupt: 1,
  archive: 1,
  unarchive: 1,
  upload: 1,
  list: 0,
  models: 0,
};

/** parseArgs' messages point at its own syntax; say it in ours. */
function describeParseError(err: unknown): string {
  const e = err as { code?: string; message?: string };
  const name = /'(-{1,2}[^' ]+)/.exec(e.message ?? '')?.[1];
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && name) return `Unknown option ${name}.`;
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && name) {
    return /does not take/.test(e.message ?? '') ? `${name} does not take a value.` : `${name} needs a value.`;
  }
  return e.message ?? String(err);
}

export type ParsedCli = { kind: 'help'; command?: Command } | { kind: 'version' } | { kind: 'run'; settings: CliSettings };

export function parseCli(argv: string[], env: Record<string, string | undefined>): ParsedCli {
  // The command, when it comes first, names the help page for a mistake below.
  const first = argv[0];
  const early = first !== undefined && isCommand(first) ? first : undefined;
  let parsed;
  try {
    parsed = parseArgs({ args: joinNegativeValues(argv), allowPositionals: true, options: OPTION_SPEC });
  } catch (err) {
    throw new UsageError(describeParseError(err), early);
  }
  const v = parsed.values;
  const command = parsed.positionals[0];
  let args = parsed.positionals.slice(1);
  if (command === 'help') {
    const topic = args[0];
    if (topic === undefined) return { kind: 'help' };
    if (!isCommand(topic)) throw new UsageError(`There is no command "${topic}".`);
    return { kind: 'help', command: topic };
  }
  if (command !== undefined && !isCommand(command)) throw new UsageError(`Unknown command "${command}".`);
  if (v.help) return { kind: 'help', command };
  if (v.version) return { kind: 'version' };
  if (!command) throw new UsageError('No command given.');
  const cmd: Command = command;
  const fail = (message: string): never => {
    throw new UsageError(message, cmd);
  };

  const own = new Set(COMMAND_HELP[cmd].options.map((o) => (o === 'label-filter' ? 'label' : o)));
  for (const name of Object.keys(v)) {
    if (!GLOBAL_OPTIONS.has(name) && !own.has(name)) fail(`${cmd} does not take --${name}.`);
  }

  const max = MAX_ARGS[cmd];
  if (args.length > max) {
    const extra = JSON.stringify(args[max]);
    fail(max === 0 ? `${cmd} takes no arguments; ${extra} is extra.` : `${cmd} takes one argument; ${extra} is extra (quote a value that has spaces).`);
  }

  const rawUrl = (v.url ?? env['CODER_URL'] ?? '').trim();
  const token = (v.token ?? env['CODER_SESSION_TOKEN'] ?? '').trim();
  if (!rawUrl) fail('No Coder URL: set CODER_URL or pass --url.');
  if (!token) fail('No session token: set CODER_SESSION_TOKEN or pass --token (create one with `coder tokens create`).');
  try {
    checkToken(token, v.token !== undefined ? '--token' : 'CODER_SESSION_TOKEN');
  } catch (err) {
    fail((err as Error).message);
  }
  let url = rawUrl;
  try {
    url = parseCoderUrl(rawUrl);
  } catch (err) {
    fail((err as Error).message);
  }

  const need = (n: number, what: string) => {
    if (args.length < n || args.slice(0, n).some((a) => !a.trim())) fail(`${cmd} needs ${what}.`);
  };
  switch (cmd) {
    case 'chat':
      need(1, 'a prompt, e.g. coder-agent chat "fix the flaky test"');
      break;
    case 'send':
      need(2, 'a chat (id or URL) and a prompt');
      break;
    case 'follow':
    case 'interrupt':
    case 'archive':
    case 'unarchive':
      need(1, 'a chat (id or URL)');
      break;
    case 'upload':
      need(1, 'a file path');
      break;
    default:
      break;
  }
  if (cmd === 'send' || cmd === 'follow' || cmd === 'interrupt' || cmd === 'archive' || cmd === 'unarchive') {
    try {
      args = [parseChatRef(args[0] ?? '', url), ...args.slice(1)];
    } catch (err) {
      fail((err as Error).message);
    }
  }
  const fileIds = (v['file-id'] ?? []).map((id) => id.trim());
  for (const id of fileIds) {
    if (!UUID.test(id)) fail(`--file-id takes the id that \`coder-agent upload\` prints, a UUID (got "${id}").`);
  }

  let timeoutMs = 60 * 60_000;
  let limit: number | undefined;
  let afterId: number | undefined;
  let labels: Record<string, string> = {};
  try {
    if (v.timeout) timeoutMs = parseDuration(v.timeout);
    afterId = wholeNumber(v['after-id'], '--after-id', 0);
    limit = wholeNumber(v.limit, '--limit', 1);
    labels = parseLabels(v.label ?? []);
  } catch (err) {
    fail((err as Error).message);
  }

  return {
    kind: 'run',
    settings: {
      command: cmd,
      args,
      url,
      token,
      organization: v.organization ?? env['CODER_ORGANIZATION'],
      workspace: v.workspace,
      model: v.model,
      systemPrompt: v['system-prompt'],
      labels,
      images: v.image ?? [],
      fileIds,
      timeoutMs,
      afterId,
      json: v.json ?? false,
      wait: !v['no-wait'],
      interrupt: v.interrupt ?? false,
      archived: v.archived,
      limit,
      debug: v.debug ?? false,
      quiet: v.quiet ?? false,
      ...(v['output-schema'] !== undefined && { outputSchema: v['output-schema'] }),
    },
  };
}
