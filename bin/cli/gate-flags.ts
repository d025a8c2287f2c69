// The `rollgate gate` flags and their parsing. Anything parseArgs would drop or settle silently is a ConfigError
// naming it: a stray argument (`rollgate gate http://x`), an unknown flag, a switch given a value, a value flag twice.

import { parseArgs } from 'node:util';
import { ConfigError, describeValue, errorMessageOf } from '../../lambda/core/errors.ts';

export const GATE_FLAGS = {
  url: { type: 'string', multiple: true },
  'rollback-command': { type: 'string' },
  'rollback-timeout-ms': { type: 'string' },
  'expect-version': { type: 'string' },
  'timeout-ms': { type: 'string' },
  retries: { type: 'string' },
  'backoff-ms': { type: 'string' },
  concurrency: { type: 'string' },
  'fail-on-skipped': { type: 'boolean' },
  'evidence-dir': { type: 'string' },
  'dry-run': { type: 'boolean' },
  config: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type FlagName = keyof typeof GATE_FLAGS;
type ParseConfig = { options: typeof GATE_FLAGS; strict: true; allowPositionals: true; tokens: true };
export type GateFlags = ReturnType<typeof parseArgs<ParseConfig>>['values'];

/** Parses `rollgate gate` arguments. Throws ConfigError naming the argument or flag at fault. */
export function parseGateFlags(argv: readonly string[]): GateFlags {
  const args = joinNegativeValues(argv);
  let parsed: ReturnType<typeof parseArgs<ParseConfig>>;
  try {
    parsed = parseArgs({ args, options: GATE_FLAGS, strict: true, allowPositionals: true, tokens: true });
  } catch (error) {
    throw usageError(error);
  }
  const stray = parsed.tokens.find((token) => token.kind === 'positional');
  if (stray !== undefined) throw strayArgumentError(stray.value, args[stray.index - 1]);
  // Two values for one setting (`--rollback-command` twice) is a mistake to name, not a coin to toss.
  const given = new Map<string, string[]>();
  for (const token of parsed.tokens) {
    if (token.kind !== 'option' || token.value === undefined) continue;
    given.set(token.name, [...(given.get(token.name) ?? []), token.value]);
  }
  for (const [name, values] of given) {
    if (values.length > 1 && !(isFlagName(name) && 'multiple' in GATE_FLAGS[name])) {
      throw new ConfigError(`--${name}`, values, 'is given more than once; give it once');
    }
  }
  return parsed.values;
}

function isFlagName(name: string): name is FlagName {
  return Object.hasOwn(GATE_FLAGS, name);
}

/** `rollgate gate http://x`: name the argument (credentials redacted) and guess the flag that was meant. */
function strayArgumentError(argument: string, previous: string | undefined): ConfigError {
  const previousName = previous?.startsWith('--') ? previous.slice(2) : '';
  const hint = /^[a-z][a-z0-9+.-]*:\/\//i.test(argument)
    ? '; did you mean --url?'
    : isFlagName(argument)
      ? `; did you mean --${argument}?`
      : isFlagName(previousName) && GATE_FLAGS[previousName].type === 'boolean'
        ? `; --${previousName} is a switch and takes no value`
        : '';
  const problem = `unexpected argument ${describeValue(argument)} (options start with --${hint})`;
  return new ConfigError('arguments', undefined, problem, { show: 'none' });
}

/** `--timeout-ms -5` would read -5 as a flag; join it as `--timeout-ms=-5` so the schema can name the real problem. */
function joinNegativeValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index]!;
    const next = argv[index + 1];
    const name = arg.startsWith('--') ? arg.slice(2) : '';
    const takesValue = isFlagName(name) && GATE_FLAGS[name].type === 'string';
    if (takesValue && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`);
      index += 1;
    } else {
      out.push(arg);
    }
  }
  return out;
}

/** parseArgs errors, reworded to name the flag. */
function usageError(error: unknown): ConfigError {
  const message = errorMessageOf(error);
  const flag = /'(-{1,2}[^' ]+)/.exec(message)?.[1] ?? 'arguments';
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    return new ConfigError(flag, flag, 'is not a rollgate gate option', { cause: error });
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const problem = /does not take an argument/.test(message)
      ? `is a switch and takes no value (write ${flag} alone)`
      : 'needs a value';
    return new ConfigError(flag, undefined, problem, { cause: error, show: 'none' });
  }
  return new ConfigError(flag, flag, message, { cause: error });
}
