// The deploy gate handler end to end, in-process: real loopback services to probe, and moto behind the real SDK
// clients the handler builds on first use (S3 evidence, SNS alerts to a subscribed queue, SSM Run Command, EC2).
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { ListCommandsCommand } from '@aws-sdk/client-ssm';
import { afterEach, describe, expect, it } from 'vitest';
import { motoClients, receiveSnsMessages, runInstances, uniqueName } from '../../support/aws-fixtures.ts';
import { fixedService, healthyService } from '../../support/loopback-server.ts';
import {
  captureOutput,
  createHandlerWorld,
  deployEvent,
  lambdaContext,
  loadHandler,
  loopbackService,
  readEvidence,
  recordAwsCalls,
  registerServices,
  resetHandlerTest,
  serve,
  type HandlerWorld,
} from './handler-harness.ts';

const HANDLER = '../../../lambda/handlers/deploy-event.ts';

afterEach(resetHandlerTest);

async function keysIn(bucket: string): Promise<string[]> {
  const { Contents: contents = [] } = await motoClients().s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  return contents.map((object) => object.Key ?? '');
}

async function commandsOf(world: HandlerWorld): Promise<unknown[]> {
  const { Commands: commands = [] } = await motoClients().ssm.send(new ListCommandsCommand({}));
  return commands.filter((command) => command.DocumentName === world.documentName);
}

describe('deploy-event handler', () => {
  it('passes a healthy deploy: evidence in S3 with the deploy record, no command, no alert', async () => {
    const world = await createHandlerWorld();
    const handler = await loadHandler(HANDLER, world.env);
    const service = uniqueName('svc');
    const server = await serve(healthyService('1.4.2'));
    registerServices(world, loopbackService(service, server.url('/health')));
    const event = deployEvent(service);

    const response = await handler(event, lambdaContext());

    expect(response).toEqual({
      status: 'passed',
      status_reason: 'all_probes_healthy',
      evidence: {
        bucket: world.bucket,
        key: expect.stringMatching(
          new RegExp(`^deploys/${service}/prod/\\d{4}/\\d{2}/\\d{2}/\\d{8}T\\d{9}Z-${event.id}\\.json$`),
        ),
      },
      rollback: { attempted: false, command_id: null, outcome: 'not_needed' },
    });
    const evidence = await readEvidence(world.bucket, response.evidence!.key);
    expect(evidence).toMatchObject({
      kind: 'deploy',
      status: 'passed',
      context: {
        run_id: event.id,
        deploy: {
          service,
          environment: 'prod',
          version: '1.4.2',
          previous_version: '1.4.1',
          commit: 'abc1234',
          event_id: event.id,
        },
      },
    });
    expect(await commandsOf(world)).toEqual([]);
    expect(await receiveSnsMessages(world.queueUrl, { expected: 0, maxWaitMs: 300 })).toEqual([]);
  });

  it('keeps a failed deploy failed: verdict evidence before the alert, rollback to the tagged hosts, both alerts', async () => {
    const world = await createHandlerWorld();
    const handler = await loadHandler(HANDLER, world.env);
    const service = uniqueName('svc');
    const instanceIds = await runInstances(2, { 'rollgate:service': service, 'rollgate:environment': 'prod' });
    await runInstances(1, { 'rollgate:service': service, 'rollgate:environment': 'staging' });
    const server = await serve(fixedService(503, { status: 'down' }));
    registerServices(world, loopbackService(service, server.url('/health')));
    const calls = recordAwsCalls();
    const output = captureOutput();
    const event = deployEvent(service);

    const response = await handler(event, lambdaContext());

    expect(response).toMatchObject({
      status: 'failed',
      status_reason: 'probe_failures',
      rollback: { attempted: true, command_id: expect.any(String), outcome: 'succeeded' },
    });
    const { key, rollback_key: rollbackKey } = response.evidence!;
    expect(rollbackKey).toBe(key.replace(/\.json$/, '.rollback.json'));
    const verdictUri = `s3://${world.bucket}/${key}`;

    // The command: the deployment's document, to the prod hosts only, with the deploy's versions.
    expect(calls.sentCommands).toHaveLength(1);
    expect(calls.sentCommands[0]).toMatchObject({
      DocumentName: world.documentName,
      Parameters: { Service: [service], Environment: ['prod'], FailedVersion: ['1.4.2'], TargetVersion: ['1.4.1'] },
    });
    expect(calls.sentCommands[0]?.InstanceIds?.sort()).toEqual([...instanceIds].sort());
    const { Commands: [command] = [] } = await motoClients().ssm.send(
      new ListCommandsCommand({ CommandId: response.rollback.command_id! }),
    );
    expect(command).toMatchObject({ DocumentName: world.documentName, Parameters: calls.sentCommands[0]?.Parameters });

    // The records: the verdict while the rollback was pending, then the rollback record linking back to it.
    expect(await readEvidence(world.bucket, key)).toMatchObject({
      stage: 'verdict',
      status: 'failed',
      rollback: { outcome: 'pending' },
    });
    const rollbackRecord = await readEvidence(world.bucket, rollbackKey!);
    expect(rollbackRecord).toMatchObject({
      stage: 'rollback',
      status: 'failed',
      links: { verdict: verdictUri },
      rollback: { outcome: 'succeeded', command_id: response.rollback.command_id },
    });
    expect(rollbackRecord.rollback.hosts?.map((host) => host.instance_id).sort()).toEqual([...instanceIds].sort());

    // The alerts: GateFailed pointing at a verdict record already in S3, then RollbackSucceeded.
    expect(calls.published).toEqual([
      { type: 'GateFailed', evidenceUri: verdictUri, evidenceExistedWhenPublished: true },
      {
        type: 'RollbackSucceeded',
        evidenceUri: `s3://${world.bucket}/${rollbackKey}`,
        evidenceExistedWhenPublished: true,
      },
    ]);
    const delivered = await receiveSnsMessages(world.queueUrl, { expected: 2 });
    expect(delivered.map((alert) => alert.attributes.alert_type).sort()).toEqual(['GateFailed', 'RollbackSucceeded']);
    for (const alert of delivered) expect(alert.attributes).toMatchObject({ service, environment: 'prod' });

    // Logs and metrics: keyed by the event, EMF under Rollgate with the single service=rollgate dimension.
    const records = output.records();
    expect(records.find((record) => record.message === 'gate finished')).toMatchObject({
      level: 'INFO',
      correlation_id: event.id,
      rollgate_service: service,
      rollgate_environment: 'prod',
      status: 'failed',
    });
    const metrics = records.find((record) => '_aws' in record);
    expect(metrics).toMatchObject({
      _aws: { CloudWatchMetrics: [{ Namespace: 'Rollgate', Dimensions: [['service']] }] },
      service: 'rollgate',
      GateFailed: 1,
      RollbackSent: 1,
      RollbackSucceeded: 1,
      ProbeLatency: expect.any(Number),
    });
  });

  it('raises VersionMismatch when the service answers healthy on the previous version', async () => {
    const world = await createHandlerWorld();
    const handler = await loadHandler(HANDLER, world.env);
    const service = uniqueName('svc');
    const instanceIds = await runInstances(1, { 'rollgate:service': service, 'rollgate:environment': 'prod' });
    const server = await serve(healthyService('1.4.1'));
    registerServices(world, loopbackService(service, server.url('/health')));
    const calls = recordAwsCalls();

    const response = await handler(deployEvent(service, { rollback: { instanceIds } }), lambdaContext());

    expect(response).toMatchObject({ status: 'failed', rollback: { outcome: 'succeeded' } });
    expect(calls.published.map((alert) => alert.type)).toEqual(['VersionMismatch', 'RollbackSucceeded']);
    const delivered = await receiveSnsMessages(world.queueUrl, { expected: 2 });
    expect(delivered.find((alert) => alert.attributes.alert_type === 'VersionMismatch')).toMatchObject({
      subject: `[Rollgate] VERSION MISMATCH ${service}/prod v1.4.2: running 1.4.1, rollback sent`,
      attributes: { alert_type: 'VersionMismatch', status: 'failed' },
    });
  });

  it('refuses a bad event naming the field and value: no probe, no command, no object, no alert', async () => {
    const world = await createHandlerWorld();
    const handler = await loadHandler(HANDLER, world.env);
    const service = uniqueName('svc');
    await runInstances(1, { 'rollgate:service': service, 'rollgate:environment': 'prod' });
    const server = await serve(healthyService('1.4.2'));
    registerServices(world, loopbackService(service, server.url('/health')));
    const output = captureOutput();

    await expect(handler(deployEvent(service, { environment: 'prod; reboot' }), lambdaContext())).rejects.toThrow(
      'detail.environment: must be 1-64 letters, digits, dots, dashes or underscores (got "prod; reboot")',
    );

    expect(server.hits.size).toBe(0);
    expect(await commandsOf(world)).toEqual([]);
    expect(await keysIn(world.bucket)).toEqual([]);
    expect(await receiveSnsMessages(world.queueUrl, { expected: 0, maxWaitMs: 300 })).toEqual([]);
    expect(output.records().find((record) => record.message === 'invocation failed')).toMatchObject({
      level: 'ERROR',
      error_name: 'ConfigError',
    });
  });

  it('alerts EvidenceWriteFailed and still returns the verdict when the bucket is missing', async () => {
    const world = await createHandlerWorld({ bucketExists: false });
    const handler = await loadHandler(HANDLER, world.env);
    const server = await serve(healthyService('1.4.2'));
    const service = uniqueName('svc');
    registerServices(world, loopbackService(service, server.url('/health')));
    const output = captureOutput();

    const response = await handler(deployEvent(service), lambdaContext());

    expect(response).toMatchObject({ status: 'passed', evidence: null });
    const [alert, ...more] = await receiveSnsMessages(world.queueUrl, { expected: 1 });
    expect(more).toEqual([]);
    expect(alert?.attributes.alert_type).toBe('EvidenceWriteFailed');
    expect(JSON.parse(alert?.message ?? '{}')).toMatchObject({
      status: 'passed',
      evidence_uri: null,
      evidence_error: expect.stringContaining('NoSuchBucket'),
    });
    expect(output.records().find((record) => record.message === 'evidence port failed')).toMatchObject({
      level: 'ERROR',
      port: 'evidence',
      error_name: 'NoSuchBucket',
    });
  });

  it("never sends the function's own credentials: an env reference in a header fails the gate unprobed", async () => {
    const world = await createHandlerWorld();
    const handler = await loadHandler(HANDLER, {
      ...world.env,
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI-never-leaves-lambda',
    });
    const server = await serve(healthyService('1.4.2'));
    const service = uniqueName('svc');
    registerServices(world, {
      service,
      environment: 'prod',
      targets: [{ url: server.url('/health'), headers: { Authorization: 'Bearer ${AWS_SECRET_ACCESS_KEY}' } }],
    });
    const event = deployEvent(service);

    const response = await handler(event, lambdaContext());

    expect(response).toMatchObject({
      status: 'failed',
      status_reason: 'invalid_config',
      rollback: { attempted: false },
    });
    expect(server.hits.size).toBe(0);
    const evidence = await readEvidence(world.bucket, response.evidence!.key);
    expect(evidence.message).toContain('environment reference AWS_SECRET_ACCESS_KEY is not allowed in Lambda');
    const [alert] = await receiveSnsMessages(world.queueUrl, { expected: 1 });
    expect(JSON.stringify([evidence, alert])).not.toContain('wJalrXUtnFEMI');
  });

  it.each([
    [
      'the evidence bucket is not configured',
      { ROLLGATE_EVIDENCE_BUCKET: undefined },
      'ROLLGATE_EVIDENCE_BUCKET: is not set',
    ],
    ['the registry is not configured', { ROLLGATE_REGISTRY_FILE: undefined }, 'ROLLGATE_REGISTRY_FILE: is not set'],
  ])('fails its cold start, naming the variable, when %s', async (_case, env, message) => {
    const world = await createHandlerWorld();
    const handler = await loadHandler(HANDLER, { ...world.env, ...env });

    await expect(handler(deployEvent(uniqueName('svc')), lambdaContext())).rejects.toThrow(message);
  });
});
