// AWS faults: one test per way the AWS services under a gate can fail it, each run end to end through the Lambda
// handler on moto_server with the real SDK clients. Whatever breaks, the verdict is recorded (an evidence record, or,
// when S3 itself is down, the EvidenceWriteFailed alert that carries it) and the fault is named. moto produces missing
// resources itself; refusals it cannot produce (access denied, throttling) and the call it lacks
// (DescribeInstanceInformation) are answered by interceptAwsCalls, every other call of the run still reaching moto.
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  GetParameterCommand,
  SendCommandCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { afterEach, describe, expect, it } from 'vitest';
import type { EvidenceDocument } from '../../lambda/core/evidence/evidence.ts';
import type { GateResponse } from '../../lambda/handlers/gate-response.ts';
import {
  awsServiceError,
  createHandlerWorld,
  deployEvent,
  interceptAwsCalls,
  lambdaContext,
  loadHandler,
  loopbackService,
  readEvidence,
  recordAwsCalls,
  registerServices,
  resetHandlerTest,
  serve,
  type AwsCallAnswer,
  type HandlerWorld,
  type HandlerWorldOptions,
} from '../lambda/handlers/handler-harness.ts';
import { seedServiceState } from '../lambda/handlers/state-table-world.ts';
import { putSecureParameter, receiveSnsMessages, runInstances, uniqueName } from '../support/aws-fixtures.ts';
import { fixedService } from '../support/loopback-server.ts';

// loadHandler imports these from handler-harness.ts, so they are relative to it.
const DEPLOY_HANDLER = '../../../lambda/handlers/deploy-event.ts';
const CHECK_HANDLER = '../../../lambda/handlers/scheduled-check.ts';

afterEach(resetHandlerTest);

/** Answers `command` of one type with `answer`, letting every other call through to moto. */
function when(commandClass: abstract new (...args: never[]) => unknown, answer: AwsCallAnswer) {
  return (command: unknown): AwsCallAnswer => (command instanceof commandClass ? answer : undefined);
}

/** SSM's answer to DescribeInstanceInformation (which moto lacks) when only `online` are managed and online. */
function managedInstances(online: readonly (string | undefined)[]): AwsCallAnswer {
  return {
    resolves: {
      InstanceInformationList: online.map((instanceId) => ({ InstanceId: instanceId, PingStatus: 'Online' })),
    },
  };
}

interface FailedDeploy {
  readonly world: HandlerWorld;
  readonly service: string;
  readonly response: GateResponse;
  /** The run's most complete record: delivery, else rollback, else verdict. */
  readonly lastRecord: () => Promise<EvidenceDocument>;
}

/** A deploy whose service answers 503, judged by the deploy gate in a world missing what `options` says. */
async function failedDeploy(
  options: HandlerWorldOptions & {
    readonly detail?: (service: string) => Promise<Record<string, unknown>>;
    readonly faults?: (world: HandlerWorld) => void;
  } = {},
): Promise<FailedDeploy> {
  const world = await createHandlerWorld(options);
  const handler = await loadHandler(DEPLOY_HANDLER, world.env);
  const service = uniqueName('svc');
  const detail = options.detail !== undefined ? await options.detail(service) : {};
  const server = await serve(fixedService(503, { status: 'down' }));
  registerServices(world, loopbackService(service, server.url('/health')));
  options.faults?.(world);
  const response = await handler(deployEvent(service, detail), lambdaContext());
  const lastRecord = async () => {
    const evidence = response.evidence;
    if (evidence === null) throw new Error('the verdict record was not written');
    return readEvidence(world.bucket, evidence.delivery_key ?? evidence.rollback_key ?? evidence.key);
  };
  return { world, service, response, lastRecord };
}

/** The instances tagged for `service` in prod, as the event's rollback target. */
async function taggedHosts(service: string, count = 1): Promise<string[]> {
  return runInstances(count, { 'rollgate:service': service, 'rollgate:environment': 'prod' });
}

describe('AWS faults: the verdict is recorded and the fault named', () => {
  it('S3 bucket missing: the EvidenceWriteFailed alert carries the verdict and names NoSuchBucket', async () => {
    const { world, response } = await failedDeploy({ bucketExists: false });

    expect(response).toMatchObject({ status: 'failed', evidence: null });
    expect(response.faults).toContainEqual(expect.objectContaining({ port: 'evidence', error_name: 'NoSuchBucket' }));
    const alerts = await receiveSnsMessages(world.queueUrl, { expected: 3 });
    const written = alerts.find((alert) => alert.attributes.alert_type === 'EvidenceWriteFailed');
    expect(JSON.parse(written?.message ?? '{}')).toMatchObject({
      status: 'failed',
      status_reason: 'probe_failures',
      failing_targets: [expect.objectContaining({ reason: expect.stringContaining('503') })],
      evidence_error: expect.stringContaining('NoSuchBucket'),
    });
  });

  it('S3 access denied: the EvidenceWriteFailed alert carries the verdict and names AccessDenied', async () => {
    const { world, response } = await failedDeploy({
      faults: () =>
        interceptAwsCalls(
          S3Client,
          when(PutObjectCommand, { rejects: awsServiceError('AccessDenied', 'Access Denied', 403) }),
        ),
    });

    expect(response).toMatchObject({ status: 'failed', evidence: null });
    expect(response.faults).toContainEqual(expect.objectContaining({ port: 'evidence', error_name: 'AccessDenied' }));
    const alerts = await receiveSnsMessages(world.queueUrl, { expected: 3 });
    const written = alerts.find((alert) => alert.attributes.alert_type === 'EvidenceWriteFailed');
    expect(JSON.parse(written?.message ?? '{}')).toMatchObject({
      status: 'failed',
      evidence_error: expect.stringContaining('AccessDenied: Access Denied'),
    });
  });

  it('SNS topic missing: a delivery record lists every alert as not delivered, naming NotFound', async () => {
    const { response, lastRecord } = await failedDeploy({ topicExists: false });

    expect(response.alerts_not_delivered).toHaveLength(2);
    expect(await lastRecord()).toMatchObject({
      stage: 'delivery',
      status: 'failed',
      alerts: [
        { type: 'GateFailed', delivered: false, error: expect.stringContaining('NotFound') },
        { type: 'RollbackFailed', delivered: false, error: expect.stringContaining('NotFound') },
      ],
      faults: [expect.objectContaining({ port: 'alert', error_name: 'NotFoundException' }), expect.anything()],
    });
  });

  it('SNS throttled: a delivery record names Throttling for each alert', async () => {
    const { response, lastRecord } = await failedDeploy({
      faults: () =>
        interceptAwsCalls(SNSClient, when(PublishCommand, { rejects: awsServiceError('Throttling', 'Rate exceeded') })),
    });

    expect(response.alerts_not_delivered?.map((alert) => alert.type)).toEqual(['GateFailed', 'RollbackFailed']);
    expect(await lastRecord()).toMatchObject({
      stage: 'delivery',
      alerts: [{ delivered: false, error: expect.stringContaining('Throttling: Rate exceeded') }, { delivered: false }],
      faults: [expect.objectContaining({ port: 'alert', error_name: 'Throttling' }), expect.anything()],
    });
  });

  it('SSM SendCommand denied: the rollback record says send_failed and names AccessDeniedException', async () => {
    const { response, lastRecord } = await failedDeploy({
      detail: async (service) => ({ rollback: { instanceIds: await taggedHosts(service) } }),
      faults: () =>
        interceptAwsCalls(
          SSMClient,
          when(SendCommandCommand, {
            rejects: awsServiceError('AccessDeniedException', 'not authorized to perform: ssm:SendCommand'),
          }),
        ),
    });

    expect(response.rollback).toMatchObject({ attempted: true, outcome: 'send_failed' });
    expect((await lastRecord()).rollback).toMatchObject({
      ok: false,
      outcome: 'send_failed',
      detail: expect.stringContaining('SendCommand failed: AccessDeniedException'),
    });
  });

  it('a stale instance id: the managed host is rolled back and the stale one is named NotManaged', async () => {
    let good: string | undefined;
    let stale: string | undefined;
    const calls = recordAwsCalls();
    const { response, lastRecord } = await failedDeploy({
      // Both the service's hosts by their tags; SSM no longer manages the second.
      detail: async (service) => {
        [good, stale] = await taggedHosts(service, 2);
        return { rollback: { instanceIds: [good, stale] } };
      },
      faults: () => interceptAwsCalls(SSMClient, when(DescribeInstanceInformationCommand, managedInstances([good]))),
    });

    expect(calls.sentCommands.map((command) => command.InstanceIds)).toEqual([[good]]);
    expect(response.rollback).toMatchObject({ attempted: true, outcome: 'failed' });
    expect((await lastRecord()).rollback.hosts).toEqual([
      expect.objectContaining({ instance_id: good, status: 'Success' }),
      expect.objectContaining({ instance_id: stale, status: 'NotManaged' }),
    ]);
  });

  it('all instances stale: nothing is sent, and every host is named NotManaged', async () => {
    let stale: string[] = [];
    const calls = recordAwsCalls();
    const { response, lastRecord } = await failedDeploy({
      detail: async (service) => {
        stale = await taggedHosts(service, 2);
        return { rollback: { instanceIds: stale } };
      },
      faults: () => interceptAwsCalls(SSMClient, when(DescribeInstanceInformationCommand, managedInstances([]))),
    });

    expect(calls.sentCommands).toEqual([]);
    expect(response.rollback).toMatchObject({ attempted: true, outcome: 'send_failed', command_id: null });
    expect((await lastRecord()).rollback).toMatchObject({
      detail: 'nothing sent: none of the 2 instance(s) is managed by SSM and online',
      hosts: stale.map((instanceId) => expect.objectContaining({ instance_id: instanceId, status: 'NotManaged' })),
    });
  });

  it('EC2 DescribeInstances denied: the rollback record says send_failed and names UnauthorizedOperation', async () => {
    const calls = recordAwsCalls();
    const { response, lastRecord } = await failedDeploy({
      // No rollback target in the event: the gate looks up the deploy's rollgate:* tagged hosts.
      detail: async (service) => {
        await taggedHosts(service);
        return {};
      },
      faults: () =>
        interceptAwsCalls(
          EC2Client,
          when(DescribeInstancesCommand, {
            rejects: awsServiceError('UnauthorizedOperation', 'You are not authorized to perform this operation.', 403),
          }),
        ),
    });

    expect(calls.sentCommands).toEqual([]);
    expect(response.rollback.outcome).toBe('send_failed');
    expect((await lastRecord()).rollback.detail).toBe(
      'nothing sent: DescribeInstances failed: UnauthorizedOperation: You are not authorized to perform this operation.',
    );
  });

  it('idempotency table missing: the verdict is recorded with the fault, no rollback is sent, RollbackRequired goes out', async () => {
    const calls = recordAwsCalls();
    const { world, response, lastRecord } = await failedDeploy({
      idempotencyTableExists: false,
      detail: async (service) => ({ rollback: { instanceIds: await taggedHosts(service) } }),
    });

    expect(calls.sentCommands).toEqual([]);
    expect(response.rollback.outcome).toBe('withheld');
    expect(await lastRecord()).toMatchObject({
      status: 'failed',
      rollback: { attempted: false, outcome: 'withheld' },
      faults: [{ port: 'idempotency', error_name: 'ResourceNotFoundException' }],
    });
    const alerts = await receiveSnsMessages(world.queueUrl, { expected: 2 });
    expect(alerts.map((alert) => alert.attributes.alert_type).sort()).toEqual(['GateFailed', 'RollbackRequired']);
  });

  it('idempotency table throttled: the verdict is recorded with the fault and no rollback is sent', async () => {
    const calls = recordAwsCalls();
    const { response, lastRecord } = await failedDeploy({
      detail: async (service) => ({ rollback: { instanceIds: await taggedHosts(service) } }),
      // The idempotency table only: the state table beside it answers.
      faults: (world) =>
        interceptAwsCalls(DynamoDBClient, (command) =>
          command instanceof PutItemCommand && command.input.TableName === world.idempotencyTable
            ? {
                rejects: awsServiceError(
                  'ProvisionedThroughputExceededException',
                  'Rate of requests exceeds the allowed throughput',
                ),
              }
            : undefined,
        ),
    });

    expect(calls.sentCommands).toEqual([]);
    expect(response.rollback.outcome).toBe('withheld');
    expect((await lastRecord()).faults).toEqual([
      expect.objectContaining({ port: 'idempotency', error_name: 'ProvisionedThroughputExceededException' }),
    ]);
  });

  it('SSM secret parameter missing: the verdict is invalid_config, nothing is probed, the fault names ParameterNotFound', async () => {
    const { server, response, record } = await gateWithSecret(`/rollgate/${uniqueName('missing')}`);

    expect(server.hits.size).toBe(0);
    expect(response).toMatchObject({ status: 'failed', status_reason: 'invalid_config' });
    expect((await record()).faults).toEqual([
      expect.objectContaining({ port: 'secrets', error_name: 'ParameterNotFound' }),
    ]);
  });

  it('KMS denied on the secret: the verdict is invalid_config and the fault names AccessDeniedException', async () => {
    const parameter = `/rollgate/${uniqueName('token')}`;
    await putSecureParameter(parameter, 'health-token-value');
    const denied = awsServiceError(
      'AccessDeniedException',
      'User is not authorized to perform: kms:Decrypt on the key that protects this parameter',
    );
    const { server, response, record } = await gateWithSecret(parameter, () =>
      interceptAwsCalls(SSMClient, when(GetParameterCommand, { rejects: denied })),
    );

    expect(server.hits.size).toBe(0);
    expect(response.status_reason).toBe('invalid_config');
    const evidence = await record();
    expect(evidence.faults).toEqual([
      expect.objectContaining({
        port: 'secrets',
        error_name: 'AccessDeniedException',
        message: expect.stringContaining('kms:Decrypt'),
      }),
    ]);
    expect(JSON.stringify(evidence)).not.toContain('health-token-value');
  });

  it("a monitor's rollback wait cut by the function's remaining time: recorded as wait_timed_out, never pending", async () => {
    const world = await createHandlerWorld();
    const handler = await loadHandler(CHECK_HANDLER, { ...world.env, ROLLGATE_ROLLBACK_WAIT_SECONDS: '600' });
    const service = uniqueName('svc');
    const [host] = await taggedHosts(service);
    // A monitor's rollback goes to a known-good version, never an empty one: the service has one.
    await seedServiceState(world, service, { deployed: '1.4.2', knownGood: ['1.4.2', '1.4.1'] });
    const server = await serve(fixedService(503, { status: 'down' }));
    const calls = recordAwsCalls();
    // The script is still running on the host (moto finishes every command at once).
    interceptAwsCalls(SSMClient, (command) =>
      command instanceof DescribeInstanceInformationCommand
        ? managedInstances([host])
        : command instanceof GetCommandInvocationCommand
          ? { resolves: { Status: 'InProgress', StatusDetails: 'InProgress', ResponseCode: -1 } }
          : undefined,
    );
    const monitor = {
      monitor: uniqueName('mon'),
      targets: [{ url: server.url('/health'), allowPrivate: true }],
      retries: 0,
      // Short enough that its probe and the verdict's record fit the 16 s left below.
      timeoutMs: 500,
      rollbackOnFailure: true,
      service,
      environment: 'prod',
      // Down, and so rolled back, on this first failing run.
      failureThreshold: 1,
    };

    // A 120 s check function 104 s in: 16 s left, 15 of them kept to record.
    const response = await handler(monitor, lambdaContext(undefined, 16_000));

    expect(calls.sentCommands).toHaveLength(1);
    expect(calls.sentCommands[0]?.Parameters?.TargetVersion).toEqual(['1.4.1']);
    expect(response.rollback).toMatchObject({ attempted: true, outcome: 'wait_timed_out' });
    const record = await readEvidence(world.bucket, response.evidence!.rollback_key!);
    expect(record.rollback).toMatchObject({
      outcome: 'wait_timed_out',
      command_id: response.rollback.command_id,
      detail: expect.stringContaining("within the function's remaining time"),
    });
  });
});

/** A deploy whose one target sends a header from SSM `parameter`, with `faults` applied before the gate runs. */
async function gateWithSecret(parameter: string, faults?: () => void) {
  const world = await createHandlerWorld();
  const handler = await loadHandler(DEPLOY_HANDLER, world.env);
  const server = await serve(fixedService(200, { status: 'ok' }));
  const service = uniqueName('svc');
  registerServices(world, {
    service,
    environment: 'prod',
    targets: [{ url: server.url('/health'), allowPrivate: true, headers: { authorization: { ssm: parameter } } }],
  });
  faults?.();
  const response = await handler(deployEvent(service), lambdaContext());
  const record = () => readEvidence(world.bucket, response.evidence!.key);
  return { server, response, record };
}
