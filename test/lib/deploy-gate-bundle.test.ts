// The real bundle: the app synthesized as `cdk synth` does, and the deploy gate's asset (the index.js `cdk deploy`
// uploads) run in a separate Node process against moto_server and loopback services, one cold start per invocation.
// What the in-process handler tests cannot see: esbuild's output, its externals, and the module-load-time settings.
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ListCommandsCommand } from '@aws-sdk/client-ssm';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { GateResponse } from '../../lambda/handlers/gate-response.ts';
import { EXAMPLE_CONFIG_FILE } from '../../lib/rollgate-app.ts';
import {
  motoClients,
  putSecureParameter,
  receiveSnsMessages,
  runInstances,
  uniqueName,
} from '../support/aws-fixtures.ts';
import {
  BUNDLE_TEST_TIMEOUT_MS,
  bundleModuleSpecifiers,
  invokeBundledHandler,
  isProvidedByRuntimeOrLayer,
  motoFunctionEnvironment,
  type BundleInvocation,
} from '../support/bundled-handler-process.ts';
import { fixedService, healthyService } from '../support/loopback-server.ts';
import { recordingAwsProxy } from '../support/recording-aws-proxy.ts';
import { synthDeployGateBundle } from '../support/synth-stack.ts';
import {
  createHandlerWorld,
  loopbackService,
  readEvidence,
  registerServices,
  resetHandlerTest,
  serve,
  type HandlerWorld,
} from '../lambda/handlers/handler-harness.ts';

let bundleFile: string;

beforeAll(() => {
  bundleFile = path.join(synthDeployGateBundle({ configPath: EXAMPLE_CONFIG_FILE }), 'index.js');
});
// The asset directory sits directly in the temp assembly directory; remove the whole assembly.
afterAll(() => {
  if (bundleFile !== undefined) rmSync(path.dirname(path.dirname(bundleFile)), { recursive: true, force: true });
});
afterEach(resetHandlerTest);

const DIGEST = `sha256:${'e'.repeat(64)}`;

/** A deploy event as EventBridge delivers it: the deploy's identity, for a service the world's registry holds. */
function deployEvent(service: string, detail: Record<string, unknown>): { id: string } & Record<string, unknown> {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Deployment Completed',
    source: 'rollgate.deploy',
    account: '123456789012',
    time: new Date().toISOString(),
    region: 'us-east-1',
    resources: [],
    detail: {
      service,
      environment: 'prod',
      version: '1.4.2',
      previousVersion: '1.4.1',
      commit: 'abc1234',
      digest: DIGEST,
      ...detail,
    },
  };
}

/** Invokes the bundle in its own process, with the variables the stack sets (NODE_OPTIONS included). */
async function invokeGate(
  world: HandlerWorld,
  event: unknown,
  env: Record<string, string | undefined> = {},
): Promise<BundleInvocation> {
  const functionEnv = { ...world.env, NODE_OPTIONS: '--enable-source-maps', ...env };
  const defined = Object.fromEntries(
    Object.entries(functionEnv).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  return invokeBundledHandler(bundleFile, event, {
    env: motoFunctionEnvironment(defined),
    context: {
      awsRequestId: randomUUID(),
      functionName: 'Rollgate-DeployGateFunction',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:Rollgate-DeployGateFunction',
      memoryLimitInMB: '256',
      logGroupName: '/aws/lambda/Rollgate-DeployGateFunction',
      logStreamName: '2026/11/23/[$LATEST]0123456789abcdef',
    },
  });
}

function responseOf(invocation: BundleInvocation): GateResponse {
  if (!invocation.outcome.ok) {
    throw new Error(`the handler rejected: ${invocation.outcome.error.message}\nstderr:\n${invocation.stderr}`);
  }
  return invocation.outcome.response as GateResponse;
}

/** The function's log stream: every stdout line is one JSON object (Powertools logs and EMF blobs). */
function logRecords(invocation: BundleInvocation): Array<Record<string, unknown>> {
  const lines = invocation.stdout.split('\n').filter((line) => line.trim() !== '');
  const records = lines.map((line) => JSON.parse(line) as unknown);
  for (const record of records) expect(record).toBeTypeOf('object');
  const typed = records as Array<Record<string, unknown>>;
  expect(typed.some((record) => typeof record.level === 'string')).toBe(true);
  return typed;
}

/**
 * The commands moto holds for the test's own rollback document. Not by InstanceId: moto adds every instance in the
 * region to a command sent with InstanceIds, so another test's command would list this test's hosts too.
 */
async function commandsOfDocument(documentName: string) {
  const { Commands: commands = [] } = await motoClients().ssm.send(new ListCommandsCommand({}));
  return commands.filter((command) => command.DocumentName === documentName);
}

/** `deploys/<service>/prod/<YYYY>/<MM>/<DD>/<UTC stamp>-<event id>.json` */
function verdictKeyPattern(service: string, eventId: string): RegExp {
  return new RegExp(`^deploys/${service}/prod/\\d{4}/\\d{2}/\\d{2}/\\d{8}T\\d{9}Z-${eventId}\\.json$`);
}

const sorted = (values: readonly (string | undefined)[] | undefined) => [...(values ?? [])].sort();

describe('the deploy gate bundle', () => {
  it('requires only Node built-ins, @aws-sdk/* (from the runtime) and @aws-lambda-powertools/* (from the layer), all by literal name', () => {
    const { literal, nonLiteralCalls } = bundleModuleSpecifiers(readFileSync(bundleFile, 'utf8'));

    expect(nonLiteralCalls).toBe(0);
    expect(literal).toEqual(
      expect.arrayContaining([
        '@aws-sdk/client-ec2',
        '@aws-sdk/client-s3',
        '@aws-sdk/client-sns',
        '@aws-sdk/client-ssm',
        '@aws-lambda-powertools/idempotency',
        '@aws-lambda-powertools/idempotency/dynamodb',
        '@aws-lambda-powertools/logger',
        '@aws-lambda-powertools/metrics',
        '@aws-lambda-powertools/parameters/ssm',
      ]),
    );
    expect(literal.filter((specifier) => !isProvidedByRuntimeOrLayer(specifier))).toEqual([]);
  });

  it(
    'fails a deploy with a 503 target: evidence, rollback command to the tagged hosts, both alerts, JSON logs',
    async () => {
      const world = await createHandlerWorld();
      const service = uniqueName('svc');
      const instanceIds = await runInstances(2, { 'rollgate:service': service, 'rollgate:environment': 'prod' });
      const [stagingId] = await runInstances(1, { 'rollgate:service': service, 'rollgate:environment': 'staging' });
      const secretName = `/rollgate/${service}/token`;
      const secret = `Bearer s3cr3t-${randomUUID()}`;
      await putSecureParameter(secretName, secret);
      const healthy = await serve(healthyService('1.4.2'));
      const broken = await serve(fixedService(503, { status: 'down' }));
      // The function's SSM traffic goes through a recording pass-through to moto, so the test sees SendCommand as sent.
      const ssm = recordingAwsProxy(inject('motoEndpoint'));
      const ssmEndpoint = await serve(ssm.route);
      // Loopback test services: the Lambda's address policy refuses loopback unless a target allows it.
      registerServices(world, {
        ...loopbackService(service, []),
        targets: [
          {
            name: 'healthy',
            url: healthy.url('/health'),
            headers: { Authorization: { ssm: secretName } },
            allowPrivate: true,
          },
          { name: 'broken', url: broken.url('/health'), allowPrivate: true },
        ],
      });
      const event = deployEvent(service, {});

      const invocation = await invokeGate(world, event, { AWS_ENDPOINT_URL_SSM: ssmEndpoint.origin });

      const response = responseOf(invocation);
      expect(response).toEqual({
        status: 'failed',
        status_reason: 'probe_failures',
        evidence: {
          bucket: world.bucket,
          key: expect.stringMatching(verdictKeyPattern(service, event.id)),
          rollback_key: expect.any(String),
        },
        rollback: { attempted: true, command_id: expect.any(String), outcome: 'succeeded' },
      });
      const { key, rollback_key: rollbackKey } = response.evidence!;
      const commandId = response.rollback.command_id;
      expect(rollbackKey).toBe(key.replace(/\.json$/, '.rollback.json'));
      const verdictUri = `s3://${world.bucket}/${key}`;
      const rollbackUri = `s3://${world.bucket}/${rollbackKey}`;

      // The verdict record, filed under the day it started, with the deploy it judged.
      const verdict = await readEvidence(world.bucket, key);
      expect(verdict).toMatchObject({
        kind: 'deploy',
        stage: 'verdict',
        status: 'failed',
        status_reason: 'probe_failures',
        summary: { total: 2, healthy: 1, failing: 1 },
        context: {
          run_id: event.id,
          deploy: {
            service,
            environment: 'prod',
            version: '1.4.2',
            previous_version: '1.4.1',
            digest: DIGEST,
            commit: 'abc1234',
            event_id: event.id,
          },
        },
      });
      expect(key.split('/').slice(3, 6).join('-')).toBe(verdict.started_at.slice(0, 10));

      // The rollback record beside it, linking back to the verdict.
      const rollbackRecord = await readEvidence(world.bucket, rollbackKey!);
      expect(rollbackRecord).toMatchObject({
        stage: 'rollback',
        status: 'failed',
        links: { verdict: verdictUri },
        rollback: { outcome: 'succeeded', command_id: commandId },
      });

      // One SendCommand: the deployment's document with the deploy's versions, to both prod hosts and not the staging
      // one. The hosts come from the request as sent: moto stores every instance in the region on such a command.
      const parameters = {
        Service: [service],
        Environment: ['prod'],
        FailedVersion: ['1.4.2'],
        TargetVersion: ['1.4.1'],
      };
      const [sent, ...sentAgain] = ssm.jsonBodiesOf('AmazonSSM.SendCommand') as Array<{ InstanceIds?: string[] }>;
      expect(sentAgain).toEqual([]);
      expect(sent).toMatchObject({ DocumentName: world.documentName, Parameters: parameters });
      expect(sorted(sent?.InstanceIds)).toEqual(sorted(instanceIds));
      expect(sent?.InstanceIds).not.toContain(stagingId);
      // moto has it under the id the handler returned, and the rollback record names the hosts it read back.
      expect(await commandsOfDocument(world.documentName)).toEqual([
        expect.objectContaining({ CommandId: commandId, DocumentName: world.documentName, Parameters: parameters }),
      ]);
      expect(sorted(rollbackRecord.rollback.hosts?.map((host) => host.instance_id))).toEqual(sorted(instanceIds));

      // The alerts as the subscribed queue received them; the function's log gives the order it published them in.
      const delivered = await receiveSnsMessages(world.queueUrl, { expected: 2 });
      const byType = new Map(delivered.map((alert) => [alert.attributes.alert_type, alert]));
      expect([...byType.keys()].sort()).toEqual(['GateFailed', 'RollbackSucceeded']);
      expect(byType.get('GateFailed')).toMatchObject({
        subject: `[Rollgate] FAILED ${service}/prod v1.4.2: 1/2 probes failing, rollback sent`,
        attributes: { alert_type: 'GateFailed', status: 'failed', service, environment: 'prod' },
      });
      expect(byType.get('RollbackSucceeded')).toMatchObject({
        subject: `[Rollgate] ROLLBACK SUCCEEDED ${service}/prod v1.4.2 to v1.4.1`,
        attributes: { alert_type: 'RollbackSucceeded', status: 'failed', service, environment: 'prod' },
      });
      expect(JSON.parse(byType.get('GateFailed')!.message)).toMatchObject({ evidence_uri: verdictUri });
      expect(JSON.parse(byType.get('RollbackSucceeded')!.message)).toMatchObject({ evidence_uri: rollbackUri });

      const records = logRecords(invocation);
      expect(records.find((record) => record.message === 'gate finished')).toMatchObject({
        level: 'INFO',
        service: 'rollgate',
        cold_start: true,
        correlation_id: event.id,
        rollgate_service: service,
        rollgate_environment: 'prod',
        status: 'failed',
        evidence: verdictUri,
        alerts: [
          { type: 'GateFailed', delivered: true },
          { type: 'RollbackSucceeded', delivered: true },
        ],
      });
      expect(records.find((record) => '_aws' in record)).toMatchObject({
        _aws: { CloudWatchMetrics: [{ Namespace: 'Rollgate', Dimensions: [['service']] }] },
        GateFailed: 1,
        RollbackSucceeded: 1,
      });

      // The secret header reached the service, and nothing the function wrote or sent repeats it.
      expect(healthy.lastHeaders.get('/health')?.authorization).toBe(secret);
      const written = [invocation.stdout, invocation.stderr, JSON.stringify([verdict, rollbackRecord, delivered])];
      for (const text of written) expect(text).not.toContain(secret);

      // What the bundle loaded while it ran is what the scan above allows.
      expect(invocation.required.filter((specifier) => !isProvidedByRuntimeOrLayer(specifier))).toEqual([]);
    },
    BUNDLE_TEST_TIMEOUT_MS,
  );

  it(
    'passes a healthy deploy: evidence with the deploy record, no command, no alert',
    async () => {
      const world = await createHandlerWorld();
      const service = uniqueName('svc');
      await runInstances(1, { 'rollgate:service': service, 'rollgate:environment': 'prod' });
      const healthy = await serve(healthyService('1.4.2'));
      registerServices(world, loopbackService(service, healthy.url('/health')));
      const event = deployEvent(service, {});

      const invocation = await invokeGate(world, event);

      const response = responseOf(invocation);
      expect(response).toEqual({
        status: 'passed',
        status_reason: 'all_probes_healthy',
        evidence: {
          bucket: world.bucket,
          key: expect.stringMatching(verdictKeyPattern(service, event.id)),
        },
        rollback: { attempted: false, command_id: null, outcome: 'not_needed' },
      });
      expect(await readEvidence(world.bucket, response.evidence!.key)).toMatchObject({
        kind: 'deploy',
        stage: 'verdict',
        status: 'passed',
        context: { deploy: { service, environment: 'prod', version: '1.4.2', digest: DIGEST, commit: 'abc1234' } },
      });
      expect(healthy.hits.get('/health')).toBe(1);
      expect(await commandsOfDocument(world.documentName)).toEqual([]);
      expect(await receiveSnsMessages(world.queueUrl, { expected: 0, maxWaitMs: 300 })).toEqual([]);
      expect(logRecords(invocation).find((record) => record.message === 'gate finished')).toMatchObject({
        level: 'INFO',
        status: 'passed',
        alerts: [],
      });
      // A healthy gate needs S3 (evidence) and DynamoDB (its state, and its idempotency record through Powertools'
      // DynamoDB persistence layer, which loads the DynamoDB client itself): the bundle never loads SNS, SSM or EC2.
      const sdk = [
        ...new Set(invocation.required.filter((specifier) => specifier.startsWith('@aws-sdk/client-'))),
      ].sort();
      expect(sdk).toEqual(['@aws-sdk/client-dynamodb', '@aws-sdk/client-s3']);
      expect(invocation.required).toContain('@aws-lambda-powertools/idempotency/dynamodb');

      // The same event again, on another cold start: the stored response, and no second probe.
      const duplicate = await invokeGate(world, event);
      expect(responseOf(duplicate)).toEqual(response);
      expect(healthy.hits.get('/health')).toBe(1);
    },
    BUNDLE_TEST_TIMEOUT_MS,
  );

  it.each([
    ['evidence bucket', 'ROLLGATE_EVIDENCE_BUCKET'],
    ['idempotency table', 'ROLLGATE_IDEMPOTENCY_TABLE'],
    ['state table', 'ROLLGATE_STATE_TABLE'],
    ['registry file', 'ROLLGATE_REGISTRY_FILE'],
  ])(
    'fails its cold start naming the variable when the %s is not set',
    async (_name, variable) => {
      const world = await createHandlerWorld();
      const healthy = await serve(healthyService('1.4.2'));

      const service = uniqueName('svc');
      registerServices(world, loopbackService(service, healthy.url('/health')));
      const invocation = await invokeGate(world, deployEvent(service, {}), {
        [variable]: undefined,
      });

      expect(invocation.outcome).toMatchObject({
        ok: false,
        error: { message: expect.stringContaining(`${variable}: is not set`) },
      });
      expect(healthy.hits.size).toBe(0);
    },
    BUNDLE_TEST_TIMEOUT_MS,
  );
});
