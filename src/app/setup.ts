/**
 * The App's first run: Probot's setup flow (register the App on GitHub from
 * app.yml, then write APP_ID, PRIVATE_KEY and WEBHOOK_SECRET to .env), with
 * two of its pages served by us:
 *
 * - The page that posts the manifest. Probot's puts the manifest's JSON in a
 *   single-quoted HTML attribute unescaped, so an apostrophe in app.yml (or
 *   in the Host header, or WEBHOOK_PROXY_URL) ends it early and GitHub
 *   receives broken JSON. Ours escapes every value it embeds.
 * - The manifest itself: Probot spreads app.yml over the webhook URL it
 *   computed, so a `hook_attributes.url` in app.yml would win over the smee
 *   channel or this server's own URL. Here WEBHOOK_PROXY_URL, else this
 *   server's webhook path, always sets it.
 *
 * The rest (the code exchange with GitHub, `.env`, the smee channel, the
 * import page) is Probot's own, unchanged.
 */
import { readFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Probot, Server } from 'probot';
import { parse as parseYaml } from 'yaml';
import type { Logger as PinoLogger } from 'probot';
import { maskUrl } from '../url-mask.js';
import { createAppLog } from './app-log.js';
import type { LogOptions } from './log-options.js';
import { explainSmeeFailure, setupWebhookNotice } from './webhook-proxy.js';

/** Where GitHub's manifest flow is documented: https://docs.github.com/en/apps/sharing-github-apps/registering-a-github-app-from-a-manifest */
export type AppManifest = Record<string, unknown> & { hook_attributes: { url: string } & Record<string, unknown>; redirect_url: string };

/**
 * The manifest GitHub registers: app.yml's fields, the webhook URL
 * (WEBHOOK_PROXY_URL, else `<baseUrl><webhookPath>`) and the redirect back
 * to this server's `/probot/setup`, where Probot exchanges the code.
 */
export function appManifest(appYml: string, opts: { baseUrl: string; webhookPath: string; env: NodeJS.ProcessEnv }): AppManifest {
  const file = (parseYaml(appYml) ?? {}) as Record<string, unknown>;
  const hook = typeof file['hook_attributes'] === 'object' && file['hook_attributes'] !== null ? (file['hook_attributes'] as Record<string, unknown>) : {};
  return {
    ...file,
    hook_attributes: { ...hook, url: opts.env['WEBHOOK_PROXY_URL']?.trim() || `${opts.baseUrl}${opts.webhookPath}` },
    redirect_url: `${opts.baseUrl}/probot/setup`,
  };
}

/** Escapes text for an HTML attribute value or element content (HTML's five significant characters). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * app.yml's description as the page shows it: Markdown code spans
 * (`` `/agent …` ``) become <code>, as GitHub shows them on the App's page;
 * everything else is text, escaped. An unmatched backtick stays a backtick.
 */
export function renderInlineMarkdown(text: string): string {
  return text
    .split(/(`[^`]+`)/)
    .map((part) => (part.length > 2 && part.startsWith('`') && part.endsWith('`') ? `<code>${escapeHtml(part.slice(1, -1))}</code>` : escapeHtml(part)))
    .join('');
}

/**
 * The page with the "Register GitHub App" button, which POSTs the manifest to
 * GitHub. The manifest in the button is exact (GitHub needs the real webhook
 * URL); the URL the page shows is masked, since a proxy URL can carry a password.
 */
export function setupPage(manifest: AppManifest, createAppUrl: string): string {
  const name = typeof manifest['name'] === 'string' ? manifest['name'] : 'the App';
  const description = typeof manifest['description'] === 'string' ? manifest['description'] : '';
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Set up ${escapeHtml(name)}</title><link rel="stylesheet" href="/probot/static/primer.css"></head>
<body class="p-6">
  <h1>Set up ${escapeHtml(name)}</h1>
  <p>${renderInlineMarkdown(description)}</p>
  <p>Register the GitHub App on GitHub; its webhooks will go to <code>${escapeHtml(maskUrl(manifest.hook_attributes.url))}</code>.</p>
  <form action="${escapeHtml(createAppUrl)}" method="post">
    <button class="btn btn-primary" name="manifest" id="manifest" value="${escapeHtml(JSON.stringify(manifest))}">Register GitHub App</button>
    <a href="/probot/import" class="ml-2">or use an existing GitHub App</a>
  </form>
</body>
</html>`;
}

/** GitHub's "new App" form, on github.com or GHE_HOST, for an organisation with GH_ORG (as Probot builds it). */
function createAppUrl(env: NodeJS.ProcessEnv): string {
  const host = env['GHE_HOST'] || 'github.com';
  return `${env['GHE_PROTOCOL'] || 'https'}://${host}${env['GH_ORG'] ? `/organizations/${env['GH_ORG']}` : ''}/settings/apps/new`;
}

function baseUrlOf(req: IncomingMessage): string {
  const forwarded = req.headers['x-forwarded-proto'];
  const proto = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim() || 'http';
  const hostHeader = req.headers['x-forwarded-host'] ?? req.headers.host ?? 'localhost';
  return `${proto}://${Array.isArray(hostHeader) ? hostHeader[0] : hostHeader}`;
}

type SetupHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean> | boolean;
type SetupAppFactory = (options: { host: string; port: number; log: unknown }) => () => Promise<SetupHandler>;

/**
 * Probot's setup app. Its package exports only its entry, so the module is
 * loaded by path beside that entry; probot's version is pinned in
 * package.json, and the setup test fails if the file moves.
 */
async function probotSetupAppFactory(): Promise<SetupAppFactory> {
  const entry = createRequire(import.meta.url).resolve('probot');
  const mod = (await import(new URL('./apps/setup.js', pathToFileURL(entry)).href)) as { setupAppFactory: SetupAppFactory };
  return mod.setupAppFactory;
}

export interface SetupOptions {
  env: NodeJS.ProcessEnv;
  /** LOG_LEVEL and LOG_FORMAT, checked by the caller (log-options.ts). */
  log: LogOptions;
  /** app.yml's path (the package's own by default). */
  appYmlPath?: URL | string;
}

/**
 * Serves the setup flow on HOST:PORT (Probot's defaults: localhost:3000)
 * until the process ends. Probot creates a smee.io channel unless
 * WEBHOOK_PROXY_URL is set or NO_SMEE_SETUP=true.
 */
export async function runSetup(opts: SetupOptions): Promise<Server> {
  const { env } = opts;
  const appYml = readFileSync(opts.appYmlPath ?? new URL('../../app.yml', import.meta.url), 'utf8');
  const webhookPath = env['WEBHOOK_PATH']?.trim() || '/api/github/webhooks';
  const port = Number(env['PORT']) || 3000;
  const host = env['HOST']?.trim() || 'localhost';
  // Probot's workaround for setup (probot#1512): the Probot is never used to act, but must be constructible.
  const dummy = { appId: 1, privateKey: 'dummy value for setup, see probot#1512', secret: 'development' };
  // Probot's server prints its welcome banner and, on a busy port, a stack trace: find out first, in one sentence.
  await portIsFree(host, port);
  // The running App's logger (app-log.ts): LOG_LEVEL, LOG_FORMAT, one name per line.
  const log = await createAppLog(opts.log);
  log.info("No APP_ID/PRIVATE_KEY: starting Probot's setup flow. Open the printed URL to register the App from app.yml.");
  log.info(setupWebhookNotice(env));
  const server = new Server({ host, port, webhookPath, log, Probot: Probot.defaults({ ...dummy, log }) });
  server.addHandler((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' || path !== '/probot') return false;
    const manifest = appManifest(appYml, { baseUrl: baseUrlOf(req), webhookPath, env });
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(setupPage(manifest, createAppUrl(env)));
    return true;
  });
  const setupAppFactory = await probotSetupAppFactory();
  await server.loadHandlerFactory(setupAppFactory({ host, port, log: withSmeeAdvice(log) }));
  await server.start();
  return server;
}

/** The setup server cannot listen on HOST:PORT: one sentence saying why and what to do. */
export class SetupPortError extends Error {
  override readonly name = 'SetupPortError';
}

/**
 * Listens on `host:port` for a moment and closes again; rejects with
 * SetupPortError when the port is taken (EADDRINUSE) or not allowed
 * (EACCES, ports under 1024 without privileges).
 */
async function portIsFree(host: string, port: number): Promise<void> {
  const probe = createNetServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (err: NodeJS.ErrnoException) => {
      const why = err.code === 'EADDRINUSE' ? 'is already in use' : err.code === 'EACCES' ? 'needs privileges this process does not have' : `cannot be used (${err.code ?? err.message})`;
      reject(new SetupPortError(`Port ${port} on ${host} ${why}: stop what uses it, or set PORT to a free port.`));
    });
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

/** Probot's setup app logs through this: its smee.io warnings become the docs' sentence (webhook-proxy.ts). */
function withSmeeAdvice(log: PinoLogger): PinoLogger {
  return new Proxy(log, {
    get(target, prop) {
      if (prop === 'warn') return (...args: unknown[]) => (typeof args[0] === 'string' ? target.warn(explainSmeeFailure(args[0])) : target.warn(args[0] as object, ...(args.slice(1) as [])));
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
