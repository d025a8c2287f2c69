// parseArgs for every rollgate command, with its silences turned into ConfigErrors naming what is wrong: a stray
// argument (`rollgate gate http://x`, credentials redacted, with a guess at the flag that was meant), an unknown flag,
// a switch given a value, a value flag with none, and a value flag given twice (which parseArgs settles by the last).

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError, describeValue, errorMessageOf } from '../../lambda/core/errors.ts';

export type CommandFlags = NonNullable<ParseArgsConfig['options']>;

type Parsed<T extends CommandFlags> = ReturnType<
  typeof parseArgs<{ options: T; strict: true; allowPositionals: true; tokens: true }>
>;

/** Parses `args` against `flags`; `command` (`rollgate gate`) names the command in errors. */
export function parseCommandFlags<T extends CommandFlags>(
  args: readonly string[],
  flags: T,
  command: string,
): Parsed<T>['values'] {
  let parsed: Parsed<T>;
  try {
    parsed = parseArgs({ args: [...args], options: flags, strict: true, allowPositionals: true, tokens: true });
  } catch (error) {
    throw usageError(error, command);
  }
  const stray = parsed.tokens.find((token) => token.kind === 'positional');
  if (stray !== undefined) throw strayArgumentError(stray.value, args[stray.index - 1], flags);
  // Two values for one setting (`--rollback-command` twice) is a mistake to name, not a coin to toss.
  const given = new Map<string, string[]>();
  for (const token of parsed.tokens) {
    if (token.kind !== 'option' || token.value === undefined) continue;
    given.set(token.name, [...(given.get(token.name) ?? []), token.value]);
  }
  for (const [name, values] of given) {
    if (values.length > 1 && flags[name]?.multiple !== true) {
      throw new ConfigError(`--${name}`, values, 'is given more than once; give it once');
    }
  }
  return parsed.values;
}

function strayArgumentError(argument: string, previous: string | undefined, flags: CommandFlags): ConfigError {
  const isFlag = (name: string): boolean => Object.hasOwn(flags, name);
  const previousName = previous?.startsWith('--') ? previous.slice(2) : '';
  const hint =
    /^[a-z][a-z0-9+.-]*:\/\//i.test(argument) && isFlag('url')
      ? '; did you mean --url?'
      : isFlag(argument)
        ? `; did you mean --${argument}?`
        : isFlag(previousName) && flags[previousName]?.type === 'boolean'
          ? `; --${previousName} is a switch and takes no value`
          : '';
  const problem = `unexpected argument ${describeValue(argument)} (options start with --${hint})`;
  return new ConfigError('arguments', undefined, problem, { show: 'none' });
}

/** parseArgs errors, reworded to name the flag. */
function usageError(error: unknown, command: string): ConfigError {
  const message = errorMessageOf(error);
  const flag = /'(-{1,2}[^' ]+)/.exec(message)?.[1] ?? 'arguments';
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    return new ConfigError(flag, flag, `is not a ${command} option`, { cause: error });
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const problem = /does not take an argument/.test(message)
      ? `is a switch and takes no value (write ${flag} alone)`
      : 'needs a value';
    return new ConfigError(flag, undefined, problem, { cause: error, show: 'none' });
  }
  return new ConfigError(flag, flag, message, { cause: error });
}
