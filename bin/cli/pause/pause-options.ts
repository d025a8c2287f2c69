// Reads `rollgate pause` and `rollgate resume` flags once: which service, for how long and why, and which state store
// (the local directory, or the stack's DynamoDB table). Every error names the flag and the value.

import { ConfigError } from '../../../lambda/core/errors.ts';
import { parseCommandFlags } from '../parse-command-flags.ts';
import { requiredName, stateLocationOf, type StateLocation } from '../state-location-flags.ts';
import { durationMs } from '../duration-flag.ts';

/** A pause is for maintenance and incidents, not a way to switch a service's alerts off for good. */
export const MAX_PAUSE_MS = 30 * 24 * 60 * 60 * 1000;

export type PauseAction = 'pause' | 'resume';

export type PauseOptions =
  | { readonly action: 'help' }
  | {
      readonly action: 'pause';
      readonly service: string;
      readonly environment: string;
      readonly forMs: number;
      readonly reason: string;
      readonly by: string | undefined;
      readonly store: StateLocation;
      readonly json: boolean;
    }
  | {
      readonly action: 'resume';
      readonly service: string;
      readonly environment: string;
      readonly store: StateLocation;
      readonly json: boolean;
    };

const FLAGS = {
  service: { type: 'string' },
  environment: { type: 'string' },
  for: { type: 'string' },
  reason: { type: 'string' },
  by: { type: 'string' },
  'state-dir': { type: 'string' },
  table: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Parses and validates. Throws ConfigError naming the flag. */
export function readPauseOptions(action: PauseAction, argv: readonly string[]): PauseOptions {
  const flags = parseCommandFlags(argv, FLAGS, `rollgate ${action}`);
  if (flags.help === true) return { action: 'help' };
  const service = requiredName('--service', flags.service);
  const environment = requiredName('--environment', flags.environment);
  const store = stateLocationOf(flags);
  const json = flags.json === true;
  if (action === 'resume') {
    for (const flag of ['for', 'reason', 'by'] as const) {
      if (flags[flag] !== undefined) throw new ConfigError(`--${flag}`, flags[flag], 'belongs to rollgate pause');
    }
    return { action, service, environment, store, json };
  }
  const reason = flags.reason;
  if (reason === undefined || reason.trim() === '') {
    throw new ConfigError('--reason', reason, 'is required: say why, for whoever finds the service paused');
  }
  return { action, service, environment, forMs: duration(flags.for), reason, by: flags.by, store, json };
}

/** `30s`, `30m`, `2h`, `1d`: a whole number and a unit, from a minute to MAX_PAUSE_MS. */
function duration(value: string | undefined): number {
  if (value === undefined) throw new ConfigError('--for', value, 'is required, e.g. --for 30m');
  const ms = durationMs(value.trim(), ['s', 'm', 'h', 'd'], 7);
  if (ms === undefined) throw new ConfigError('--for', value, 'must be a whole number and a unit: 90s, 30m, 2h or 1d');
  if (ms < 60_000) throw new ConfigError('--for', value, 'must be at least a minute');
  if (ms > MAX_PAUSE_MS) throw new ConfigError('--for', value, 'must be at most 30 days');
  return ms;
}
