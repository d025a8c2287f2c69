// The SSM rollback executor's outcomes that moto cannot produce (it reports every invocation as Success at once, does
// not implement DescribeInstanceInformation and accepts any instance id), with aws-sdk-client-mock in place of SSM and
// EC2: a failed host, a timed-out host, a wait that runs out or is cut by the function's remaining time, instances SSM
// does not manage, refused calls, too many hosts, and output that must be capped and redacted. What is sent where is
// tested against moto in ssm-rollback.test.ts.
import { GetCommandInvocationCommand, SendCommandCommand, type CommandInvocationStatus } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { awsError, CHECKOUT, mockedExecutor, requestFor } from './mocked-ssm-rollback.ts';

describe('SsmRollbackExecutor with outcomes moto cannot produce', () => {
  it('reports failed, with the exit code and stderr tail of the instance that failed', async () => {
    const { executor, ssm, restore } = mockedExecutor();
    ssm.on(SendCommandCommand).resolves({ Command: { CommandId: 'cmd-1' } });
    ssm.on(GetCommandInvocationCommand, { InstanceId: 'i-0aaaaaaaaaaaaaaaa' }).resolves({
      Status: 'Success',
      StatusDetails: 'Success',
      ResponseCode: 0,
      StandardOutputContent: 'rolled back to 1.4.1\n',
    });
    ssm.on(GetCommandInvocationCommand, { InstanceId: 'i-0bbbbbbbbbbbbbbbb' }).resolves({
      Status: 'Failed',
      StatusDetails: 'Failed',
      ResponseCode: 1,
      StandardOutputContent: 'stopping checkout\n',
      StandardErrorContent: 'rollback.sh: cannot pull checkout:1.4.1: registry unreachable\n',
    });

    const result = await executor.run(requestFor(CHECKOUT));

    expect(result).toMatchObject({
      ok: false,
      outcome: 'failed',
      exit_code: 1,
      command_id: 'cmd-1',
      detail: '1 of 2 instance(s) did not succeed: i-0bbbbbbbbbbbbbbbb Failed (exit 1)',
    });
    expect(result.hosts?.[1]).toEqual({
      instance_id: 'i-0bbbbbbbbbbbbbbbb',
      status: 'Failed',
      exit_code: 1,
      output_tail: 'stopping checkout\nrollback.sh: cannot pull checkout:1.4.1: registry unreachable\n',
    });
    expect(result.output_tail).toMatch(/--- i-0bbbbbbbbbbbbbbbb Failed \(exit 1\) ---\n.*registry unreachable\n$/s);
    restore();
  });

  it.each<[CommandInvocationStatus, string]>([
    ['TimedOut', 'ExecutionTimedOut'],
    ['TimedOut', 'DeliveryTimedOut'],
  ])('reports timed_out when an instance ends %s (%s)', async (status, details) => {
    const { executor, ssm, restore } = mockedExecutor({ target: { instanceIds: ['i-0aaaaaaaaaaaaaaaa'] } });
    ssm.on(SendCommandCommand).resolves({ Command: { CommandId: 'cmd-2' } });
    ssm.on(GetCommandInvocationCommand).resolves({ Status: status, StatusDetails: details, ResponseCode: -1 });

    const result = await executor.run(requestFor(CHECKOUT));

    expect(result).toMatchObject({
      ok: false,
      outcome: 'timed_out',
      exit_code: null,
      detail: `1 of 1 instance(s) did not succeed: i-0aaaaaaaaaaaaaaaa ${details}`,
    });
    restore();
  });

  it('reports wait_timed_out when an instance is still running as the wait runs out', async () => {
    const { executor, ssm, restore } = mockedExecutor({ waitSeconds: 0.3 });
    ssm.on(SendCommandCommand).resolves({ Command: { CommandId: 'cmd-3' } });
    ssm
      .on(GetCommandInvocationCommand)
      .resolves({ Status: 'InProgress', StatusDetails: 'InProgress', ResponseCode: -1 });
    const started = performance.now();

    const result = await executor.run(requestFor(CHECKOUT));

    expect(performance.now() - started).toBeLessThan(2_000);
    expect(result).toMatchObject({
      ok: false,
      outcome: 'wait_timed_out',
      command_id: 'cmd-3',
      detail: 'still running after the 0.3s wait: i-0aaaaaaaaaaaaaaaa InProgress, i-0bbbbbbbbbbbbbbbb InProgress',
    });
    // The waiter polled more than once per instance before giving up, then each outcome was read once more.
    expect(ssm.commandCalls(GetCommandInvocationCommand).length).toBeGreaterThan(4);
    restore();
  });

  it.each([
    ['ThrottlingException', 'Rate exceeded'],
    ['AccessDeniedException', 'User is not authorized to perform: ssm:SendCommand'],
    ['InvalidDocument', 'Document RollgateRollback does not exist'],
  ])('reports send_failed naming %s when SendCommand is refused, and waits for nothing', async (name, message) => {
    const { executor, ssm, restore } = mockedExecutor();
    ssm.on(SendCommandCommand).rejects(awsError(name, message));

    const result = await executor.run(requestFor(CHECKOUT));

    expect(result).toMatchObject({
      attempted: true,
      ok: false,
      outcome: 'send_failed',
      detail: `nothing sent: SendCommand failed: ${name}: ${message}`,
    });
    expect(ssm.commandCalls(GetCommandInvocationCommand)).toEqual([]);
    restore();
  });

  it('reports send_failed naming the EC2 error when the instances cannot be looked up', async () => {
    const { executor, ssm, ec2, restore } = mockedExecutor({ target: { tags: { 'rollgate:service': 'checkout' } } });
    ec2.onAnyCommand().rejects(
      Object.assign(new Error('You are not authorized to perform this operation.'), {
        name: 'UnauthorizedOperation',
      }),
    );

    const result = await executor.run(requestFor(CHECKOUT));

    expect(result).toMatchObject({
      outcome: 'send_failed',
      detail:
        'nothing sent: DescribeInstances failed: UnauthorizedOperation: You are not authorized to perform this operation.',
    });
    expect(ssm.commandCalls(SendCommandCommand)).toEqual([]);
    restore();
  });

  it('sends nothing when more than 50 running instances carry the tags', async () => {
    const { executor, ssm, ec2, restore } = mockedExecutor({ target: { tags: { 'rollgate:service': 'checkout' } } });
    const page = (from: number, nextToken?: string) => ({
      Reservations: [
        {
          Instances: Array.from({ length: 30 }, (_, i) => ({ InstanceId: `i-${String(from + i).padStart(17, '0')}` })),
        },
      ],
      ...(nextToken !== undefined ? { NextToken: nextToken } : {}),
    });
    ec2.onAnyCommand({ NextToken: undefined }).resolves(page(0, 'p2'));
    ec2.onAnyCommand({ NextToken: 'p2' }).resolves(page(30));

    const result = await executor.run(requestFor(CHECKOUT));

    expect(result).toMatchObject({
      outcome: 'send_failed',
      detail:
        'nothing sent: more than 50 running instances carry tags rollgate:service=checkout; one rollback command reaches at most 50',
    });
    expect(ssm.commandCalls(SendCommandCommand)).toEqual([]);
    restore();
  });

  it("keeps the last 4 KiB of an instance's output, with secrets redacted", async () => {
    const { executor, ssm, restore } = mockedExecutor({ target: { instanceIds: ['i-0aaaaaaaaaaaaaaaa'] } });
    ssm.on(SendCommandCommand).resolves({ Command: { CommandId: 'cmd-4' } });
    ssm.on(GetCommandInvocationCommand).resolves({
      Status: 'Failed',
      StatusDetails: 'Failed',
      ResponseCode: 2,
      StandardOutputContent: `${'x'.repeat(10_000)}\nlogin with password=hunter2-registry\n`,
    });

    const result = await executor.run(requestFor(CHECKOUT));

    const tail = result.hosts?.[0]?.output_tail ?? '';
    expect(Buffer.byteLength(tail)).toBe(4096);
    expect(tail).toMatch(/password=\*\*\*\n$/);
    expect(tail).not.toContain('hunter2');
    restore();
  });
});

describe('SsmRollbackExecutor.poll with outcomes moto cannot produce', () => {
  it('answers running while a host runs and the wait has time, then wait_timed_out with the host named once it has not', async () => {
    const { executor, ssm, restore } = mockedExecutor({ target: { instanceIds: ['i-0aaaaaaaaaaaaaaaa'] } });
    ssm.on(SendCommandCommand).resolves({ Command: { CommandId: 'cmd-poll' } });
    ssm
      .on(GetCommandInvocationCommand)
      .resolves({ Status: 'InProgress', StatusDetails: 'InProgress', ResponseCode: -1 });

    const started = await executor.start(requestFor(CHECKOUT));
    if (started.state !== 'started') throw new Error('not started');
    expect(await executor.poll(started.handle)).toEqual({
      state: 'running',
      detail: '1 of 1 instance(s) still running',
    });

    const overdue = { ...started.handle, wait_until: new Date(Date.now() - 1).toISOString() };
    const polled = await executor.poll(overdue);
    expect(polled).toMatchObject({
      state: 'done',
      result: {
        ok: false,
        outcome: 'wait_timed_out',
        command_id: 'cmd-poll',
        detail: 'still running after the 600s wait: i-0aaaaaaaaaaaaaaaa InProgress',
      },
    });
    restore();
  });

  it('reports failed, reading nothing, for a handle that does not say which hosts were sent the command', async () => {
    const { executor, ssm, restore } = mockedExecutor();
    const now = new Date().toISOString();

    const polled = await executor.poll({
      kind: 'ssm',
      id: 'cmd-x',
      started_at: now,
      wait_until: now,
      detail: { sent: 'all' },
    });

    expect(ssm.commandCalls(GetCommandInvocationCommand)).toEqual([]);
    expect(polled).toMatchObject({
      state: 'done',
      result: { ok: false, outcome: 'failed', detail: expect.stringContaining('does not say which hosts') },
    });
    restore();
  });
});
