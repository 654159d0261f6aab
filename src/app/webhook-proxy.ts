/**
 * What the App says about WEBHOOK_PROXY_URL, worded as docs/deploy.md
 * ("Where GitHub will send webhooks") words it, so the console and the docs
 * tell a new user the same thing. The URL is masked (url-mask.ts): a proxy
 * URL can carry a password.
 */
import { maskUrl } from '../url-mask.js';

/** The running App: GitHub delivers to the proxy, which this process does not read; the command that forwards it. */
export function webhookProxyNotice(proxyUrl: string, port: number, webhookPath: string): string {
  return (
    `WEBHOOK_PROXY_URL is set (${maskUrl(proxyUrl)}): GitHub delivers webhooks there, and the App does not read from it. ` +
    `Forward it to the running App with \`npx smee-client --url $WEBHOOK_PROXY_URL --target http://localhost:${port}${webhookPath}\`.`
  );
}

/** Setup mode: where the App about to be registered will have GitHub send its webhooks (the table in docs/deploy.md). */
export function setupWebhookNotice(env: NodeJS.ProcessEnv): string {
  const proxy = env['WEBHOOK_PROXY_URL']?.trim();
  if (proxy) return `Setup: the App will be registered with WEBHOOK_PROXY_URL (${maskUrl(proxy)}) as its webhook URL.`;
  // Probot's setup app makes no channel with NO_SMEE_SETUP=true, nor in production (probot/lib/apps/setup.js).
  const why = env['NO_SMEE_SETUP'] === 'true' ? 'NO_SMEE_SETUP=true' : env['NODE_ENV'] === 'production' ? 'NODE_ENV=production' : undefined;
  if (why) {
    return `Setup: ${why}, so no smee.io channel is created: the App will be registered with the setup page's own address, http(s)://<host you opened>/api/github/webhooks.`;
  }
  return 'Setup: Probot creates a smee.io channel, writes it to .env as WEBHOOK_PROXY_URL, and registers the App with it. This needs internet access to smee.io; offline, set NO_SMEE_SETUP=true.';
}

/** Probot's setup app says these when it cannot make a smee.io channel (probot/lib/manifest-creation.js). */
const PROBOT_SMEE_FAILURES = ['SmeeClient is not available', 'Unable to connect to smee.io, try restarting your server.'];

/** The docs' sentence in place of Probot's, when the channel cannot be made; other messages pass unchanged. */
export function explainSmeeFailure(message: string): string {
  if (!PROBOT_SMEE_FAILURES.includes(message)) return message;
  return 'No smee.io channel could be created (this needs internet access to smee.io). Set WEBHOOK_PROXY_URL to a proxy URL of your own, or NO_SMEE_SETUP=true to register the App with the setup page\'s own address, then start again.';
}
