// Bundles the Action into dist/index.js (ESM, one file, Node 24 on the runner, Node 20 here).
import { build } from 'esbuild';

await build({
  entryPoints: ['src/action/index.ts'],
  outfile: 'dist/index.js',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  minify: true,
  legalComments: 'linked',
  logLevel: 'warning',
  // A CommonJS dependency calls require() at start-up; ESM has no require of its own.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});
