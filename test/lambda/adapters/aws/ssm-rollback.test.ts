// The SSM rollback executor against moto_server through the real SDK: which document goes to which instances with
// which parameters, read back from ListCommands, and the outcome read back through the waiter. moto reports every
// invocation as Success at once, so failed, timed-out and unfinished hosts are in ssm-rollback-faults.test.ts.
//
// moto 5.2.5 quirk: a SendCommand with InstanceIds and no Targets is recorded with every instance of the region added
// (its Targets-to-filters step matches all on an empty filter). The instance ids sent are therefore asserted on the
// request itself, captured by a client middleware as it goes to moto; ListCommands is asserted to contain them.
import { EC2Client, StopInstancesCommand } from '@aws-sdk/client-ec2';
import { ListCommandsCommand, SSMClient, type Command, type SendCommandCommandInput } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { SsmRollbackExecutor, type SsmRollbackOptions } from '../../../../lambda/adapters/aws/ssm-rollback.ts';
import type { DeployRecord, RollbackRequest } from '../../../../lambda/core/gate/ports.ts';
import {
  awsClientConfig,
  createCommandDocument,
  motoClients,
  runInstances,
  uniqueName,
} from '../../../support/aws-fixtures.ts';

function requestFor(deploy: DeployRecord | undefined): RollbackRequest {
  return {
    status: 'failed',
    status_reason: 'probe_failures',
    failed_urls: ['https://checkout.example.com/health'],
    expected_version: deploy?.version ?? null,
    ...(deploy !== undefined ? { deploy } : {}),
  };
}

interface MotoExecutor {
  readonly executor: SsmRollbackExecutor;
  /** The SendCommand requests as they went to moto. */
  readonly sent: SendCommandCommandInput[];
  /** How many times the executor asked for its EC2 client. */
  readonly ec2Requests: () => number;
}

function executorFor(documentName: string, options: Partial<SsmRollbackOptions> = {}): MotoExecutor {
  const config = awsClientConfig();
  const ssm = new SSMClient(config);
  const sent: SendCommandCommandInput[] = [];
  ssm.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'SendCommandCommand') sent.push(args.input as SendCommandCommandInput);
      return next(args);
    },
    { step: 'initialize', name: 'recordSendCommand' },
  );
  const ec2 = new EC2Client(config);
  let ec2Requests = 0;
  const executor = new SsmRollbackExecutor({
    ssm,
    ec2: async () => {
      ec2Requests += 1;
      return ec2;
    },
    documentName,
    ...options,
  });
  return { executor, sent, ec2Requests: () => ec2Requests };
}

/** moto's ListCommands ignores filters other than id, so the unique document name picks this test's commands. */
async function commandsOfDocument(documentName: string): Promise<Command[]> {
  const { Commands: commands = [] } = await motoClients().ssm.send(new ListCommandsCommand({}));
  return commands.filter((command) => command.DocumentName === documentName);
}

async function commandById(commandId: string | undefined): Promise<Command | undefined> {
  const { Commands: [command] = [] } = await motoClients().ssm.send(new ListCommandsCommand({ CommandId: commandId }));
  return command;
}

function deployOf(service: string, overrides: Partial<DeployRecord> = {}): DeployRecord {
  return { service, environment: 'prod', version: '1.4.2', previous_version: '1.4.1', ...overrides };
}

describe('SsmRollbackExecutor against moto', () => {
  it('sends the rollback document to the instances the event names, with the four parameters', async () => {
    const service = uniqueName('svc');
    const instanceIds = await runInstances(2, { 'rollgate:service': service });
    const documentName = await createCommandDocument();
    const { executor, sent, ec2Requests } = executorFor(documentName, { target: { instanceIds } });

    const result = await executor.run(requestFor(deployOf(service)));

    // Instance ids need no lookup, so the EC2 client (and its SDK package) is never asked for.
    expect(ec2Requests()).toBe(0);
    expect(sent).toEqual([
      {
        DocumentName: documentName,
        InstanceIds: instanceIds,
        Parameters: { Service: [service], Environment: ['prod'], FailedVersion: ['1.4.2'], TargetVersion: ['1.4.1'] },
        Comment: `Rollgate rollback ${service}/prod 1.4.2 -> 1.4.1`,
        TimeoutSeconds: 600,
        MaxConcurrency: '100%',
        MaxErrors: '100%',
      },
    ]);
    const command = await commandById(result.command_id);
    expect(command).toMatchObject({
      DocumentName: documentName,
      Parameters: { Service: [service], Environment: ['prod'], FailedVersion: ['1.4.2'], TargetVersion: ['1.4.1'] },
      Comment: `Rollgate rollback ${service}/prod 1.4.2 -> 1.4.1`,
    });
    expect(command?.InstanceIds).toEqual(expect.arrayContaining(instanceIds));
    expect(result).toMatchObject({ attempted: true, ok: true, outcome: 'succeeded', exit_code: 0 });
    expect(result.hosts).toEqual(
      instanceIds.map((instanceId) => ({ instance_id: instanceId, status: 'Success', exit_code: 0, output_tail: '' })),
    );
  });

  it('sends to every instance when SSM cannot say which it manages (moto has no DescribeInstanceInformation)', async () => {
    const service = uniqueName('svc');
    const instanceIds = await runInstances(1, { 'rollgate:service': service });
    const documentName = await createCommandDocument();
    const { executor, sent } = executorFor(documentName, { target: { instanceIds } });

    const result = await executor.run(requestFor(deployOf(service)));

    expect(sent.map((request) => request.InstanceIds)).toEqual([instanceIds]);
    expect(result).toMatchObject({ ok: true, outcome: 'succeeded' });
    expect(result.detail).toMatch(
      /^DescribeInstanceInformation failed \(.+\), so every instance was sent the command$/,
    );
  });

  it('defaults to the running instances tagged rollgate:service and rollgate:environment of the deploy', async () => {
    const service = uniqueName('svc');
    const prod = await runInstances(2, { 'rollgate:service': service, 'rollgate:environment': 'prod' });
    await runInstances(1, { 'rollgate:service': service, 'rollgate:environment': 'staging' });
    const [stopped] = await runInstances(1, { 'rollgate:service': service, 'rollgate:environment': 'prod' });
    await motoClients().ec2.send(new StopInstancesCommand({ InstanceIds: [stopped!] }));
    const documentName = await createCommandDocument();
    const { executor, sent } = executorFor(documentName);

    const result = await executor.run(requestFor(deployOf(service)));

    expect(result.outcome).toBe('succeeded');
    expect(sent[0]?.InstanceIds?.sort()).toEqual([...prod].sort());
    expect(result.hosts?.map((host) => host.instance_id).sort()).toEqual([...prod].sort());
    expect((await commandById(result.command_id))?.InstanceIds).toEqual(expect.arrayContaining(prod));
    expect(result.executor).toBe(
      `SSM document ${documentName} to running instances tagged rollgate:service=${service}, rollgate:environment=prod`,
    );
  });

  it("sends to the running instances carrying all of the event's tags", async () => {
    const team = uniqueName('team');
    const matching = await runInstances(1, { team, tier: 'web' });
    await runInstances(1, { team, tier: 'worker' });
    const documentName = await createCommandDocument();
    const { executor, sent } = executorFor(documentName, { target: { tags: { team, tier: 'web' } } });

    const result = await executor.run(requestFor(deployOf(uniqueName('svc'))));

    expect(result.outcome).toBe('succeeded');
    expect(sent[0]?.InstanceIds).toEqual(matching);
  });

  it('records send_failed and sends nothing when no running instance carries the tags', async () => {
    const service = uniqueName('svc');
    const [stopped] = await runInstances(1, { 'rollgate:service': service, 'rollgate:environment': 'prod' });
    await motoClients().ec2.send(new StopInstancesCommand({ InstanceIds: [stopped!] }));
    const documentName = await createCommandDocument();
    const { executor, sent } = executorFor(documentName);

    const result = await executor.run(requestFor(deployOf(service)));

    expect(result).toMatchObject({
      attempted: true,
      ok: false,
      outcome: 'send_failed',
      detail: `nothing sent: no running instances carry tags rollgate:service=${service}, rollgate:environment=prod`,
    });
    expect(result.command_id).toBeUndefined();
    expect(sent).toEqual([]);
    expect(await commandsOfDocument(documentName)).toEqual([]);
  });

  it.each<[string, Partial<DeployRecord>, string]>([
    ['Service', { service: 'check out' }, '"check out"'],
    ['Environment', { environment: 'prod;reboot' }, '"prod;reboot"'],
    ['FailedVersion', { version: '$(id)' }, '"$(id)"'],
    ['TargetVersion', { previous_version: "1.4.1' && rm -rf / '" }, `"1.4.1' && rm -rf / '"`],
  ])('sends nothing when %s is not a safe value, and names it', async (parameter, overrides, shown) => {
    const instanceIds = await runInstances(1, { 'rollgate:service': uniqueName('svc') });
    const documentName = await createCommandDocument();
    const { executor, sent } = executorFor(documentName, { target: { instanceIds } });

    const result = await executor.run(requestFor(deployOf('checkout', overrides)));

    expect(result).toMatchObject({ ok: false, outcome: 'send_failed' });
    expect(result.detail).toMatch(new RegExp(`^nothing sent: document parameter ${parameter} `));
    expect(result.detail).toContain(shown);
    expect(sent).toEqual([]);
    expect(await commandsOfDocument(documentName)).toEqual([]);
  });

  it('sends nothing without a target version: a rollback never goes to an unnamed version', async () => {
    const instanceIds = await runInstances(1, { 'rollgate:service': uniqueName('svc') });
    const documentName = await createCommandDocument();
    const { executor, sent } = executorFor(documentName, { target: { instanceIds } });

    const result = await executor.run(requestFor({ service: 'checkout', environment: 'prod', version: '1.4.2' }));

    expect(result).toMatchObject({
      ok: false,
      outcome: 'send_failed',
      detail: 'nothing sent: no TargetVersion: no known-good version and no previousVersion to roll back to',
    });
    expect(sent).toEqual([]);
  });

  it("sends the planner's target version over the event's previousVersion", async () => {
    const instanceIds = await runInstances(1, { 'rollgate:service': uniqueName('svc') });
    const documentName = await createCommandDocument();
    const { executor } = executorFor(documentName, { target: { instanceIds } });

    const request = {
      ...requestFor(deployOf('checkout')),
      target_version: '1.4.0',
      target_source: 'known_good' as const,
    };
    const result = await executor.run(request);

    expect(await commandById(result.command_id)).toMatchObject({
      Parameters: { TargetVersion: ['1.4.0'] },
      Comment: 'Rollgate rollback checkout/prod 1.4.2 -> 1.4.0',
    });
  });

  it("rolls back a monitor's service by its scope when the run has no deploy record", async () => {
    const service = uniqueName('svc');
    const instanceIds = await runInstances(1, { 'rollgate:service': service, 'rollgate:environment': 'prod' });
    const documentName = await createCommandDocument();
    const { executor, sent } = executorFor(documentName, { scope: { service, environment: 'prod' } });

    const result = await executor.run({
      ...requestFor(undefined),
      target_version: '1.4.1',
      target_source: 'known_good',
    });

    expect(result.outcome).toBe('succeeded');
    expect(sent[0]).toMatchObject({
      InstanceIds: instanceIds,
      Parameters: { Service: [service], Environment: ['prod'], FailedVersion: ['unknown'], TargetVersion: ['1.4.1'] },
    });
  });
});

describe('SsmRollbackExecutor.start and poll against moto', () => {
  it('sends and returns a handle naming the hosts, which another executor (another invocation) polls to the outcome', async () => {
    const service = uniqueName('svc');
    const instanceIds = await runInstances(2, { 'rollgate:service': service });
    const documentName = await createCommandDocument();
    const sender = executorFor(documentName, { target: { instanceIds }, waitSeconds: 120 });

    const started = await sender.executor.start(requestFor(deployOf(service)));

    expect(started.state).toBe('started');
    if (started.state !== 'started') return;
    expect(sender.sent).toHaveLength(1);
    const handle = JSON.parse(JSON.stringify(started.handle));
    expect(handle).toMatchObject({
      kind: 'ssm',
      id: expect.any(String),
      detail: { order: instanceIds, sent: instanceIds, skipped: [], wait_seconds: 120 },
    });
    expect(Date.parse(handle.wait_until) - Date.parse(handle.started_at)).toBe(120_000);

    const follower = executorFor(documentName, { target: { instanceIds } });
    const polled = await follower.executor.poll(handle);
    expect(follower.sent).toEqual([]);
    expect(polled).toMatchObject({
      state: 'done',
      result: {
        ok: true,
        outcome: 'succeeded',
        command_id: handle.id,
        executor: expect.stringContaining(documentName),
      },
    });
    if (polled.state === 'done') expect(polled.result.hosts?.map((host) => host.instance_id)).toEqual(instanceIds);
  });

  it('answers done at start, with nothing sent, when no running instance carries the tags', async () => {
    const documentName = await createCommandDocument();
    const { executor, sent } = executorFor(documentName, {
      target: { tags: { 'rollgate:service': uniqueName('none') } },
    });

    const started = await executor.start(requestFor(deployOf('checkout')));

    expect(sent).toEqual([]);
    expect(started).toMatchObject({ state: 'done', result: { outcome: 'send_failed' } });
  });
});
