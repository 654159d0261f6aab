/**
 * `coder-agent`: the Chats API from a terminal or a scheduled job.
 * `runCli` takes its streams and environment as arguments so tests run it
 * in-process; `bin/coder-agent.js` hands it the real ones.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { CoderClient } from '../coder/client.js';
import { CoderError } from '../coder/errors.js';
import { explainRefusal } from '../coder/refusals.js';
import { followChat, type ChatOutcome, type FollowProgress } from '../coder/follow.js';
import { FINAL_STATUSES, type ChatInputPart } from '../coder/schemas.js';
import { parseOutputSchema } from '../agent/output-schema.js';
import { redactSecrets } from '../agent/render.js';
import { parseCli, rootUrlHint, UsageError, type CliSettings } from './options.js';
import { commandHelp, overviewHelp } from './help.js';
import { DeadlineError, formatMs, withDeadline, type Run } from './deadline.js';
import { startWaitNotice } from './wait-notice.js';
import { AnswerPrinter, progressLine, type TextSink } from './answer-printer.js';
import { sniffImage, MAX_IMAGE_BYTES } from '../coder/files.js';

export interface CliIo {
  /** `isTTY` picks how the answer is printed (answer-printer.ts). */
  stdout: TextSink;
  stderr: TextSink;
  env: Record<string, string | undefined>;
  /** Aborted on Ctrl-C. */
  signal?: AbortSignal;
  /** Test hook: how long before "waiting for Coder" is said (wait-notice.ts). */
  waitNoticeMs?: number;
  /** Test hook: follower tuning (reconnect/poll intervals). */
  followTuning?: { reconnectBaseMs?: number; pollIntervalMs?: number; maxReconnects?: number };
}

export const EXIT = { ok: 0, error: 1, usage: 2, tempfail: 75, timeout: 124, interrupted: 130 } as const;

/**
 * Retries for one request, each said on stderr: a refused connection
 * (ECONNREFUSED: nothing listens) gets two short ones; any other failure to
 * connect (host not found, reset, a port fetch will not use) and 429/502/503/504
 * get four, with waits growing from 0.3 s (about 4 s in all). The README says so.
 */
// A person at a terminal: a silent server fails the run on its first unanswered request (README, "30 s per request … not retried").
export const CLI_RETRY = { retries: 4, baseDelayMs: 300, maxDelayMs: 4000, refusedRetries: 2, timeoutRetries: 0, silentFailsFast: true };

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let settings: CliSettings | undefined;
  try {
    const parsed = parseCli(argv, io.env);
    if (parsed.kind === 'help') {
      io.stdout.write((parsed.command ? commandHelp(parsed.command) : overviewHelp()) + '\n');
      return EXIT.ok;
    }
    if (parsed.kind === 'version') {
      io.stdout.write(`${version()}\n`);
      return EXIT.ok;
    }
    settings = parsed.settings;
    return await withDeadline(settings, io, (run) => execute(settings!, io, run));
  } catch (err) {
    if (err instanceof UsageError) {
      const help = err.command ? `coder-agent help ${err.command}` : 'coder-agent --help';
      io.stderr.write(`coder-agent: ${err.message}\nRun "${help}" for usage.\n`);
      return EXIT.usage;
    }
    if (err instanceof DeadlineError) {
      io.stderr.write(`coder-agent: timed out after ${formatMs(err.timeoutMs)} (--timeout) ${err.during}.\n`);
      return EXIT.timeout;
    }
    if (err instanceof CoderError && err.kind === 'aborted') {
      io.stderr.write('coder-agent: interrupted.\n');
      return EXIT.interrupted;
    }
    const refusal = explainRefusal(err);
    if (refusal) {
      io.stderr.write(`coder-agent: ${redactSecrets(`${refusal.sentence} ${refusal.hint}`, settings ? [settings.token] : [])}\n`);
      // An output schema this deployment cannot honour is a configuration problem, found before any chat: usage.
      return refusal.temporary ? EXIT.tempfail : refusal.kind === 'structured_output' ? EXIT.usage : EXIT.error;
    }
    let text = err instanceof CoderError ? err.describe() : err instanceof Error ? err.message : String(err);
    if (err instanceof CoderError && settings && err.kind !== 'network') {
      const hint = rootUrlHint(settings.url, err.status === 404 && /route not found/i.test(err.message));
      if (hint) text += ` ${hint}`;
    }
    io.stderr.write(`coder-agent: ${redactSecrets(text, settings ? [settings.token] : [])}\n`);
    if (settings?.debug && err instanceof Error && err.stack) io.stderr.write(redactSecrets(err.stack, [settings.token]) + '\n');
    return EXIT.error;
  }
}

function version(): string {
  try {
    const require = createRequire(import.meta.url);
    return (require('../../package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

async function execute(s: CliSettings, io: CliIo, run: Run): Promise<number> {
  const say = (line: string) => {
    if (!s.quiet) io.stderr.write(line + '\n');
  };
  // No terminal to draw on either: a run whose server never answers says so after a few seconds.
  const notice = startWaitNotice(s.url, `${formatMs(s.timeoutMs)} (--timeout)`, say, io.waitNoticeMs);
  const client = new CoderClient({
    url: s.url,
    token: s.token,
    organization: s.organization,
    retry: CLI_RETRY,
    fetch: notice.fetch,
    // The advice ends the final error; on a retry line it would only repeat.
    onRetry: ({ delayMs, reason }) => {
      notice.spoke();
      say(`coder-agent: ${reason.replace(/ Check the URL and that the server is up\.$/, '')} Retrying in ${formatMs(delayMs)}…`);
    },
  });
  try {
    return await runCommand(s, io, run, client, say);
  } finally {
    notice.stop();
  }
}

async function runCommand(s: CliSettings, io: CliIo, run: Run, client: CoderClient, say: (line: string) => void): Promise<number> {
  const out = (value: unknown) => io.stdout.write(JSON.stringify(value, null, 2) + '\n');
  const signal = run.signal;

  switch (s.command) {
    case 'chat': {
      const schema = s.outputSchema === undefined ? undefined : await readSchemaFile(s.outputSchema);
      const content = await inputParts(client, s.args.join(' '), s, signal);
      if (schema) await client.requireStructuredOutput(signal);
      const chat = await client.createChat({
        ...(schema && { response_format: schema }),
        content,
        workspace_id: s.workspace,
        model_config_id: s.model ? await client.resolveModel(s.model, signal) : undefined,
        system_prompt: s.systemPrompt,
        labels: Object.keys(s.labels).length ? s.labels : undefined,
        idempotencyKey: crypto.randomUUID(),
        signal,
      });
      say(`chat ${client.chatUrl(chat.id)}`);
      if (!s.wait) return noWait(s, io, client, chat.id, chat.status);
      return follow(s, io, run, client, { chatId: chat.id, afterId: 0, structured: schema !== undefined });
    }
    case 'send': {
      const [chatId = '', ...rest] = s.args;
      const content = await inputParts(client, rest.join(' '), s, signal);
      const res = await client.sendMessage(
        chatId,
        {
          content,
          model_config_id: s.model ? await client.resolveModel(s.model, signal) : undefined,
          busy_behavior: s.interrupt ? 'interrupt' : undefined,
        },
        signal,
      );
      if (res.queued) say(`queued behind the agent's current turn (${client.chatUrl(chatId)})`);
      if (!s.wait) return noWait(s, io, client, chatId, res.queued ? 'queued' : 'pending');
      const userId = res.message?.id;
      const last = userId ?? (await client.getMessagesAfter(chatId, 0, signal)).messages.at(-1)?.id ?? 0;
      return follow(s, io, run, client, {
        chatId,
        afterId: userId ?? last,
        userMessageId: userId,
        userMessageAt: res.message?.created_at,
        queuedId: res.queued ? res.queued_message?.id : undefined,
      });
    }
    case 'follow': {
      const chatId = s.args[0] ?? '';
      const [chat, history] = await Promise.all([client.getChat(chatId, signal), client.getMessagesAfter(chatId, s.afterId ?? 0, signal)]);
      const lastUser = [...history.messages].reverse().find((m) => m.role === 'user');
      const afterId = lastUser?.id ?? s.afterId ?? 0;
      if (FINAL_STATUSES.has(chat.status) && history.queued.length === 0) {
        // Idle: the current turn is over, so its answer is already stored.
        return follow(s, io, run, client, { chatId, afterId: afterId - 1, skipStream: true });
      }
      return follow(s, io, run, client, { chatId, afterId, userMessageId: afterId || undefined });
    }
    case 'list': {
      const chats = await client.listChats({ archived: s.archived ?? false, labels: Object.keys(s.labels).length ? s.labels : undefined, limit: s.limit, signal });
      if (s.json) {
        out(chats.map((c) => ({ id: c.id, title: c.title, status: c.status, updated_at: c.updated_at, url: client.chatUrl(c.id) })));
      } else if (chats.length === 0) {
        io.stdout.write('No chats.\n');
      } else {
        for (const c of chats) io.stdout.write(`${c.id}  ${c.status.padEnd(10)}  ${c.updated_at ?? ''}  ${c.title}\n`);
      }
      return EXIT.ok;
    }
    case 'models': {
      const models = await client.listModels(signal);
      if (s.json) {
        // The shape `coder-agent help models` promises, the same on every release (absent names are null).
        out(
          models.map((m) => ({
            id: m.id,
            provider: m.provider ?? null,
            model: m.model,
            display_name: m.display_name ?? null,
            enabled: m.enabled,
            is_default: m.is_default,
            available: m.available,
            ...(m.unavailableReason !== undefined && { unavailable_reason: m.unavailableReason }),
          })),
        );
      } else if (models.length === 0) {
        io.stdout.write("No model configs. An administrator adds them in Coder's agent settings.\n");
      } else {
        for (const c of models) {
          const name = c.provider ? `${c.provider}:${c.model}` : c.model;
          const notes = [c.is_default ? 'default' : '', c.enabled ? '' : 'disabled', c.available ? '' : (c.unavailableReason ?? 'unavailable')].filter(Boolean).join(', ');
          io.stdout.write(`${c.id}  ${name}  ${c.display_name ?? ''}${notes ? `  (${notes})` : ''}\n`);
        }
      }
      return EXIT.ok;
    }
    case 'interrupt': {
      const chat = await client.interrupt(s.args[0] ?? '', signal);
      if (s.json) out({ chat_id: chat.id, status: chat.status });
      else io.stdout.write(`Interrupted ${chat.id} (status ${chat.status}).\n`);
      return EXIT.ok;
    }
    case 'archive':
    case 'unarchive': {
      const id = s.args[0] ?? '';
      const { interrupted } = await client.setArchived(id, s.command === 'archive', { signal });
      // Archiving a busy chat stops its agent first (Coder refuses to archive a working chat): say so.
      if (s.json) out({ chat_id: id, archived: s.command === 'archive', interrupted });
      else io.stdout.write(`${interrupted ? 'Interrupted and archived' : s.command === 'archive' ? 'Archived' : 'Unarchived'} ${id}.\n`);
      return EXIT.ok;
    }
    case 'upload': {
      const id = await uploadImage(client, s.args[0] ?? '', signal);
      if (s.json) out({ file_id: id });
      else io.stdout.write(`${id}\n`);
      return EXIT.ok;
    }
  }
}

/** Why a file could not be read, in words rather than an errno code. */
function cannotRead(path: string, err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'there is no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : (code ?? (err as Error).message);
  return `Cannot read ${path}: ${why}.`;
}

async function readSchemaFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(cannotRead(path, err));
  }
  try {
    return parseOutputSchema(text, `--output-schema ${path}`);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

async function uploadImage(client: CoderClient, path: string, signal?: AbortSignal): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new UsageError(cannotRead(path, err));
  }
  if (bytes.length > MAX_IMAGE_BYTES) throw new UsageError(`${path} is ${(bytes.length / 1048576).toFixed(1)} MiB; Coder accepts images up to 10 MiB.`);
  const type = sniffImage(bytes);
  if (!type) throw new UsageError(`${path} is not a PNG, JPEG, GIF or WebP image.`);
  return client.uploadFile(bytes, type, signal);
}

async function inputParts(client: CoderClient, prompt: string, s: CliSettings, signal?: AbortSignal): Promise<ChatInputPart[]> {
  if (!prompt.trim()) throw new UsageError('The prompt is empty.', s.command);
  const parts: ChatInputPart[] = [{ type: 'text', text: prompt }];
  for (const path of s.images) parts.push({ type: 'file', file_id: await uploadImage(client, path, signal) });
  for (const id of s.fileIds) parts.push({ type: 'file', file_id: id });
  return parts;
}

function noWait(s: CliSettings, io: CliIo, client: CoderClient, chatId: string, status: string): number {
  if (s.json) io.stdout.write(JSON.stringify({ chat_id: chatId, chat_url: client.chatUrl(chatId), status, result: null }) + '\n');
  else io.stdout.write(`${client.chatUrl(chatId)}\n`);
  return EXIT.ok;
}

async function follow(
  s: CliSettings,
  io: CliIo,
  run: Run,
  client: CoderClient,
  target: { chatId: string; afterId: number; userMessageId?: number; userMessageAt?: string | undefined; queuedId?: number; skipStream?: boolean; structured?: boolean },
): Promise<number> {
  const printer = new AnswerPrinter(io.stdout, io.stderr, s.quiet || s.json);
  const onProgress = (p: FollowProgress) => {
    if (!s.json) printer.handle(p);
    const line = progressLine(p);
    if (line) printer.status(line);
  };
  const timeoutMs = run.deadline - Date.now();
  if (timeoutMs <= 0) throw new DeadlineError(s.timeoutMs, 'before the answer');
  const outcome: ChatOutcome = await followChat(client, {
    chatId: target.chatId,
    afterId: target.afterId,
    userMessageId: target.userMessageId,
    ...(target.userMessageAt !== undefined && { userMessageAt: target.userMessageAt }),
    queuedId: target.queuedId,
    timeoutMs,
    signal: io.signal,
    onProgress,
    maxReconnects: io.followTuning?.maxReconnects,
    // An idle chat: one REST look gives the stored answer straight away.
    assumeStarted: target.skipStream,
    reconnectBaseMs: io.followTuning?.reconnectBaseMs,
    pollIntervalMs: io.followTuning?.pollIntervalMs,
  });
  // An interrupted turn ends with a partial answer, which must not pass for a finished one, on every release (follow.ts).
  const status = outcome.interrupted ? 'interrupted' : outcome.status;
  if (s.json) {
    const json: Record<string, unknown> = {
      chat_id: outcome.chatId,
      chat_url: outcome.chatUrl,
      status,
      result: outcome.result,
      // Dollars (Coder's AI Gateway cost, sub-agents included); null where the server does not report cost.
      cost_usd: outcome.cost ? outcome.cost.totalCostMicros / 1_000_000 : null,
    };
    if (target.structured || outcome.structuredOutput !== undefined) json['structured_output'] = outcome.structuredOutput ?? null;
    io.stdout.write(JSON.stringify(json) + '\n');
  } else {
    printer.finish();
    // Our own sentences ("finished without writing an answer", an error) are not the agent's text: stderr.
    if (!printer.printedText && status === 'completed') printer.statusAlways(`coder-agent: ${outcome.result}`);
    if (status !== 'completed') printer.statusAlways(statusLine(outcome, status));
  }
  // A server without the feature creates the chat and ignores response_format (coderd httpapi.Read): say so, in either mode.
  if (target.structured && outcome.status === 'completed' && outcome.structuredOutput === undefined) {
    io.stderr.write('coder-agent: Coder returned no structured output for this run; the deployment may not support response_format.\n');
  }
  switch (status) {
    case 'completed':
    case 'requires_action':
      return EXIT.ok;
    case 'timeout':
      return EXIT.timeout;
    case 'aborted':
    case 'interrupted':
      return EXIT.interrupted;
    case 'error':
      return EXIT.error;
  }
}

function statusLine(o: ChatOutcome, status: ChatOutcome['status'] | 'interrupted'): string {
  switch (status) {
    case 'interrupted':
      return o.result === ''
        ? `coder-agent: the agent's turn was interrupted before it finished; it had written nothing: ${o.chatUrl}`
        : `coder-agent: the agent's turn was interrupted before it finished; the answer is partial: ${o.chatUrl}`;
    case 'error':
      return `coder-agent: the agent stopped with an error: ${o.error?.message ?? 'unknown error'} (${o.chatUrl})`;
    case 'timeout':
      return `coder-agent: timed out; the agent may still be working: ${o.chatUrl}`;
    case 'aborted':
      return `coder-agent: stopped following; the agent may still be working: ${o.chatUrl}`;
    case 'requires_action':
      return `coder-agent: the agent is waiting for you: ${o.chatUrl}`;
    default:
      return '';
  }
}
