// Which hosts a rollback reaches, and how long it may wait: instances SSM does not manage or sees offline are named and
// skipped instead of failing the whole command, SSM's own InvalidInstanceId refusal gets one retry without the ids it
// names, and the wait never outlasts the function's remaining time. moto 5.2.5 implements no DescribeInstanceInformation
// and accepts any instance id, so these run on aws-sdk-client-mock (see mocked-ssm-rollback.ts).
import {
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  SendCommandCommand,
} from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { awsError, CHECKOUT, mockedExecutor, ONLINE, requestFor } from './mocked-ssm-rollback.ts';

const [GOOD, STALE] = ONLINE as [string, string];
const SUCCESS = { Status: 'Success', StatusDetails: 'Success', ResponseCode: 0 } as const;

describe('SsmRollbackExecutor: which hosts it reaches', () => {
  it('sends to the managed host, names the stale one and is not succeeded', async () => {
    const { executor, ssm, restore } = mockedExecutor({}, [GOOD]);
    ssm.on(SendCommandCommand).resolves({ Command: { CommandId: 'cmd-stale' } });
    ssm.on(GetCommandInvocationCommand).resolves(SUCCESS);

    const result = await executor.run(requestFor(CHECKOUT));

    expect(ssm.commandCalls(DescribeInstanceInformationCommand)[0]?.args[0].input).toEqual({
      Filters: [{ Key: 'InstanceIds', Values: [GOOD, STALE] }],
      MaxResults: 50,
    });
    expect(ssm.commandCalls(SendCommandCommand).map((call) => call.args[0].input.InstanceIds)).toEqual([[GOOD]]);
    expect(result).toMatchObject({
      attempted: true,
      ok: false,
      outcome: 'failed',
      command_id: 'cmd-stale',
      detail: `1 of 2 instance(s) did not succeed: ${STALE} NotManaged`,
    });
    expect(result.hosts).toEqual([
      { instance_id: GOOD, status: 'Success', exit_code: 0, output_tail: '' },
      {
        instance_id: STALE,
        status: 'NotManaged',
        exit_code: null,
        output_tail: '',
        detail: 'not sent: SSM does not manage this instance (no registered SSM agent, or the instance is gone)',
      },
    ]);
    restore();
  });

  it('skips a host whose SSM agent is not online, naming its ping status', async () => {
    const { executor, ssm, restore } = mockedExecutor();
    ssm.on(DescribeInstanceInformationCommand).resolves({
      InstanceInformationList: [
        { InstanceId: GOOD, PingStatus: 'Online' },
        { InstanceId: STALE, PingStatus: 'ConnectionLost' },
      ],
    });
    ssm.on(SendCommandCommand).resolves({ Command: { CommandId: 'cmd-lost' } });
    ssm.on(GetCommandInvocationCommand).resolves(SUCCESS);

    const result = await executor.run(requestFor(CHECKOUT));

    expect(ssm.commandCalls(SendCommandCommand)[0]?.args[0].input.InstanceIds).toEqual([GOOD]);
    expect(result.hosts?.[1]).toMatchObject({
      status: 'NotManaged',
      detail: 'not sent: its SSM agent is ConnectionLost, not Online',
    });
    expect(result.outcome).toBe('failed');
    restore();
  });

  it('sends nothing and names every host when none is managed and online', async () => {
    const { executor, ssm, restore } = mockedExecutor({}, []);

    const result = await executor.run(requestFor(CHECKOUT));

    expect(ssm.commandCalls(SendCommandCommand)).toEqual([]);
    expect(result).toMatchObject({
      attempted: true,
      ok: false,
      outcome: 'send_failed',
      detail: 'nothing sent: none of the 2 instance(s) is managed by SSM and online',
    });
    expect(result.hosts?.map((host) => [host.instance_id, host.status])).toEqual([
      [GOOD, 'NotManaged'],
      [STALE, 'NotManaged'],
    ]);
    restore();
  });

  it('sends once more without the ids SSM refuses as InvalidInstanceId, naming them', async () => {
    const { executor, ssm, restore } = mockedExecutor();
    ssm
      .on(SendCommandCommand)
      .rejectsOnce(
        awsError('InvalidInstanceId', `Instances [[${STALE}]] not in a valid state for account 123456789012`),
      )
      .resolves({ Command: { CommandId: 'cmd-retry' } });
    ssm.on(GetCommandInvocationCommand).resolves(SUCCESS);

    const result = await executor.run(requestFor(CHECKOUT));

    expect(ssm.commandCalls(SendCommandCommand).map((call) => call.args[0].input.InstanceIds)).toEqual([
      [GOOD, STALE],
      [GOOD],
    ]);
    expect(result).toMatchObject({ outcome: 'failed', command_id: 'cmd-retry' });
    expect(result.hosts?.[1]).toEqual({
      instance_id: STALE,
      status: 'NotManaged',
      exit_code: null,
      output_tail: '',
      detail: 'not sent: SendCommand refused it as InvalidInstanceId',
    });
    restore();
  });

  it('retries no more than once, and not at all when SSM names no instance', async () => {
    const { executor, ssm, restore } = mockedExecutor();
    ssm.on(SendCommandCommand).rejects(awsError('InvalidInstanceId', ''));

    const result = await executor.run(requestFor(CHECKOUT));

    expect(ssm.commandCalls(SendCommandCommand)).toHaveLength(1);
    expect(result).toMatchObject({
      outcome: 'send_failed',
      detail: 'nothing sent: SendCommand failed: InvalidInstanceId: ',
    });
    restore();
  });

  it('still sends to every host when SSM cannot be asked which it manages, and says so', async () => {
    const { executor, ssm, restore } = mockedExecutor();
    ssm
      .on(DescribeInstanceInformationCommand)
      .rejects(awsError('AccessDeniedException', 'not authorized to perform: ssm:DescribeInstanceInformation'));
    ssm.on(SendCommandCommand).resolves({ Command: { CommandId: 'cmd-blind' } });
    ssm.on(GetCommandInvocationCommand).resolves(SUCCESS);

    const result = await executor.run(requestFor(CHECKOUT));

    expect(ssm.commandCalls(SendCommandCommand)[0]?.args[0].input.InstanceIds).toEqual([GOOD, STALE]);
    expect(result).toMatchObject({
      ok: true,
      outcome: 'succeeded',
      detail:
        'DescribeInstanceInformation failed (AccessDeniedException: not authorized to perform: ' +
        'ssm:DescribeInstanceInformation), so every instance was sent the command',
    });
    restore();
  });
});

describe("SsmRollbackExecutor: the wait within the function's remaining time", () => {
  it('stops waiting early enough to record, reporting wait_timed_out with the command id, never pending', async () => {
    // 15.3 s left and a 15 s record margin: a 0.3 s wait of the configured 600 s.
    const { executor, ssm, restore } = mockedExecutor({ remainingTimeMs: () => 15_300 });
    ssm.on(SendCommandCommand).resolves({ Command: { CommandId: 'cmd-cut' } });
    ssm
      .on(GetCommandInvocationCommand)
      .resolves({ Status: 'InProgress', StatusDetails: 'InProgress', ResponseCode: -1 });

    const result = await executor.run(requestFor(CHECKOUT));

    expect(result).toMatchObject({
      attempted: true,
      ok: false,
      outcome: 'wait_timed_out',
      command_id: 'cmd-cut',
      detail:
        "still running when the wait stopped after 0s of its 600s, to record the outcome within the function's " +
        `remaining time: ${GOOD} InProgress, ${STALE} InProgress`,
    });
    // The hosts must not pick the command up after nobody is watching.
    expect(ssm.commandCalls(SendCommandCommand)[0]?.args[0].input.TimeoutSeconds).toBe(30);
    restore();
  });

  it('sends nothing when the function has less time left than it keeps to record the outcome', async () => {
    const { executor, ssm, restore } = mockedExecutor({ remainingTimeMs: () => 9_000 });

    const result = await executor.run(requestFor(CHECKOUT));

    expect(ssm.commandCalls(SendCommandCommand)).toEqual([]);
    expect(result).toMatchObject({
      outcome: 'send_failed',
      detail: 'nothing sent: the function had 9s left, less than the 15s it keeps to record and alert the outcome',
    });
    restore();
  });

  it('keeps the configured wait when the function has time to spare', async () => {
    const { executor, ssm, restore } = mockedExecutor({ waitSeconds: 120, remainingTimeMs: () => 800_000 });
    ssm.on(SendCommandCommand).resolves({ Command: { CommandId: 'cmd-spare' } });
    ssm.on(GetCommandInvocationCommand).resolves(SUCCESS);

    const result = await executor.run(requestFor(CHECKOUT));

    expect(ssm.commandCalls(SendCommandCommand)[0]?.args[0].input.TimeoutSeconds).toBe(120);
    expect(result).toMatchObject({ outcome: 'succeeded' });
    restore();
  });
});
