// Reads `rollgate approve` and `rollgate reject` flags once: which service's rollback, which run (optional: the one
// waiting), who and why, and where the approval item is (the local state directory, or the stack's DynamoDB table).
// Every error names the flag and the value.

import { EVENT_ID_PATTERN } from '../../../lambda/core/config/name-patterns.ts';
import { ConfigError } from '../../../lambda/core/errors.ts';
import { parseCommandFlags } from '../parse-command-flags.ts';
import { requiredName, stateLocationOf, type StateLocation } from '../state-location-flags.ts';

export type ApproveAction = 'approve' | 'reject';

export type ApproveOptions =
  | { readonly action: 'help' }
  | {
      readonly action: ApproveAction;
      readonly service: string;
      readonly environment: string;
      readonly runId: string | undefined;
      readonly by: string | undefined;
      readonly reason: string | undefined;
      readonly store: StateLocation;
      readonly json: boolean;
    };

const FLAGS = {
  service: { type: 'string' },
  environment: { type: 'string' },
  run: { type: 'string' },
  by: { type: 'string' },
  reason: { type: 'string' },
  'state-dir': { type: 'string' },
  table: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Text that reaches the approval item and the evidence: one printable line. */
const ONE_LINE = /^[^\x00-\x1f\x7f]+$/;

/** Parses and validates. Throws ConfigError naming the flag. */
export function readApproveOptions(action: ApproveAction, argv: readonly string[]): ApproveOptions {
  const flags = parseCommandFlags(argv, FLAGS, `rollgate ${action}`);
  if (flags.help === true) return { action: 'help' };
  const service = requiredName('--service', flags.service);
  const environment = requiredName('--environment', flags.environment);
  const store = stateLocationOf(flags);
  const runId = flags.run;
  if (runId !== undefined && !EVENT_ID_PATTERN.test(runId)) {
    throw new ConfigError(
      '--run',
      runId,
      'must be a run id as the alert gives it: 1-128 letters, digits, dots, dashes or underscores',
    );
  }
  return {
    action,
    service,
    environment,
    runId,
    by: line('--by', flags.by, 128),
    reason: line('--reason', flags.reason, 512),
    store,
    json: flags.json === true,
  };
}

function line(flag: string, value: string | undefined, max: number): string | undefined {
  if (value === undefined) return undefined;
  if (!ONE_LINE.test(value)) throw new ConfigError(flag, value, 'must be one line of text, without control characters');
  if (value.length > max) throw new ConfigError(flag, value, `must be at most ${max} characters`);
  return value;
}
