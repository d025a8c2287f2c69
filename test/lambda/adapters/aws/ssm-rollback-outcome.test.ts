// How per-instance Run Command statuses add up to one rollback outcome.
import { describe, expect, it } from 'vitest';
import { hostStateOf, summarizeHosts } from '../../../../lambda/adapters/aws/ssm-rollback-outcome.ts';
import type { RollbackHostResult } from '../../../../lambda/core/rollback/rollback-result.ts';

function host(instance: string, status: string, exitCode: number | null = null, output = ''): RollbackHostResult {
  return { instance_id: instance, status, exit_code: exitCode, output_tail: output };
}

describe('hostStateOf', () => {
  it.each([
    ['Success', 'succeeded'],
    ['Pending', 'running'],
    ['InProgress', 'running'],
    ['Delayed', 'running'],
    ['TimedOut', 'timed_out'],
    ['DeliveryTimedOut', 'timed_out'],
    ['ExecutionTimedOut', 'timed_out'],
    ['Failed', 'failed'],
    ['Cancelled', 'failed'],
    ['Canceled', 'failed'],
    ['Cancelling', 'failed'],
    ['Undeliverable', 'failed'],
    ['Terminated', 'failed'],
    ['InvalidPlatform', 'failed'],
    ['AccessDenied', 'failed'],
    ['Unknown', 'failed'],
  ])('reads %s as %s', (status, state) => {
    expect(hostStateOf(status)).toBe(state);
  });
});

describe('summarizeHosts', () => {
  it.each<[string, string, number | null, RollbackHostResult[]]>([
    ['every host succeeded', 'succeeded', 0, [host('i-1', 'Success', 0), host('i-2', 'Success', 0)]],
    ['one host failed', 'failed', 3, [host('i-1', 'Success', 0), host('i-2', 'Failed', 3)]],
    ['a host was undeliverable', 'failed', null, [host('i-1', 'Undeliverable')]],
    ['a host was terminated', 'failed', null, [host('i-1', 'Success', 0), host('i-2', 'Terminated')]],
    ['a host timed out', 'timed_out', null, [host('i-1', 'Success', 0), host('i-2', 'ExecutionTimedOut')]],
    ['a host was not reached in time', 'timed_out', null, [host('i-1', 'DeliveryTimedOut')]],
    ['a host is still running', 'wait_timed_out', null, [host('i-1', 'Success', 0), host('i-2', 'InProgress')]],
    ['one failed while one timed out', 'failed', 1, [host('i-1', 'TimedOut'), host('i-2', 'Failed', 1)]],
    [
      'one timed out while one is still running',
      'timed_out',
      null,
      [host('i-1', 'InProgress'), host('i-2', 'TimedOut')],
    ],
    ['one failed while one is still running', 'failed', null, [host('i-1', 'Pending'), host('i-2', 'Cancelled')]],
  ])('when %s the outcome is %s with exit code %s', (_name, outcome, exitCode, hosts) => {
    expect(summarizeHosts(hosts, 600)).toMatchObject({ outcome, exit_code: exitCode });
  });

  it('has no detail when every host succeeded', () => {
    expect(summarizeHosts([host('i-1', 'Success', 0)], 600).detail).toBeUndefined();
  });

  it('names at most ten unsuccessful hosts in the detail', () => {
    const hosts = Array.from({ length: 12 }, (_, index) => host(`i-${index}`, 'Failed', 1));

    expect(summarizeHosts(hosts, 600).detail).toBe(
      `12 of 12 instance(s) did not succeed: ${hosts
        .slice(0, 10)
        .map((h) => `${h.instance_id} Failed (exit 1)`)
        .join(', ')}, and 2 more`,
    );
  });

  it('names the wait in the detail when hosts are still running', () => {
    expect(summarizeHosts([host('i-1', 'InProgress')], 90).detail).toBe(
      'still running after the 90s wait: i-1 InProgress',
    );
  });

  it("says when the function's remaining time, not the configured wait, stopped the wait", () => {
    expect(summarizeHosts([host('i-1', 'InProgress')], 600, 95).detail).toBe(
      "still running when the wait stopped after 95s of its 600s, to record the outcome within the function's " +
        'remaining time: i-1 InProgress',
    );
  });

  it('counts a host the command was never sent to as failed', () => {
    expect(summarizeHosts([host('i-1', 'Success', 0), host('i-2', 'NotManaged')], 600)).toMatchObject({
      outcome: 'failed',
      detail: '1 of 2 instance(s) did not succeed: i-2 NotManaged',
    });
  });

  it('puts hosts that did not succeed last in the output, so the tail keeps their errors', () => {
    const summary = summarizeHosts(
      [host('i-bad', 'Failed', 1, 'boom\n'), host('i-good', 'Success', 0, 'y'.repeat(5_000))],
      600,
    );

    expect(summary.output_tail.endsWith('--- i-bad Failed (exit 1) ---\nboom\n')).toBe(true);
    expect(Buffer.byteLength(summary.output_tail)).toBe(4096);
  });
});
