// Runs a Lambda leak scenario: a world of its own on moto (bucket, topic and queue, document, table), a SecureString
// holding a planted header secret, tagged hosts, a service echoing every credential back, and the function's own
// credentials planted in its environment. Each case is a registry (written to the file ROLLGATE_REGISTRY_FILE names)
// and an event, judged by the handler module loaded anew as a cold start would; whatever it returns or throws, at
// load or at run, is kept. Then every place the handler could have written to is read back.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeInstanceInformationCommand, GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { GateResponse } from '../../lambda/handlers/gate-response.ts';
import {
  createHandlerWorld,
  interceptAwsCalls,
  lambdaContext,
  loadHandler,
  recordAwsCalls,
  resetHandlerTest,
  serve,
} from '../lambda/handlers/handler-harness.ts';
import { putSecureParameter, runInstances, uniqueName } from '../support/aws-fixtures.ts';
import { echoingService } from './echoing-service.ts';
import { captureProcessOutput, readAlerts, readBucket, readTable, thrownErrorAsLogged } from './lambda-leak-capture.ts';
import { LAMBDA_PLACES, showEvidence, type LambdaPlaces } from './lambda-leak-places.ts';
import { credentialsEnvironment, signatureMismatch, type LambdaSecrets } from './lambda-leak-secrets.ts';
import { expectRun } from './leak-scenario.ts';

/** What the cases of a scenario are built from. */
export interface LambdaLeakWorld {
  /** The echoing service's origin, `http://127.0.0.1:<port>`. */
  readonly origin: string;
  /** A service name whose hosts are tagged rollgate:service=<it>, rollgate:environment=prod. */
  readonly service: string;
  /** A SecureString under /rollgate/ holding the planted SSM header secret. */
  readonly parameter: string;
  /** A parameter whose read fails with an error quoting the function's session token. */
  readonly unreadableParameter: string;
}

export interface LambdaCase {
  readonly registry: unknown;
  readonly event: unknown;
}

export interface LambdaOutcomes {
  readonly responses: readonly GateResponse[];
  readonly thrown: readonly unknown[];
  /** SendCommand requests sent. */
  readonly rollbacksSent: number;
}

export interface LambdaLeakRun {
  /** The handler module, relative to handler-harness.ts (loadHandler imports it from there). */
  readonly handlerModule: string;
  readonly secrets: LambdaSecrets;
  readonly cases: (world: LambdaLeakWorld) => readonly LambdaCase[];
  /** Throws (expectRun) when the outcomes are not what the cases were built to cause, beyond failing or refusing. */
  readonly check?: (outcomes: LambdaOutcomes) => void;
  /** The deploy gate's idempotency records. */
  readonly readsIdempotencyTable?: boolean;
}

/**
 * Whether a handler threw a ConfigError or ConfigErrors. By name: each case loads the handler's modules anew, so its
 * errors are instances of its own copy of the classes, not of the test's.
 */
function isConfigError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'ConfigError' || error.name === 'ConfigErrors');
}

/** The places a run reads back, in the order tests are named. */
export function lambdaPlacesOf(run: Pick<LambdaLeakRun, 'readsIdempotencyTable'>): string[] {
  return [...LAMBDA_PLACES, ...(run.readsIdempotencyTable === true ? ['idempotency records'] : [])];
}

let handlerTurn: Promise<unknown> = Promise.resolve();

/**
 * Runs `work` once every earlier call's work has ended: a handler run stubs this process's environment and captures
 * its output, so two cannot overlap. What follows it in child processes (`rollgate evidence show`) may.
 */
function oneHandlerAtATime<T>(work: () => Promise<T>): Promise<T> {
  const turn = handlerTurn.then(work, work);
  handlerTurn = turn.catch(() => undefined);
  return turn;
}

export async function runLambdaLeakScenario(run: LambdaLeakRun): Promise<LambdaPlaces> {
  const { places, evidence } = await oneHandlerAtATime(async () => {
    const registryDir = mkdtempSync(join(tmpdir(), 'rollgate-leak-registry-'));
    try {
      return await runIn(run, registryDir);
    } finally {
      await resetHandlerTest();
      rmSync(registryDir, { recursive: true, force: true });
    }
  });
  return { ...places, ...(await showEvidence(evidence.bucket, evidence.keys)) };
}

interface HandlerRun {
  readonly places: LambdaPlaces;
  /** The failed runs' evidence, for `rollgate evidence show`. */
  readonly evidence: { readonly bucket: string; readonly keys: readonly string[] };
}

async function runIn(run: LambdaLeakRun, registryDir: string): Promise<HandlerRun> {
  const { secrets } = run;
  const world = await createHandlerWorld();
  const parameter = `/rollgate/${uniqueName('probe-token')}`;
  const unreadableParameter = `/rollgate/${uniqueName('unreadable')}`;
  await putSecureParameter(parameter, secrets.ssmHeader.value);
  const service = uniqueName('svc');
  const hosts = await runInstances(1, { 'rollgate:service': service, 'rollgate:environment': 'prod' });
  const echo = echoingService();
  const server = await serve(echo.route);
  const calls = recordAwsCalls();
  interceptAwsCalls(SSMClient, (command) =>
    // moto lacks DescribeInstanceInformation; the unreadable parameter fails as a bad signature does on AWS.
    command instanceof DescribeInstanceInformationCommand
      ? { resolves: { InstanceInformationList: hosts.map((id) => ({ InstanceId: id, PingStatus: 'Online' })) } }
      : command instanceof GetParameterCommand && command.input.Name === unreadableParameter
        ? { rejects: signatureMismatch(secrets.awsSessionToken.value) }
        : undefined,
  );
  const output = captureProcessOutput();

  const responses: GateResponse[] = [];
  const thrown: unknown[] = [];
  const cases = run.cases({ origin: server.origin, service, parameter, unreadableParameter });
  for (const [index, { registry, event }] of cases.entries()) {
    const registryFile = join(registryDir, `registry-${index}.json`);
    writeFileSync(registryFile, JSON.stringify(registry));
    const env = { ...world.env, ...credentialsEnvironment(secrets), ROLLGATE_REGISTRY_FILE: registryFile };
    try {
      // A bad registry fails the cold start, as a bad ROLLGATE_* variable does: that error is kept like any other.
      const handler = await loadHandler(run.handlerModule, env);
      responses.push(await handler(event, lambdaContext()));
    } catch (error) {
      thrown.push(error);
    }
  }
  // Every case is built to fail or be refused: a run that passed went somewhere the case did not mean.
  expectRun(
    responses.every((response) => response.status === 'failed'),
    'every run should fail',
    responses,
  );
  expectRun(
    thrown.every(isConfigError),
    'whatever was refused should be refused with a ConfigError',
    thrown.map(String),
  );
  run.check?.({ responses, thrown, rollbacksSent: calls.sentCommands.length });
  expectRun(echo.received().includes(secrets.ssmHeader.value), 'the service should have received the SSM header', '');

  const evidenceKeys = responses.flatMap((response) =>
    response.status === 'failed' && response.evidence !== null
      ? [response.evidence.key, response.evidence.rollback_key].filter((key) => key !== undefined)
      : [],
  );
  const places: LambdaPlaces = {
    'Powertools log lines': { text: output.logLines() },
    'EMF metric blobs': { text: output.metricBlobs() },
    'S3 evidence objects': { text: await readBucket(world.bucket) },
    'SNS alerts (from the subscribed queue)': { text: await readAlerts(world.queueUrl, calls.published.length) },
    'SSM SendCommand requests': { text: JSON.stringify(calls.sentCommands) },
    'handler responses': { text: JSON.stringify(responses) },
    'thrown errors, as the Lambda runtime logs them': { text: thrown.map(thrownErrorAsLogged).join('\n') },
    // Header secrets belong there; the function's own credentials never do.
    'requests the service received': {
      text: echo.received(),
      onlyFor: [secrets.awsSecretAccessKey, secrets.awsSessionToken],
    },
    ...(run.readsIdempotencyTable === true
      ? { 'idempotency records': { text: await readTable(world.idempotencyTable) } }
      : {}),
  };
  return { places, evidence: { bucket: world.bucket, keys: evidenceKeys } };
}
