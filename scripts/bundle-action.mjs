// Bundles the Action into dist/ (ESM; Node 24 on the runner, Node 20 here).
// dist/index.js is the entry action.yml names; what only a run that calls the
// agent needs (Octokit, undici, zod, the Coder client) is split into
// dist/chunks/ and loaded by dynamic import, so a skipped run stays cheap.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

/**
 * @actions/core imports its OIDC client (and with it @actions/http-client and
 * undici, ~400 kB) for `getIDToken`, which the Action never calls. The stub
 * keeps that weight out of the entry; Octokit still loads undici when a run
 * needs it.
 */
const withoutCoreOidc = {
  name: 'without-core-oidc',
  setup(b) {
    b.onResolve({ filter: /\/oidc-utils\.js$/ }, (args) => (/@actions[\\/]core[\\/]/.test(args.importer) ? { path: 'oidc-utils', namespace: 'core-oidc-stub' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'core-oidc-stub' }, () => ({
      contents: 'export class OidcClient { static async getIDToken() { throw new Error("coder-agent-bot does not use OIDC tokens"); } }',
      loader: 'js',
    }));
  },
};

// Chunk names carry a content hash: stale ones must not linger in dist/.
rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: ['src/action/index.ts'],
  outdir: 'dist',
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  splitting: true,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  minify: true,
  legalComments: 'linked',
  logLevel: 'warning',
  plugins: [withoutCoreOidc],
  // A CommonJS dependency calls require() at start-up; ESM has no require of its own.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});
