// `--table T | --state-dir D` for the commands that read state (status, evidence verify): the stack's DynamoDB table,
// or a local state directory (.rollgate/state by default, where `rollgate gate --state-dir` and `rollgate monitor`
// keep theirs). Errors name the flag and the value.

import { ConfigError } from '../../lambda/core/errors.ts';
import { DEFAULT_STATE_DIR, type StateLocation } from './pause/pause-options.ts';

export function stateLocationOf(flags: { readonly table?: string; readonly 'state-dir'?: string }): StateLocation {
  if (flags['state-dir'] !== undefined && flags.table !== undefined) {
    throw new ConfigError('--table', flags.table, 'and --state-dir name two stores; give one');
  }
  if (flags.table !== undefined) {
    if (!/^[A-Za-z0-9._-]{3,255}$/.test(flags.table)) {
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
