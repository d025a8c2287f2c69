// `--table T | --state-dir D` for the commands that use state (status, evidence verify, pause, resume, approve,
// reject): the stack's DynamoDB table, or a local state directory (.rollgate/state by default, where
// `rollgate gate --state-dir` and `rollgate monitor` keep theirs). Errors name the flag and the value.

import { NAME_PATTERN } from '../../lambda/core/config/name-patterns.ts';
import { NAME_RULE } from '../../lambda/core/config/probe-request-schema.ts';
import { TABLE_NAME_PATTERN } from '../../lambda/core/config/stack-contract.ts';
import { ConfigError } from '../../lambda/core/errors.ts';

export const DEFAULT_STATE_DIR = '.rollgate/state';

/** Where the state items are. */
export type StateLocation = { readonly directory: string } | { readonly table: string };

export function stateLocationOf(flags: { readonly table?: string; readonly 'state-dir'?: string }): StateLocation {
  if (flags['state-dir'] !== undefined && flags.table !== undefined) {
    throw new ConfigError('--table', flags.table, 'and --state-dir name two stores; give one');
  }
  if (flags.table !== undefined) {
    if (!TABLE_NAME_PATTERN.test(flags.table)) {
      throw new ConfigError(
        '--table',
        flags.table,
        'must be a DynamoDB table name: 3-255 letters, digits, dots, dashes or underscores',
      );
    }
    return { table: flags.table };
  }
  const directory = flags['state-dir'] ?? DEFAULT_STATE_DIR;
  if (directory.trim() === '') throw new ConfigError('--state-dir', directory, 'must name a directory');
  return { directory };
}

/** How a location is named in output: `table T` or the directory. */
export function describeStateLocation(location: StateLocation): string {
  return 'table' in location ? `table ${location.table}` : location.directory;
}

/** A required `--service` or `--environment`: a registered name's alphabet. */
export function requiredName(flag: string, value: string | undefined): string {
  if (value === undefined) throw new ConfigError(flag, value, 'is required');
  if (!NAME_PATTERN.test(value)) throw new ConfigError(flag, value, NAME_RULE);
  return value;
}
