/**
 * Command-line parsing for `coder-agent`: one settings object from flags and
 * the environment variables Coder's own CLI uses (CODER_URL,
 * CODER_SESSION_TOKEN, CODER_ORGANIZATION). Every mistake here is a
 * UsageError (exit 2) with a sentence, never a stack.
 */
import { parseArgs } from 'node:util';
import { COMMAND_HELP, isCommand, type Command } from './help.js';

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

/** Parses "90s", "30m", "2h", "1500ms" or a bare number of minutes. */
export function parseDuration(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  if (!m || !m[1]) throw new UsageError(`"${text}" is not a duration (use e.g. 90s, 30m or 2h; a bare number is minutes).`);
  const n = Number(m[1]);
  const unit = m[2] ?? 'm';
  const ms = unit === 'ms' ? n : unit === 's' ? n * 1000 : unit === 'm' ? n * 60_000 : n * 3_600_000;
  if (ms <= 0) throw new UsageError(`The timeout must be more than zero (got "${text}").`);
  return ms;
}

/** Checks a deployment URL: absolute, http or https. */
export function parseCoderUrl(text: string): string {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new UsageError(`"${text}" is not a URL: give the Coder deployment's address, e.g. https://coder.example.com.`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new UsageError(`The Coder URL must start with http:// or https:// (got "${text}").`);
  }
  return text;
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
    parsed = parseArgs({ args: argv, allowPositionals: true, options: OPTION_SPEC });
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

  const rawUrl = (v.url ?? env['CODER_URL'] ?? '').trim();
  const token = (v.token ?? env['CODER_SESSION_TOKEN'] ?? '').trim();
  if (!rawUrl) fail('No Coder URL: set CODER_URL or pass --url.');
  if (!token) fail('No session token: set CODER_SESSION_TOKEN or pass --token (create one with `coder tokens create`).');
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
