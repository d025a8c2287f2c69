// Vitest globalSetup: runs one moto_server on a free 127.0.0.1 port for the whole test run and points every AWS SDK
// client at it, so adapter tests exercise real SDK calls without ever reaching an AWS account.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { devNull } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the run's moto_server, e.g. `http://127.0.0.1:40123`. */
    motoEndpoint: string;
  }
}

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const MOTO_SERVER_BIN = path.join(REPO_ROOT, '.venv', 'bin', 'moto_server');
const LOOPBACK_HOST = '127.0.0.1';

const READY_TIMEOUT_MS = 30_000;
const READY_POLL_INTERVAL_MS = 100;
/** One readiness request may not eat the whole budget if moto accepts the connection but stalls. */
const READY_REQUEST_TIMEOUT_MS = 1_000;
const STOP_GRACE_MS = 5_000;
const KILL_WAIT_MS = 2_000;
/** moto logs every request to stderr; only the tail matters for an error message. */
const OUTPUT_TAIL_CHARS = 16_384;

/** moto_server did not start, or did not answer in time. The message carries the tail of its output. */
export class MotoServerError extends Error {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MotoServerError';
  }
}

/** Keeps the last `limit` characters of a stream, so a chatty process cannot grow memory without bound. */
class OutputTail {
  private text = '';

  public constructor(private readonly limit: number) {}

  public append(chunk: Buffer | string): void {
    this.text = (this.text + chunk.toString()).slice(-this.limit);
  }

  public toString(): string {
    return this.text.trim() || '(no output)';
  }
}

/** A running moto_server child and what it has printed so far. */
export interface MotoServer {
  readonly process: ChildProcess;
  readonly endpoint: string;
  readonly output: OutputTail;
}

/**
 * Asks the OS for a free port by binding port 0, then releases it for moto. Another process could take it in between;
 * moto would then exit at once with "Address already in use", which the readiness check reports.
 */
export async function findFreeLoopbackPort(): Promise<number> {
  const server = createServer();
  server.listen(0, LOOPBACK_HOST);
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') {
    throw new MotoServerError(`could not read a free TCP port on ${LOOPBACK_HOST} (got ${String(address)})`);
  }
  return address.port;
}

/** Starts moto_server without a shell; stdout and stderr drain into a bounded tail so the pipes never fill. */
export function spawnMotoServer(port: number): MotoServer {
  const child = spawn(MOTO_SERVER_BIN, ['-H', LOOPBACK_HOST, '-p', String(port)], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    shell: false,
  });
  const output = new OutputTail(OUTPUT_TAIL_CHARS);
  child.stdout?.on('data', (chunk: Buffer) => output.append(chunk));
  child.stderr?.on('data', (chunk: Buffer) => output.append(chunk));
  // A spawn failure (e.g. ENOENT when .venv is missing) arrives as an 'error' event; keep it for the report.
  child.on('error', (error) => output.append(`\n[spawn error] ${error.message}\n`));
  return { process: child, endpoint: `http://${LOOPBACK_HOST}:${port}`, output };
}

/** True once the process has exited; Node also sets `exitCode` (to the negative errno) when spawning fails. */
function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Polls moto's own dashboard path (only moto serves it) until it answers, moto exits, or the budget runs out. */
export async function waitUntilMotoAnswers(moto: MotoServer): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastProblem = 'no attempt made';
  while (Date.now() < deadline) {
    if (hasExited(moto.process)) {
      throw new MotoServerError(
        `moto_server exited before answering on ${moto.endpoint} ` +
          `(exit code ${String(moto.process.exitCode)}, signal ${String(moto.process.signalCode)}). ` +
          `Run scripts/setup-test-env.sh if .venv is missing. Its output:\n${moto.output.toString()}`,
      );
    }
    try {
      const response = await fetch(`${moto.endpoint}/moto-api/`, {
        signal: AbortSignal.timeout(READY_REQUEST_TIMEOUT_MS),
      });
      await response.arrayBuffer();
      if (response.ok) return;
      lastProblem = `HTTP ${response.status}`;
    } catch (error) {
      lastProblem = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, READY_POLL_INTERVAL_MS));
  }
  throw new MotoServerError(
    `moto_server did not answer on ${moto.endpoint} within ${READY_TIMEOUT_MS} ms (last problem: ${lastProblem}). ` +
      `Its output:\n${moto.output.toString()}`,
  );
}

/** Resolves true if the child exits within `ms`, false otherwise. */
async function exitsWithin(child: ChildProcess, ms: number): Promise<boolean> {
  if (hasExited(child)) return true;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const exited = once(child, 'exit').then(() => true as const);
  try {
    return await Promise.race([exited, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** SIGTERM, then SIGKILL if moto has not exited after a grace period. Safe to call more than once. */
export async function stopMotoServer(moto: MotoServer): Promise<void> {
  if (hasExited(moto.process)) return;
  moto.process.kill('SIGTERM');
  if (await exitsWithin(moto.process, STOP_GRACE_MS)) return;
  moto.process.kill('SIGKILL');
  if (!(await exitsWithin(moto.process, KILL_WAIT_MS))) {
    throw new MotoServerError(`moto_server (pid ${String(moto.process.pid)}) survived SIGKILL`);
  }
}

/**
 * The AWS environment every test sees. `AWS_*` variables from the developer's shell are removed first: a leftover
 * `AWS_PROFILE`, `AWS_ENDPOINT_URL_S3` or `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` would otherwise send a test to a real
 * account or past moto. The config and credentials files point at the null device so no profile is ever read.
 */
export function motoAwsEnvironment(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_SESSION_TOKEN: 'testing',
    AWS_CONFIG_FILE: devNull,
    AWS_SHARED_CREDENTIALS_FILE: devNull,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

/**
 * Replaces every `AWS_*` variable of this process with `replacement`. Test workers are forked after globalSetup and
 * copy this process's env, which is how `new S3Client({})` in a test finds moto. Returns a function that puts the
 * original variables back.
 */
function replaceAwsEnvironment(replacement: Record<string, string>): () => void {
  const original = Object.fromEntries(Object.entries(process.env).filter(([name]) => name.startsWith('AWS_')));
  const clearAws = (): void => {
    for (const name of Object.keys(process.env)) {
      if (name.startsWith('AWS_')) delete process.env[name];
    }
  };
  clearAws();
  Object.assign(process.env, replacement);
  return () => {
    clearAws();
    Object.assign(process.env, original);
  };
}

/**
 * A moto_server of a test file's own, on another free loopback port, for tests that change server-wide settings (moto's
 * config, the queue of Lambda results) which would disturb the run's shared server. Stop it in afterAll.
 */
export async function startOwnMotoServer(): Promise<{ readonly endpoint: string; stop(): Promise<void> }> {
  const moto = spawnMotoServer(await findFreeLoopbackPort());
  try {
    await waitUntilMotoAnswers(moto);
  } catch (error) {
    await stopMotoServer(moto);
    throw error;
  }
  return { endpoint: moto.endpoint, stop: () => stopMotoServer(moto) };
}

/**
 * Starts moto, waits until it answers, then exposes its endpoint both as `inject('motoEndpoint')` and through the
 * AWS_* environment. Returns the teardown, which vitest runs after the run, whether tests passed or failed.
 */
export default async function setupMotoServer(project: TestProject): Promise<() => Promise<void>> {
  const moto = spawnMotoServer(await findFreeLoopbackPort());
  // Safety net for exits that skip teardown (a crash, process.exit): never leave moto running behind us.
  const killOnExit = (): void => {
    if (!hasExited(moto.process)) moto.process.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  try {
    await waitUntilMotoAnswers(moto);
  } catch (error) {
    // Vitest does not call a teardown that setup never returned, so stop moto here.
    await stopMotoServer(moto);
    process.removeListener('exit', killOnExit);
    throw error;
  }

  const restoreEnvironment = replaceAwsEnvironment(motoAwsEnvironment(moto.endpoint));
  project.provide('motoEndpoint', moto.endpoint);

  return async function teardownMotoServer(): Promise<void> {
    restoreEnvironment();
    try {
      await stopMotoServer(moto);
    } finally {
      process.removeListener('exit', killOnExit);
    }
  };
}
