// Part 3, bundles and cold start: each handler built with esbuild's JS API the way the stack's NodejsFunction builds
// it, its minified size and largest inputs from the metafile, and its module initialisation time in fresh Node
// processes against an empty handler built the same way (starts interleaved, median of several).

import { mkdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { REPO_ROOT, runJsonChild } from './node-child.ts';
import { rotate } from './rotate.ts';
import { summarize, type SampleSummary } from './sample-stats.ts';

export const HANDLER_ENTRIES = [
  { name: 'deploy-event', entry: 'lambda/handlers/deploy-event.ts' },
  { name: 'scheduled-check', entry: 'lambda/handlers/scheduled-check.ts' },
] as const;
const EMPTY_ENTRY = { name: 'empty', entry: 'bench/fixtures/empty-handler.ts' } as const;
const TOP_INPUTS = 5;

/**
 * What the handlers read at cold start, so init does not fail for want of configuration: the variables the stack sets
 * (lib/rollgate.ts), every function getting all of them. A variable a handler starts to require fails init with its
 * name in the error; add it here.
 */
export const HANDLER_ENV: Readonly<Record<string, string>> = {
  ROLLGATE_EVIDENCE_BUCKET: 'bench-bucket',
  ROLLGATE_ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:000000000000:bench',
  ROLLGATE_ROLLBACK_DOCUMENT: 'RollgateRollback',
  ROLLGATE_ROLLBACK_WAIT_SECONDS: '600',
  ROLLGATE_IDEMPOTENCY_TABLE: 'bench-idempotency',
  ROLLGATE_STATE_TABLE: 'bench-state',
  // What the registry layer holds (lib/registry-layer.ts): here no services and no monitors.
  ROLLGATE_REGISTRY_FILE: fileURLToPath(new URL('./fixtures/empty-registry.json', import.meta.url)),
  AWS_REGION: 'us-east-1',
  POWERTOOLS_SERVICE_NAME: 'rollgate',
  POWERTOOLS_METRICS_NAMESPACE: 'Rollgate',
  POWERTOOLS_LOG_LEVEL: 'INFO',
};

/**
 * Runs in the child: performance.timeOrigin is the process start, so performance.now() after require() is the time
 * from process start to a loaded handler, which is what a cold start waits for.
 */
const INIT_PROBE_SOURCE = [
  'const before = performance.now();',
  'const mod = require(process.argv[1]);',
  'const ready = performance.now();',
  "if (typeof mod.handler !== 'function') throw new Error('bundle exports no handler function');",
  'process.stdout.write(JSON.stringify({ ready_ms: ready, require_ms: ready - before }) + "\\n");',
].join('\n');

export interface BundlePlan {
  readonly outDir: string;
  readonly starts: number;
  readonly budgetMs: number;
  readonly childTimeoutMs: number;
}

export interface BundleInput {
  readonly path: string;
  readonly bytes: number;
}

export interface BuiltBundle {
  readonly name: string;
  readonly entry: string;
  /** The minified JS, without its source map. */
  readonly bytes: number;
  readonly map_bytes: number;
  readonly top_inputs: readonly BundleInput[];
  /** The same bytes summed by npm package (or by repository folder): what to cut first. */
  readonly top_packages: readonly BundleInput[];
}

export interface HandlerInit {
  readonly name: string;
  /** Process start to handler loaded. */
  readonly ready_ms: SampleSummary;
  /** require() of the bundle alone. */
  readonly require_ms: SampleSummary;
  /** Ratios of medians against the empty handler. */
  readonly init_over_empty: number;
  readonly require_over_empty: number;
}

export interface BundleResult {
  readonly esbuild_options: BuildOptions;
  readonly handlers: readonly BuiltBundle[];
  readonly empty: BuiltBundle;
  readonly starts: number;
  readonly empty_init: { readonly ready_ms: SampleSummary; readonly require_ms: SampleSummary };
  readonly init: readonly HandlerInit[];
  readonly sdk_note: string;
}

/** The stack's bundling (lib/rollgate-function.ts), spelled as esbuild options. */
const ESBUILD_OPTIONS: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  minify: true,
  sourcemap: 'external',
  sourcesContent: false,
  external: ['@aws-sdk/*', '@aws-lambda-powertools/*'],
  supported: { 'dynamic-import': false },
};

export async function measureBundles(plan: BundlePlan, log: (line: string) => void): Promise<BundleResult> {
  await mkdir(plan.outDir, { recursive: true });
  const handlers: BuiltBundle[] = [];
  for (const handler of HANDLER_ENTRIES) handlers.push(await buildBundle(handler.name, handler.entry, plan.outDir));
  const empty = await buildBundle(EMPTY_ENTRY.name, EMPTY_ENTRY.entry, plan.outDir);

  const everyBundle = [...handlers, empty];
  const ready = new Map<string, number[]>(everyBundle.map((b) => [b.name, []]));
  const required = new Map<string, number[]>(everyBundle.map((b) => [b.name, []]));
  const started = performance.now();
  let starts = 0;
  for (; starts < plan.starts; starts += 1) {
    if (starts > 0 && performance.now() - started > plan.budgetMs) break;
    for (const bundle of rotate(everyBundle, starts)) {
      const sample = await measureInit(bundle.name, bundlePath(plan.outDir, bundle.name), plan.childTimeoutMs);
      ready.get(bundle.name)!.push(sample.ready_ms);
      required.get(bundle.name)!.push(sample.require_ms);
    }
  }
  const emptyInit = { ready_ms: summarize(ready.get(empty.name)!), require_ms: summarize(required.get(empty.name)!) };
  const init = handlers.map((bundle): HandlerInit => {
    const readyMs = summarize(ready.get(bundle.name)!);
    const requireMs = summarize(required.get(bundle.name)!);
    return {
      name: bundle.name,
      ready_ms: readyMs,
      require_ms: requireMs,
      init_over_empty: readyMs.median / emptyInit.ready_ms.median,
      require_over_empty: requireMs.median / emptyInit.require_ms.median,
    };
  });
  for (const handler of init) {
    log(
      `bundle ${handler.name}: init ${handler.ready_ms.median.toFixed(1)} ms vs empty ${emptyInit.ready_ms.median.toFixed(1)} ms`,
    );
  }
  return {
    esbuild_options: ESBUILD_OPTIONS,
    handlers,
    empty,
    starts,
    empty_init: emptyInit,
    init,
    sdk_note:
      '@aws-sdk/* and @aws-lambda-powertools/* are external, as in the stack: on Lambda the nodejs22.x runtime provides ' +
      "the SDK and Powertools comes from its Lambda layer; here the child resolves both from the repository's " +
      'node_modules, so loading them counts in handler init as it would on Lambda.',
  };
}

async function buildBundle(name: string, entry: string, outDir: string): Promise<BuiltBundle> {
  const outfile = bundlePath(outDir, name);
  const result = await build({
    ...ESBUILD_OPTIONS,
    entryPoints: [join(REPO_ROOT, entry)],
    outfile,
    absWorkingDir: REPO_ROOT,
    metafile: true,
    logLevel: 'silent',
  });
  return {
    name,
    entry,
    bytes: (await stat(outfile)).size,
    map_bytes: (await stat(`${outfile}.map`)).size,
    ...largestInputs(result.metafile, relative(REPO_ROOT, outfile)),
  };
}

/**
 * `.cjs`, because a `.js` file under this repository's `"type": "module"` would load as ESM. On Lambda the asset
 * directory has no package.json, so its `index.js` is CommonJS: the same code, loaded the same way.
 */
function bundlePath(outDir: string, name: string): string {
  return join(outDir, `${name}.cjs`);
}

function largestInputs(metafile: Metafile, outputPath: string): Pick<BuiltBundle, 'top_inputs' | 'top_packages'> {
  const output = metafile.outputs[outputPath];
  if (output === undefined) throw new Error(`esbuild metafile has no output ${outputPath}`);
  const inputs = Object.entries(output.inputs).map(([path, input]) => ({ path, bytes: input.bytesInOutput }));
  const packages = new Map<string, number>();
  for (const input of inputs)
    packages.set(packageOf(input.path), (packages.get(packageOf(input.path)) ?? 0) + input.bytes);
  const largest = (list: BundleInput[]): BundleInput[] => list.sort((a, b) => b.bytes - a.bytes).slice(0, TOP_INPUTS);
  return {
    top_inputs: largest(inputs),
    top_packages: largest([...packages].map(([path, bytes]) => ({ path, bytes }))),
  };
}

/** `node_modules/@scope/name/...` → `@scope/name`, `node_modules/name/...` → `name`, `lambda/core/x.ts` → `lambda/core`. */
function packageOf(path: string): string {
  const parts = path.split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at === -1) return parts.slice(0, -1).join('/') || path;
  const name = parts[at + 1] ?? path;
  return name.startsWith('@') ? `${name}/${parts[at + 2] ?? ''}` : name;
}

function measureInit(
  name: string,
  bundlePath: string,
  timeoutMs: number,
): Promise<{ ready_ms: number; require_ms: number }> {
  return runJsonChild({
    label: `init child (${name})`,
    args: ['-e', INIT_PROBE_SOURCE, bundlePath],
    // Only what a Lambda would have: no NODE_OPTIONS, loaders or test-runner variables from this process. NODE_PATH
    // stands in for the runtime's own @aws-sdk/* and Powertools' layer, wherever the bundle was written.
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NODE_PATH: join(REPO_ROOT, 'node_modules'), ...HANDLER_ENV },
    timeoutMs,
  });
}
