// Runs a bundled Lambda handler (an asset's index.js, as `cdk deploy` uploads it) in a separate Node process, the way
// the Node.js runtime loads it: required as CommonJS, `handler(event, context)` awaited once, with only the
// environment the caller gives. Also reads which modules a bundle leaves to the runtime.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { devNull, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Long enough for a cold start and a gate on loopback; short enough that a hung handler fails the test clearly. */
export const BUNDLE_INVOCATION_TIMEOUT_MS = 60_000;
/** A test that invokes a bundle must outlive the child's own timeout, so the timeout error is what it reports. */
export const BUNDLE_TEST_TIMEOUT_MS = BUNDLE_INVOCATION_TIMEOUT_MS + 30_000;
const OUTPUT_LIMIT_BYTES = 16 * 1024 * 1024;
const TAIL_CHARS = 4_000;

/**
 * The runner the child executes (CommonJS, like the bundle). It records every module the bundle itself requires, and
 * writes the handler's result to a file so that stdout stays the function's log stream, as CloudWatch would see it.
 * It exits once the result is written, as a Lambda invocation ends when the handler settles (pipes are synchronous
 * on Linux, so no log line is lost).
 */
const RUNNER_SOURCE = `'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const [inputPath, resultPath] = process.argv.slice(2);
const input = JSON.parse(readFileSync(inputPath, 'utf8'));
const required = [];
const load = Module.prototype.require;
Module.prototype.require = function (id) {
  if (this.filename === input.bundleFile) required.push(id);
  return load.apply(this, arguments);
};
const deadline = Date.now() + input.remainingTimeMs;
const context = {
  ...input.context,
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
};
const finish = (result, exitCode) => {
  writeFileSync(resultPath, JSON.stringify({ ...result, required }));
  process.exit(exitCode);
};
Promise.resolve()
  .then(() => require(input.bundleFile).handler(input.event, context))
  .then(
    (response) => finish({ ok: true, response }, 0),
    (error) => finish({ ok: false, error: { name: error && error.name, message: String(error && error.message) } }, 1),
  );
`;

/** The Lambda context fields the child's handler sees (getRemainingTimeInMillis is added in the child). */
export interface BundleContext {
  readonly awsRequestId: string;
  readonly functionName: string;
  readonly functionVersion: string;
  readonly invokedFunctionArn: string;
  readonly memoryLimitInMB: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
}

export interface InvokeBundleOptions {
  /** The function's environment; the child inherits nothing else from this process. */
  readonly env: Readonly<Record<string, string>>;
  readonly context: BundleContext;
  /** What getRemainingTimeInMillis starts from. @default 900000 (the deploy gate's 15 minutes) */
  readonly remainingTimeMs?: number;
}

/** What one invocation returned and printed. */
export interface BundleInvocation {
  /** The handler's resolved value, or the error it rejected with. */
  readonly outcome:
    | { readonly ok: true; readonly response: unknown }
    | { readonly ok: false; readonly error: { readonly name: string | undefined; readonly message: string } };
  /** The function's log stream: Powertools writes its JSON logs and EMF metrics here. */
  readonly stdout: string;
  readonly stderr: string;
  /** What the bundle's own code passed to require() while it ran. */
  readonly required: readonly string[];
}

/**
 * Loads `bundleFile` in a fresh `node` process (a cold start) and invokes its handler once. Throws if the child did
 * not produce a result (a crash, or no answer within BUNDLE_INVOCATION_TIMEOUT_MS), with the tail of its output.
 */
export async function invokeBundledHandler(
  bundleFile: string,
  event: unknown,
  { env, context, remainingTimeMs = 900_000 }: InvokeBundleOptions,
): Promise<BundleInvocation> {
  const workDir = mkdtempSync(path.join(tmpdir(), 'rollgate-bundle-run-'));
  try {
    const runnerPath = path.join(workDir, 'runner.cjs');
    const inputPath = path.join(workDir, 'input.json');
    const resultPath = path.join(workDir, 'result.json');
    writeFileSync(runnerPath, RUNNER_SOURCE);
    writeFileSync(inputPath, JSON.stringify({ bundleFile, event, context, remainingTimeMs }));
    const childEnv = {
      ...env,
      // What the Lambda runtime sets in every function; Powertools reads the initialization type for `cold_start`.
      AWS_LAMBDA_FUNCTION_NAME: context.functionName,
      AWS_LAMBDA_FUNCTION_VERSION: context.functionVersion,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: context.memoryLimitInMB,
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      // The bundle keeps @aws-sdk/* external because the Lambda Node.js runtime provides the SDK, and
      // @aws-lambda-powertools/* because Powertools' layer provides it (on /opt/nodejs/node_modules). NODE_PATH stands
      // in for both: the repo's node_modules, reached only for bare specifiers nothing nearer resolves, holding the
      // Powertools version the layer is pinned to. The bundle's require() calls name Node built-ins, @aws-sdk/* and
      // @aws-lambda-powertools/* only (see isProvidedByRuntimeOrLayer), so nothing else of the function's comes from node_modules.
      NODE_PATH: path.join(REPO_ROOT, 'node_modules'),
    };
    const run = await new Promise<{
      error: (Error & { killed?: boolean; signal?: string | null }) | null;
      stdout: string;
      stderr: string;
    }>((resolve) => {
      execFile(
        process.execPath,
        [runnerPath, inputPath, resultPath],
        {
          cwd: workDir,
          env: childEnv,
          timeout: BUNDLE_INVOCATION_TIMEOUT_MS,
          killSignal: 'SIGKILL',
          maxBuffer: OUTPUT_LIMIT_BYTES,
          encoding: 'utf8',
        },
        (error, stdout, stderr) => resolve({ error, stdout, stderr }),
      );
    });
    let result: Pick<BundleInvocation, 'outcome' | 'required'>;
    try {
      const written = JSON.parse(readFileSync(resultPath, 'utf8')) as
        | { ok: true; response: unknown; required: string[] }
        | { ok: false; error: { name: string | undefined; message: string }; required: string[] };
      result = {
        outcome: written.ok ? { ok: true, response: written.response } : { ok: false, error: written.error },
        required: written.required,
      };
    } catch (cause) {
      const why = run.error?.killed
        ? `was killed (${String(run.error.signal)}) after ${BUNDLE_INVOCATION_TIMEOUT_MS} ms without a result`
        : `wrote no result (${run.error?.message ?? 'exit code 0'})`;
      throw new Error(
        `the bundled handler ${bundleFile} ${why}.\nstderr tail:\n${run.stderr.slice(-TAIL_CHARS)}\n` +
          `stdout tail:\n${run.stdout.slice(-TAIL_CHARS)}`,
        { cause },
      );
    }
    return { ...result, stdout: run.stdout, stderr: run.stderr };
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

/**
 * The environment a function sees in these tests: the AWS_* variables moto-global-setup gave this worker (moto's
 * endpoint, us-east-1, dummy credentials, the config and credentials files at the null device, and nothing else, so
 * no profile or credentials of this machine are read), then `functionEnv`.
 */
export function motoFunctionEnvironment(functionEnv: Readonly<Record<string, string>>): Record<string, string> {
  const aws = Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => entry[0].startsWith('AWS_') && entry[1] !== undefined,
    ),
  );
  if (
    aws.AWS_ENDPOINT_URL !== inject('motoEndpoint') ||
    aws.AWS_PROFILE !== undefined ||
    aws.AWS_CONFIG_FILE !== devNull
  ) {
    throw new Error(`this worker's AWS_* variables are not moto-global-setup's: ${JSON.stringify(aws)}`);
  }
  return { ...aws, ...functionEnv };
}

/** The module specifiers a bundle loads: string-literal require() and import() calls, and how many calls are not. */
export interface BundleModuleSpecifiers {
  /** Distinct literal specifiers, sorted. */
  readonly literal: readonly string[];
  /** require( or import( calls whose argument is not a string literal: specifiers no scan can see. */
  readonly nonLiteralCalls: number;
}

export function bundleModuleSpecifiers(source: string): BundleModuleSpecifiers {
  const literal = [...source.matchAll(/\b(?:require|import)\(\s*(["'`])([^"'`]+)\1\s*\)/g)].map((match) => match[2]!);
  const allCalls = source.match(/\b(?:require|import)\(/g)?.length ?? 0;
  return { literal: [...new Set(literal)].sort(), nonLiteralCalls: allCalls - literal.length };
}

/**
 * True for what a deployed function gets from outside its bundle: Node's built-in modules and the AWS SDK v3
 * (@aws-sdk/*) from the Lambda Node.js runtime, and Powertools (@aws-lambda-powertools/*) from its layer.
 */
export function isProvidedByRuntimeOrLayer(specifier: string): boolean {
  return isBuiltin(specifier) || specifier.startsWith('@aws-sdk/') || specifier.startsWith('@aws-lambda-powertools/');
}
