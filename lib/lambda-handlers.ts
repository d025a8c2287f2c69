// The Lambda handlers the construct deploys and how each is bundled: one list that the construct (bundling from
// source in this repository) and scripts/build-package.mjs (prebuilding them for the npm package) both read, so a new
// handler is added here once and the two builds cannot drift apart. Plain data only: the build script imports it.
import type { RollgatePowertools } from './rollgate-props.ts';

/** Each handler's entry file, relative to the repository root, by the name its prebuilt asset folder carries. */
export const LAMBDA_HANDLERS = {
  'deploy-event': 'lambda/handlers/deploy-event.ts',
  'scheduled-check': 'lambda/handlers/scheduled-check.ts',
  'deploy-starter': 'lambda/handlers/deploy-starter.ts',
  'workflow-task': 'lambda/handlers/workflow/workflow-task.ts',
  'alarm-relay': 'lambda/handlers/alarm-relay.ts',
} as const;

export type LambdaHandlerName = keyof typeof LAMBDA_HANDLERS;

export const LAMBDA_HANDLER_NAMES = Object.keys(LAMBDA_HANDLERS) as LambdaHandlerName[];

/** The file a bundle's `index.js` exports its handler from, as Lambda's `handler` setting names it. */
export const BUNDLE_HANDLER = 'index.handler';

/**
 * The esbuild settings of every handler bundle, in NodejsFunction's terms (lib/rollgate-function.ts passes them as
 * they are; scripts/build-package.mjs turns them into the same esbuild options).
 */
export const HANDLER_BUNDLING = {
  target: 'node22',
  format: 'cjs',
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  /**
   * An external dynamic import() becomes a lazy require(): Lambda reaches the layer (/opt/nodejs/node_modules) and
   * the runtime's SDK only through CommonJS resolution, which Node's ESM resolver does not follow. The handlers rely on
   * it to load each SDK client on first use (lambda/handlers/aws-clients.ts).
   */
  supported: { 'dynamic-import': false },
} as const;

/**
 * What a bundle leaves out: the AWS SDK always (the runtime has it), and Powertools when the function loads it from
 * its public layer.
 */
export function handlerExternalModules(powertools: RollgatePowertools): string[] {
  return powertools === 'layer' ? ['@aws-sdk/*', '@aws-lambda-powertools/*'] : ['@aws-sdk/*'];
}
