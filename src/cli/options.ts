/**
 * Command-line parsing for `coder-agent`: one settings object from flags and
 * the environment variables Coder's own CLI uses (CODER_URL,
 * CODER_SESSION_TOKEN).
 */
import { parseArgs } from 'node:util';

export const COMMANDS = ['chat', 'send', 'follow', 'list', 'models', 'interrupt', 'archive', 'unarchive', 'upload'] as const;
export type Command = (typeof COMMANDS)[number];

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface CliSettings {
  command: Command;
  args: string[];
  url: string;
  token: string;
  organization?: string;
  workspace?: string;
  model?: string;
  systemPrompt?: string;
  labels: Record<string, string>;
  images: string[];
  timeoutMs: number;
  afterId?: number;
  json: boolean;
  wait: boolean;
  interrupt: boolean;
  archived?: boolean;
  limit?: number;
  debug: boolean;
  quiet: boolean;
}

export const HELP = `coder-agent — talk to Coder Agents from a terminal or a scheduled job

Usage:
  coder-agent chat "<prompt>"            create a chat, stream the answer
  coder-agent send <chat-id> "<prompt>"  send a follow-up and stream the answer
  coder-agent follow <chat-id>           follow the chat's current turn to its end
  coder-agent list                       list your chats
  coder-agent models                     list model configs (ids for --model)
  coder-agent interrupt <chat-id>        stop the agent's current turn
  coder-agent archive|unarchive <chat-id>
  coder-agent upload <file>              upload an image, print its file id

Options:
  --url <url>            Coder deployment URL (default: $CODER_URL)
  --token <token>        session token (default: $CODER_SESSION_TOKEN)
  --organization <org>   organization id or name (default: your first)
  --workspace <id>       pin the chat to a workspace (chat)
  --model <name|id>      model config id, or a model name to resolve (chat, send)
  --system-prompt <text> extra system prompt (chat)
  --label key=value      label the chat; repeatable (chat); filter (list)
  --image <file>         attach an image (PNG, JPEG, GIF, WebP ≤ 10 MiB); repeatable
  --timeout <duration>   give up after this long: 90s, 30m, 2h (default 60m)
  --after-id <n>         follow: only messages after this id
  --no-wait              chat/send: create and return without following
  --interrupt            send: interrupt a busy agent instead of queueing
  --archived             list: archived chats instead of active ones
  --limit <n>            list: at most n chats
  --json                 print one JSON object instead of streaming text
  --quiet                no progress lines on stderr
  --debug                show stack traces on errors
  -h, --help             this help
  -v, --version          the version

Exit codes: 0 done, 1 the agent or Coder reported an error, 2 bad usage,
124 timed out, 130 interrupted (Ctrl-C).`;

/** Parses "90s", "30m", "2h", "1500ms" or a bare number of minutes. */
export function parseDuration(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  if (!m || !m[1]) throw new UsageError(`"${text}" is not a duration (use e.g. 90s, 30m or 2h).`);
  const n = Number(m[1]);
  const unit = m[2] ?? 'm';
  const ms = unit === 'ms' ? n : unit === 's' ? n * 1000 : unit === 'm' ? n * 60_000 : n * 3_600_000;
  if (ms <= 0) throw new UsageError(`The timeout must be more than zero (got "${text}").`);
  return ms;
}

function parseLabels(list: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list) {
    const i = item.search(/[=:]/);
    if (i <= 0) throw new UsageError(`--label takes key=value (got "${item}").`);
    out[item.slice(0, i)] = item.slice(i + 1);
  }
  return out;
}

function positiveInt(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new UsageError(`${flag} takes a whole number (got "${text}").`);
  return Number(text);
}

export type ParsedCli = { kind: 'help' } | { kind: 'version' } | { kind: 'run'; settings: CliSettings };

export function parseCli(argv: string[], env: Record<string, string | undefined>): ParsedCli {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        token: { type: 'string' },
        organization: { type: 'string' },
        workspace: { type: 'string' },
        model: { type: 'string' },
        'system-prompt': { type: 'string' },
        label: { type: 'string', multiple: true },
        image: { type: 'string', multiple: true },
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
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const v = parsed.values;
  if (v.help) return { kind: 'help' };
  if (v.version) return { kind: 'version' };
  const [command, ...args] = parsed.positionals;
  if (!command) throw new UsageError('No command given.');
  if (!(COMMANDS as readonly string[]).includes(command)) throw new UsageError(`Unknown command "${command}".`);

  const url = (v.url ?? env['CODER_URL'] ?? '').trim();
  const token = (v.token ?? env['CODER_SESSION_TOKEN'] ?? '').trim();
  if (!url) throw new UsageError('No Coder URL: set CODER_URL or pass --url.');
  if (!token) throw new UsageError('No session token: set CODER_SESSION_TOKEN or pass --token (create one with `coder tokens create`).');

  const need = (n: number, what: string) => {
    if (args.length < n || args.slice(0, n).some((a) => !a.trim())) throw new UsageError(`${command} needs ${what}.`);
  };
  switch (command as Command) {
    case 'chat':
      need(1, 'a prompt, e.g. coder-agent chat "fix the flaky test"');
      break;
    case 'send':
      need(2, 'a chat id and a prompt');
      break;
    case 'follow':
    case 'interrupt':
    case 'archive':
    case 'unarchive':
      need(1, 'a chat id');
      break;
    case 'upload':
      need(1, 'a file path');
      break;
    default:
      break;
  }

  return {
    kind: 'run',
    settings: {
      command: command as Command,
      args,
      url,
      token,
      organization: v.organization ?? env['CODER_ORGANIZATION'],
      workspace: v.workspace,
      model: v.model,
      systemPrompt: v['system-prompt'],
      labels: parseLabels(v.label ?? []),
      images: v.image ?? [],
      timeoutMs: v.timeout ? parseDuration(v.timeout) : 60 * 60_000,
      afterId: positiveInt(v['after-id'], '--after-id'),
      json: v.json ?? false,
      wait: !v['no-wait'],
      interrupt: v.interrupt ?? false,
      archived: v.archived,
      limit: positiveInt(v.limit, '--limit'),
      debug: v.debug ?? false,
      quiet: v.quiet ?? false,
    },
  };
}
