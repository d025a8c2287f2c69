// Reads `rollgate pause` and `rollgate resume` flags once: which service, for how long and why, and which state store
// (the local directory, or the stack's DynamoDB table). Every error names the flag and the value.

import { NAME_PATTERN } from '../../../lambda/core/config/name-patterns.ts';
import { NAME_RULE } from '../../../lambda/core/config/probe-request-schema.ts';
import { ConfigError } from '../../../lambda/core/errors.ts';
import { parseCommandFlags } from '../parse-command-flags.ts';

export const DEFAULT_STATE_DIR = '.rollgate/state';
/** A pause is for maintenance and incidents, not a way to switch a service's alerts off for good. */
export const MAX_PAUSE_MS = 30 * 24 * 60 * 60 * 1000;

export type PauseAction = 'pause' | 'resume';

/** Where the pause item goes. */
export type StateLocation = { readonly directory: string } | { readonly table: string };

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

const UNIT_MS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses and validates. Throws ConfigError naming the flag. */
export function readPauseOptions(action: PauseAction, argv: readonly string[]): PauseOptions {
  const flags = parseCommandFlags(argv, FLAGS, `rollgate ${action}`);
  if (flags.help === true) return { action: 'help' };
  const service = name('--service', flags.service);
  const environment = name('--environment', flags.environment);
  if (flags['state-dir'] !== undefined && flags.table !== undefined) {
    throw new ConfigError('--table', flags.table, 'and --state-dir name two stores; give one');
  }
  const store: StateLocation =
    flags.table !== undefined
      ? { table: tableName(flags.table) }
      : { directory: flags['state-dir'] ?? DEFAULT_STATE_DIR };
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
  const match = /^(\d{1,7})([smhd])$/.exec(value.trim());
  if (match === null) throw new ConfigError('--for', value, 'must be a whole number and a unit: 90s, 30m, 2h or 1d');
  const ms = Number(match[1]) * UNIT_MS[match[2]!]!;
  if (ms < 60_000) throw new ConfigError('--for', value, 'must be at least a minute');
  if (ms > MAX_PAUSE_MS) throw new ConfigError('--for', value, 'must be at most 30 days');
  return ms;
}

function name(flag: string, value: string | undefined): string {
  if (value === undefined) throw new ConfigError(flag, value, 'is required');
  if (!NAME_PATTERN.test(value)) throw new ConfigError(flag, value, NAME_RULE);
  return value;
}

/** DynamoDB's own table name rule. */
function tableName(value: string): string {
  if (!/^[A-Za-z0-9._-]{3,255}$/.test(value)) {
    throw new ConfigError(
      '--table',
      value,
      'must be a DynamoDB table name: 3-255 letters, digits, dots, dashes or underscores',
    );
  }
  return value;
}
