// What a Run Command rollback came to, from each instance's final invocation status. Pure, so every mix of host
// results is easy to pin down in a table.

import { tailOf } from '../../core/secrets/redact.ts';
import {
  ROLLBACK_OUTPUT_TAIL_BYTES,
  type RollbackHostResult,
  type RollbackOutcomeKind,
} from '../../core/rollback/rollback-result.ts';

// The default wait and the record margin are the stack's too: one definition, in the contract both import.
export { DEFAULT_ROLLBACK_WAIT_SECONDS, ROLLBACK_RECORD_MARGIN_SECONDS } from '../../core/config/stack-contract.ts';

/** The status of a host the command was never sent to: SSM does not manage it, or its agent is not online. */
export const NOT_MANAGED_STATUS = 'NotManaged';
/** The status of a host an event named that does not carry the service's host tags: never sent the command. */
export const NOT_THE_SERVICES_STATUS = 'NotTheServicesHost';

type HostState = 'succeeded' | 'failed' | 'timed_out' | 'running';

/**
 * Run Command's statuses (StatusDetails where it has one) by what they mean for a rollback. Anything not listed
 * (Failed, Cancelled, Canceled, Cancelling, Undeliverable, Terminated, InvalidPlatform, AccessDenied, or an outcome
 * that could not be read) is a failure: the host is not known to be back on a good version.
 */
const HOST_STATES: Readonly<Record<string, HostState>> = {
  Success: 'succeeded',
  Pending: 'running',
  InProgress: 'running',
  Delayed: 'running',
  TimedOut: 'timed_out',
  DeliveryTimedOut: 'timed_out',
  ExecutionTimedOut: 'timed_out',
};

const MAX_HOSTS_IN_DETAIL = 10;

export interface HostsSummary {
  readonly outcome: Extract<RollbackOutcomeKind, 'succeeded' | 'failed' | 'timed_out' | 'wait_timed_out'>;
  /** 0 when every host succeeded, else the exit code of the first host that decided the outcome (null if none). */
  readonly exit_code: number | null;
  /** Every host's output under a header line, hosts that did not succeed last so the tail keeps them. */
  readonly output_tail: string;
  readonly detail?: string;
}

export function hostStateOf(status: string): HostState {
  return HOST_STATES[status] ?? 'failed';
}

/**
 * The rollback's outcome: `failed` if any host failed (a host never sent the command counts as failed), else
 * `timed_out` if any host's command timed out, else `wait_timed_out` if any host was still running when the wait ran
 * out, else `succeeded`. The worst finished state wins because it is the one an operator must act on; hosts still
 * running are named in the detail either way. `cutToSeconds` is set when the function's remaining time, not the
 * configured `waitSeconds`, ended the wait.
 */
export function summarizeHosts(
  hosts: readonly RollbackHostResult[],
  waitSeconds: number,
  cutToSeconds?: number,
): HostsSummary {
  const states = hosts.map((host) => hostStateOf(host.status));
  const outcome = states.includes('failed')
    ? 'failed'
    : states.includes('timed_out')
      ? 'timed_out'
      : states.includes('running')
        ? 'wait_timed_out'
        : 'succeeded';
  const decidingState: HostState = outcome === 'wait_timed_out' ? 'running' : outcome;
  const deciding = hosts.find((_host, index) => states[index] === decidingState);
  const unsuccessful = hosts.filter((_host, index) => states[index] !== 'succeeded');
  const ordered = [...hosts.filter((_host, index) => states[index] === 'succeeded'), ...unsuccessful];
  const output = ordered.map((host) => `--- ${describeHost(host)} ---\n${host.output_tail}`).join('\n');
  const summary = {
    outcome,
    exit_code: outcome === 'succeeded' ? 0 : (deciding?.exit_code ?? null),
    output_tail: tailOf(output, ROLLBACK_OUTPUT_TAIL_BYTES),
  } as const;
  if (outcome === 'succeeded') return summary;
  const named = unsuccessful.slice(0, MAX_HOSTS_IN_DETAIL).map(describeHost);
  const unnamed = unsuccessful.length - named.length;
  const more = unnamed > 0 ? `, and ${unnamed} more` : '';
  const lead =
    outcome !== 'wait_timed_out'
      ? `${unsuccessful.length} of ${hosts.length} instance(s) did not succeed`
      : cutToSeconds === undefined
        ? `still running after the ${waitSeconds}s wait`
        : `still running when the wait stopped after ${cutToSeconds}s of its ${waitSeconds}s, ` +
          "to record the outcome within the function's remaining time";
  return { ...summary, detail: `${lead}: ${named.join(', ')}${more}` };
}

/** `i-0abc Failed (exit 1)` */
function describeHost(host: RollbackHostResult): string {
  return `${host.instance_id} ${host.status}${host.exit_code !== null ? ` (exit ${host.exit_code})` : ''}`;
}
