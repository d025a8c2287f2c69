// Following a Run Command rollback after it was sent: the handle's detail (which hosts were sent the command, which were
// skipped and why, in the order they were named), and one poll of every sent host's invocation. While a host still
// runs and the wait has time left the rollback is running; otherwise it is summed up per host, as it stands.

import type { SSMClient } from '@aws-sdk/client-ssm';
import type { RollbackHandle, RollbackPoll } from '../../core/gate/ports.ts';
import {
  rollbackOutcomeUnread,
  type RollbackHostResult,
  type RollbackResult,
} from '../../core/rollback/rollback-result.ts';
import { readInvocation } from './ssm-rollback-invocation.ts';
import { hostStateOf, summarizeHosts } from './ssm-rollback-outcome.ts';

/** The handle's kind for a Run Command rollback. */
export const SSM_ROLLBACK_KIND = 'ssm';

/** What a poll needs besides the command id: plain JSON, carried by the deploy workflow between tasks. */
export interface SsmHandleDetail {
  /** What ran, for the evidence: `SSM document RollgateRollback to instances …`. */
  readonly executor: string;
  /** Every host named or found, in that order: the order of the result's hosts. */
  readonly order: readonly string[];
  /** The hosts the command was sent to. */
  readonly sent: readonly string[];
  /** The hosts it was not sent to, each with why (not managed, offline, not the service's). */
  readonly skipped: readonly RollbackHostResult[];
  /** Why SSM could not say which hosts it manages, when it could not. */
  readonly lookup_problem?: string;
  /** The configured wait, for the result's detail. */
  readonly wait_seconds: number;
  /** Set when the function's remaining time, not the configured wait, bounded it. */
  readonly cut_to_seconds?: number;
}

/** Reads every sent host's invocation once; `now` is compared with the handle's wait_until. */
export async function pollSsmRollback(ssm: SSMClient, handle: RollbackHandle, now: number): Promise<RollbackPoll> {
  const detail = handleDetailOf(handle);
  if (typeof detail === 'string') return { state: 'done', result: unreadableHandle(handle, detail) };
  const read = await Promise.all(detail.sent.map((instanceId) => readInvocation(ssm, handle.id, instanceId)));
  const running = read.filter((host) => hostStateOf(host.status) === 'running');
  if (running.length > 0 && now < Date.parse(handle.wait_until)) {
    return { state: 'running', detail: `${running.length} of ${read.length} instance(s) still running` };
  }
  const byId = new Map([...detail.skipped, ...read].map((host) => [host.instance_id, host]));
  const hosts = detail.order.map((instanceId) => byId.get(instanceId)).filter((host) => host !== undefined);
  const summary = summarizeHosts(hosts, detail.wait_seconds, detail.cut_to_seconds);
  const joined = [summary.detail, detail.lookup_problem].filter((part) => part !== undefined).join('; ');
  return {
    state: 'done',
    result: {
      attempted: true,
      ok: summary.outcome === 'succeeded',
      ...summary,
      ...(joined !== '' ? { detail: joined } : {}),
      duration_ms: Math.max(0, now - Date.parse(handle.started_at)),
      executor: detail.executor,
      command_id: handle.id,
      hosts,
    },
  };
}

/** The handle's detail when it is one this module wrote, else what is wrong with it. */
function handleDetailOf(handle: RollbackHandle): SsmHandleDetail | string {
  if (handle.kind !== SSM_ROLLBACK_KIND) return `it is a ${String(handle.kind)} rollback, not an SSM one`;
  const detail = handle.detail as Partial<SsmHandleDetail> | undefined;
  const ids = (value: unknown): value is string[] =>
    Array.isArray(value) && value.every((entry) => typeof entry === 'string');
  if (
    detail === undefined ||
    detail === null ||
    typeof detail.executor !== 'string' ||
    !ids(detail.order) ||
    !ids(detail.sent) ||
    !Array.isArray(detail.skipped) ||
    typeof detail.wait_seconds !== 'number' ||
    Number.isNaN(Date.parse(handle.started_at)) ||
    Number.isNaN(Date.parse(handle.wait_until))
  ) {
    return 'its handle does not say which hosts were sent the command';
  }
  return detail as SsmHandleDetail;
}

function unreadableHandle(handle: RollbackHandle, problem: string): RollbackResult {
  const id = String(handle.id);
  return rollbackOutcomeUnread(id, `the outcome of command ${id} cannot be read: ${problem}`);
}
