/**
 * Help text for `coder-agent`: the overview (`coder-agent --help`) and one
 * page per command (`coder-agent help <command>`, `coder-agent <command> --help`).
 * Options are described once here and listed under every command that takes them.
 */
import { DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_TEXT } from './values.js';

export const COMMANDS = ['chat', 'send', 'follow', 'list', 'models', 'interrupt', 'archive', 'unarchive', 'upload'] as const;
export type Command = (typeof COMMANDS)[number];

export const isCommand = (s: string): s is Command => (COMMANDS as readonly string[]).includes(s);

/** Every environment variable the CLI reads; the overview lists them all. */
export const ENVIRONMENT: ReadonlyArray<readonly [name: string, what: string]> = [
  ['CODER_URL', 'Coder deployment URL, e.g. https://coder.example.com (--url overrides)'],
  ['CODER_SESSION_TOKEN', 'session token, from `coder tokens create` (--token overrides)'],
  ['CODER_ORGANIZATION', 'organization id or name (--organization overrides; default: your first)'],
];

const OPTIONS: Record<string, string> = {
  url: '--url <url>            Coder deployment URL, http:// or https:// (default: $CODER_URL)',
  token: '--token <token>        session token (default: $CODER_SESSION_TOKEN)',
  organization: '--organization <org>   organization id or name (default: $CODER_ORGANIZATION, else your first)',
  workspace: '--workspace <id>       pin the chat to a workspace',
  model: '--model <name|id>      model config id, or a model name to resolve (see `coder-agent models`)',
  'system-prompt': '--system-prompt <text> extra system prompt',
  'output-schema': "--output-schema <file> a JSON Schema the answer must follow (Coder's chat-structured-output\n                         experiment); --json then has structured_output",
  label: '--label key=value      label the chat; repeatable',
  'label-filter': '--label key=value      only chats with this label; repeatable',
  image: '--image <file>         upload and attach an image (PNG, JPEG, GIF, WebP ≤ 10 MiB); repeatable',
  'file-id': '--file-id <id>         attach a file uploaded earlier (the id `coder-agent upload` prints); repeatable',
  timeout: `--timeout <duration>   give up after this long, connecting included: 90s, 30m, 2h;\n                         a bare number is minutes (default ${DEFAULT_TIMEOUT_MS / 60_000}m, at most ${MAX_TIMEOUT_TEXT}); exit 124`,
  'after-id': '--after-id <n>         only messages after this message id',
  'no-wait': '--no-wait              return once the message is accepted; print the chat URL',
  interrupt: '--interrupt            interrupt a busy agent instead of queueing behind its turn',
  archived: '--archived             archived chats instead of active ones',
  limit: '--limit <n>            at most n chats (1 or more)',
  json: '--json                 print JSON instead of text: chat, send and follow one object (with\n                         cost_usd: the chat\'s cost in dollars, or null where Coder does not\n                         report it); list and models an array',
  quiet: '--quiet                no progress or status lines on stderr',
  debug: '--debug                show stack traces on errors',
  help: '-h, --help             this help',
};

const COMMON = ['url', 'token', 'organization', 'timeout', 'json', 'quiet', 'debug', 'help'];

interface CommandHelp {
  usage: string;
  summary: string;
  about?: string;
  options: string[];
}

const CHAT_ID = '<chat> is a chat id or its URL ({CODER_URL}/agents/{id}, as `chat --no-wait` prints).';

export const COMMAND_HELP: Record<Command, CommandHelp> = {
  chat: {
    usage: 'coder-agent chat [options] "<prompt>"',
    summary: 'create a chat, stream the answer',
    about:
      'On a terminal the answer streams as the agent writes it. Piped or redirected, only text\n' +
      'the agent can no longer take back is printed, so a file never holds discarded text.',
    options: ['workspace', 'model', 'system-prompt', 'output-schema', 'label', 'image', 'file-id', 'no-wait'],
  },
  send: {
    usage: 'coder-agent send [options] <chat> "<prompt>"',
    summary: 'send a follow-up and stream the answer',
    about: CHAT_ID,
    options: ['model', 'image', 'file-id', 'interrupt', 'no-wait'],
  },
  follow: {
    usage: 'coder-agent follow [options] <chat>',
    summary: "follow the chat's current turn to its end",
    about: CHAT_ID,
    options: ['after-id'],
  },
  list: { usage: 'coder-agent list [options]', summary: 'list your chats', options: ['label-filter', 'archived', 'limit'] },
  models: {
    usage: 'coder-agent models [options]',
    summary: 'list model configs (ids and names for --model)',
    about:
      'With --json, an array with one object per model config:\n' +
      '  {id, provider, model, display_name, enabled, is_default, available, unavailable_reason?}\n' +
      '--model takes the id, the model, or provider:model.',
    options: [],
  },
  interrupt: { usage: 'coder-agent interrupt [options] <chat>', summary: "stop the agent's current turn", about: CHAT_ID, options: [] },
  archive: { usage: 'coder-agent archive [options] <chat>', summary: 'archive a chat', about: CHAT_ID, options: [] },
  unarchive: { usage: 'coder-agent unarchive [options] <chat>', summary: 'unarchive a chat', about: CHAT_ID, options: [] },
  upload: {
    usage: 'coder-agent upload [options] <file>',
    summary: 'upload an image, print its file id (for --file-id)',
    options: [],
  },
};

const EXIT_CODES = `Exit codes:
  0    done
  1    the agent or Coder reported an error
  2    bad usage (unknown option, missing argument, malformed --url, ...), or an option
       this deployment cannot honour (--output-schema where Coder offers no structured output)
  75   Coder asked to try again later (the chat's message queue is full)
  124  timed out (--timeout), connecting included
  130  interrupted: Ctrl-C, or the agent's turn was interrupted (the answer is partial)`;

const environment = (): string => `Environment:\n${ENVIRONMENT.map(([name, what]) => `  ${name.padEnd(21)}${what}`).join('\n')}`;

const optionLines = (names: string[]): string => names.map((n) => `  ${OPTIONS[n] ?? n}`).join('\n');

/** `coder-agent --help`: every command, the common options, the environment and the exit codes. */
export function overviewHelp(): string {
  const commands = COMMANDS.map((c) => `  ${COMMAND_HELP[c].usage.replace(' [options]', '').padEnd(44)}${COMMAND_HELP[c].summary}`).join('\n');
  return [
    'coder-agent — talk to Coder Agents from a terminal or a scheduled job',
    '',
    'Usage:',
    commands,
    '  coder-agent help [<command>]                this help, or one command\'s options',
    '',
    'Options for every command:',
    optionLines(COMMON),
    '  -v, --version          the version',
    '',
    'Run "coder-agent help <command>" for the options of a command.',
    '',
    environment(),
    '',
    EXIT_CODES,
  ].join('\n');
}

/** `coder-agent help <command>` and `coder-agent <command> --help`. */
export function commandHelp(command: Command): string {
  const h = COMMAND_HELP[command];
  const own = h.options.length ? `Options:\n${optionLines(h.options)}\n\n` : '';
  return [
    `coder-agent ${command} — ${h.summary}`,
    '',
    `Usage: ${h.usage}`,
    ...(h.about ? ['', h.about] : []),
    '',
    `${own}Options for every command:\n${optionLines(COMMON)}`,
    '',
    environment(),
    '',
    EXIT_CODES,
  ].join('\n');
}
