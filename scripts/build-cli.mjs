// Bundles the CLI into dist/rollgate.mjs so `npx rollgate` starts fast; run by `npm ci` through `prepare`.
// bin/rollgate.mjs falls back to running the TypeScript through tsx whenever this bundle is missing or older than
// any source, so an edit is never hidden behind a stale build.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

await build({
  absWorkingDir: root,
  entryPoints: ['bin/rollgate.ts'],
  outfile: 'dist/rollgate.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
});
