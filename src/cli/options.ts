/**
 * Command-line parsing for `coder-agent`: one settings object from flags and
 * the environment variables Coder's own CLI uses (CODER_URL,
 * CODER_SESSION_TOKEN, CODER_ORGANIZATION). Every mistake here is a
 * UsageError (exit 2) with a sentence, never a stack.
 */
import { parseArgs } from 'node:util';
import { COMMAND_HELP, isCommand, type Command } from './help.js';
import { checkToken, parseChatRef, parseCoderUrl, UUID } from './coder-address.js';
import { UsageError } from './usage-error.js';
import { DEFAULT_TIMEOUT_MS, parseDuration, parseLabels, wholeNumber } from './values.js';

export { COMMANDS, type Command } from './help.js';
export { rootUrlHint } from './coder-address.js';
export { UsageError } from './usage-error.js';

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

  let timeoutMs = DEFAULT_TIMEOUT_MS;
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
