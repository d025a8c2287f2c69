// What the handler tests share: a fresh set of AWS resources per test on moto, the handler module imported anew with
// its environment (its settings are read at module load), a Lambda context, and recorders for what the handler
// sends to AWS and prints (Powertools' JSON logs and EMF metrics).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendCommandCommand, SSMClient, type SendCommandCommandInput } from '@aws-sdk/client-ssm';
import type { Context } from 'aws-lambda';
import { vi } from 'vitest';
import type { RegistryInput } from '../../../lambda/core/config/registry.ts';
import type { ServiceConfigInput } from '../../../lambda/core/config/service-schema.ts';
import type { EvidenceDocument } from '../../../lambda/core/evidence/evidence.ts';
import type { GateResponse } from '../../../lambda/handlers/gate-response.ts';
import {
  createBucket,
  createCommandDocument,
  createIdempotencyTable,
  createTopicWithQueue,
  motoClients,
  uniqueName,
} from '../../support/aws-fixtures.ts';
import { startLoopbackServer, type LoopbackServer, type RouteHandler } from '../../support/loopback-server.ts';
import { createStateTable } from '../../support/state-table-fixture.ts';

export type Handler = (event: unknown, context?: Context) => Promise<GateResponse>;

export interface HandlerWorld {
  readonly bucket: string;
  readonly topicArn: string;
  readonly queueUrl: string;
  readonly documentName: string;
  /** The deploy gate's idempotency records. */
  readonly idempotencyTable: string;
  /** What runs remember between them (lib/state-table.ts's layout). */
  readonly stateTable: string;
  /** The ROLLGATE_* and POWERTOOLS_* variables the stack would set (the deploy gate's; the check ignores the table). */
  readonly env: Record<string, string>;
  /** The registry file ROLLGATE_REGISTRY_FILE names; registerServices and registerMonitors write it. */
  readonly registryFile: string;
  /** What the registry file holds. */
  readonly registry: { services: ServiceConfigInput[]; monitors: NonNullable<RegistryInput['monitors']> };
}

/** Which of the world's resources are missing, as after a deletion or a typo in the stack's settings. */
export interface HandlerWorldOptions {
  readonly bucketExists?: boolean;
  readonly topicExists?: boolean;
  readonly idempotencyTableExists?: boolean;
  readonly stateTableExists?: boolean;
}

/** A bucket, a topic with a subscribed queue, a rollback document, an idempotency and a state table of the test's own. */
export async function createHandlerWorld(options: HandlerWorldOptions = {}): Promise<HandlerWorld> {
  const bucket = options.bucketExists === false ? uniqueName('rollgate-missing') : await createBucket();
  const created = await createTopicWithQueue();
  // A well-formed ARN of a topic that does not exist: publishing to it fails with NotFound.
  const topicArn =
    options.topicExists === false
      ? `arn:aws:sns:us-east-1:123456789012:${uniqueName('rollgate-missing')}`
      : created.topicArn;
  const { queueUrl } = created;
  const documentName = await createCommandDocument();
  const idempotencyTable =
    options.idempotencyTableExists === false ? uniqueName('rollgate-missing') : await createIdempotencyTable();
  const stateTable = options.stateTableExists === false ? uniqueName('rollgate-missing') : await createStateTable();
  const registryDirectory = mkdtempSync(path.join(tmpdir(), 'rollgate-registry-'));
  registryDirectories.push(registryDirectory);
  const registryFile = path.join(registryDirectory, 'registry.json');
  const registry = { services: [], monitors: [] };
  writeFileSync(registryFile, JSON.stringify(registry));
  return {
    registryFile,
    registry,
    bucket,
    topicArn,
    queueUrl,
    documentName,
    idempotencyTable,
    stateTable,
    env: {
      ROLLGATE_EVIDENCE_BUCKET: bucket,
      ROLLGATE_ALERT_TOPIC_ARN: topicArn,
      ROLLGATE_ROLLBACK_DOCUMENT: documentName,
      ROLLGATE_ROLLBACK_WAIT_SECONDS: '30',
      ROLLGATE_IDEMPOTENCY_TABLE: idempotencyTable,
      ROLLGATE_STATE_TABLE: stateTable,
      ROLLGATE_REGISTRY_FILE: registryFile,
      POWERTOOLS_SERVICE_NAME: 'rollgate',
      POWERTOOLS_METRICS_NAMESPACE: 'Rollgate',
    },
  };
}

const registryDirectories: string[] = [];

/** Adds services to the world's registry, as the stack's config would; before the handler's cold start. */
export function registerServices(world: HandlerWorld, ...services: ServiceConfigInput[]): void {
  world.registry.services.push(...services);
  writeFileSync(world.registryFile, JSON.stringify(world.registry));
}

/** Adds monitors to the world's registry; before the handler's cold start. */
export function registerMonitors(world: HandlerWorld, ...monitors: HandlerWorld['registry']['monitors']): void {
  world.registry.monitors.push(...monitors);
  writeFileSync(world.registryFile, JSON.stringify(world.registry));
}

/**
 * A registration (environment prod) of a loopback test service: its targets allow the loopback address the Lambda's
 * policy refuses otherwise, and probe once with a short timeout so a failing service fails fast.
 */
export function loopbackService(
  service: string,
  url: string | readonly string[],
  fields: Partial<ServiceConfigInput> = {},
): ServiceConfigInput {
  const urls = typeof url === 'string' ? [url] : url;
  return {
    service,
    environment: 'prod',
    targets: urls.map((one) => ({ url: one, allowPrivate: true })),
    probe: { retries: 0, timeoutMs: 2_000 },
    ...fields,
  };
}

/**
 * The handler module with `env` set (stubbed; vi.unstubAllEnvs undoes it), imported as a cold start would: on its first
 * invocation, so a test can register its services (whose loopback ports it learns late) before that. Each call is a
 * container of its own.
 */
export async function loadHandler(
  modulePath: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<Handler> {
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  let loaded: Promise<Handler> | undefined;
  return async (event, context) => {
    loaded ??= (async () => {
      vi.resetModules();
      return ((await import(modulePath)) as { handler: Handler }).handler;
    })();
    return (await loaded)(event, context);
  };
}

const servers: LoopbackServer[] = [];

/** A loopback service for one test; `resetHandlerTest` closes it. */
export async function serve(route: RouteHandler): Promise<LoopbackServer> {
  const server = await startLoopbackServer(route);
  servers.push(server);
  return server;
}

/** After each test: interceptions, spies and stubbed variables undone, loopback services closed. */
export async function resetHandlerTest(): Promise<void> {
  for (const restore of interceptions.splice(0).reverse()) restore();
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  await Promise.all(servers.splice(0).map((server) => server.close()));
  for (const directory of registryDirectories.splice(0)) rmSync(directory, { recursive: true, force: true });
}

/** An evidence record as the handler stored it in moto's S3. */
export async function readEvidence(bucket: string, key: string): Promise<EvidenceDocument> {
  const object = await motoClients().s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return JSON.parse(await object.Body!.transformToString()) as EvidenceDocument;
}

/** A Lambda context; `remainingMs` is what getRemainingTimeInMillis answers, as if the invocation had that much left. */
export function lambdaContext(awsRequestId: string = randomUUID(), remainingMs = 600_000): Context {
  return {
    awsRequestId,
    functionName: 'rollgate-test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:rollgate-test',
    memoryLimitInMB: '256',
    logGroupName: '/aws/lambda/rollgate-test',
    logStreamName: '2026/11/23/[$LATEST]0123456789abcdef',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => remainingMs,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** An alert as the handler published it, and whether its evidence object was already in S3 at that moment. */
export interface PublishedAlert {
  readonly type: string;
  readonly evidenceUri: string | null;
  readonly evidenceExistedWhenPublished: boolean | null;
}

export interface AwsCallRecorder {
  readonly published: PublishedAlert[];
  readonly sentCommands: SendCommandCommandInput[];
}

/**
 * Watches every SNSClient and SSMClient (the handler's included) while passing each call through to moto: records
 * each SendCommand request, and for each Publish, checks in S3 whether the evidence it points at exists yet.
 */
export function recordAwsCalls(): AwsCallRecorder {
  const recorder: AwsCallRecorder = { published: [], sentCommands: [] };
  const publish = SNSClient.prototype.send;
  vi.spyOn(SNSClient.prototype, 'send').mockImplementation(async function (this: SNSClient, ...args: unknown[]) {
    const [command] = args;
    if (command instanceof PublishCommand) {
      const message = JSON.parse(command.input.Message ?? '{}') as { alert_type: string; evidence_uri: string | null };
      recorder.published.push({
        type: message.alert_type,
        evidenceUri: message.evidence_uri,
        evidenceExistedWhenPublished: message.evidence_uri === null ? null : await s3ObjectExists(message.evidence_uri),
      });
    }
    return (publish as (...sendArgs: unknown[]) => Promise<unknown>).apply(this, args);
  } as never);
  const ssmSend = SSMClient.prototype.send;
  vi.spyOn(SSMClient.prototype, 'send').mockImplementation(function (this: SSMClient, ...args: unknown[]) {
    const [command] = args;
    if (command instanceof SendCommandCommand) recorder.sentCommands.push(command.input);
    return (ssmSend as (...sendArgs: unknown[]) => Promise<unknown>).apply(this, args);
  } as never);
  return recorder;
}

function s3LocationOf(uri: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (match === null) throw new Error(`not an s3:// URI: ${uri}`);
  return { bucket: match[1]!, key: match[2]! };
}

async function s3ObjectExists(uri: string): Promise<boolean> {
  const { bucket, key } = s3LocationOf(uri);
  try {
    await motoClients().s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch {
    return false;
  }
}

export interface OutputRecorder {
  /** Every JSON line written to stdout or stderr: Powertools logs (errors go to stderr) and EMF metric blobs. */
  records(): Array<Record<string, unknown>>;
  /** Everything written, as written. */
  text(): string;
}

/** Captures stdout and stderr, where Powertools writes, for the rest of the test; vi.restoreAllMocks ends it. */
export function captureOutput(): OutputRecorder {
  const chunks: string[] = [];
  const record = (chunk: string | Uint8Array): boolean => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(record);
  vi.spyOn(process.stderr, 'write').mockImplementation(record);
  return {
    text: () => chunks.join(''),
    records: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line.trim().startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

/** What `interceptAwsCalls` answers a call with: a value or an error, or undefined to let the call through to moto. */
export type AwsCallAnswer = { readonly resolves: unknown } | { readonly rejects: Error } | undefined;

// biome-ignore lint/suspicious/noExplicitAny: any SDK v3 client class
type AwsClientClass = { prototype: { send: (...args: any[]) => Promise<unknown> } };

const interceptions: Array<() => void> = [];

/**
 * Answers the calls of every `clientClass` client (the handler's included) that `answer` has an answer for, and
 * passes the others through to moto: for the faults moto cannot produce (access denied, throttling) and the calls it
 * does not implement (DescribeInstanceInformation). Stacks over recordAwsCalls; resetHandlerTest undoes it.
 */
export function interceptAwsCalls(clientClass: AwsClientClass, answer: (command: unknown) => AwsCallAnswer): void {
  const prototype = clientClass.prototype;
  const hadOwn = Object.hasOwn(prototype, 'send');
  const previous = prototype.send;
  prototype.send = async function (this: unknown, ...args: unknown[]) {
    const decided = answer(args[0]);
    if (decided === undefined) return previous.apply(this, args);
    if ('rejects' in decided) throw decided.rejects;
    return decided.resolves;
  };
  interceptions.push(() => {
    if (hadOwn) prototype.send = previous;
    else delete (prototype as { send?: unknown }).send;
  });
}

/** An error as the SDK throws it for an AWS error response: `name` is the AWS error code. */
export function awsServiceError(name: string, message: string, httpStatusCode = 400): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode } });
}

/** A deploy event as the pipeline sends it through EventBridge: the deploy's identity only, for a registered service. */
export function deployEvent(service: string, detail: Record<string, unknown> = {}): DeployEventEnvelope {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Deployment Completed',
    source: 'rollgate.deploy',
    detail: {
      service,
      environment: 'prod',
      version: '1.4.2',
      previousVersion: '1.4.1',
      commit: 'abc1234',
      digest: `sha256:${'e'.repeat(64)}`,
      ...detail,
    },
  };
}

export interface DeployEventEnvelope {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly detail: Record<string, unknown>;
}
