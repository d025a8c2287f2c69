// The GitHub Action's inputs and the `rollgate gate` flags they stand for: the one table that action.yml mirrors
// (a test keeps the two in step). action.yml hands each input over as an INPUT_* variable, never spliced into a
// script, and the Action turns them into a gate command line, so an input means exactly what its flag means.

import { ConfigError } from '../../lambda/core/errors.ts';

export interface ActionInput {
  /** The input's name in action.yml. */
  readonly name: string;
  /** The `rollgate gate` flag it sets. */
  readonly flag: string;
  /** `value`: the flag takes the input as it is; `switch`: `true` sets the flag, `false` or empty leaves it off. */
  readonly kind: 'value' | 'switch';
}

export const ACTION_INPUTS: readonly ActionInput[] = [
  // A multi-line or comma-separated list: the gate splits it like RUNTIME_HEALTH_URLS.
  { name: 'urls', flag: '--url', kind: 'value' },
  { name: 'rollback-command', flag: '--rollback-command', kind: 'value' },
  { name: 'expect-version', flag: '--expect-version', kind: 'value' },
  { name: 'fail-on-skipped', flag: '--fail-on-skipped', kind: 'switch' },
  { name: 'config', flag: '--config', kind: 'value' },
  { name: 'evidence-dir', flag: '--evidence-dir', kind: 'value' },
  { name: 'timeout-ms', flag: '--timeout-ms', kind: 'value' },
  { name: 'retries', flag: '--retries', kind: 'value' },
  // The watch window: with `window` the gate judges over rounds (and verifies a rollback), without it probes once.
  { name: 'window', flag: '--window', kind: 'value' },
  { name: 'interval', flag: '--interval', kind: 'value' },
  { name: 'warmup', flag: '--warmup', kind: 'value' },
  { name: 'bake', flag: '--bake', kind: 'value' },
  { name: 'success-threshold', flag: '--success-threshold', kind: 'value' },
  { name: 'failure-threshold', flag: '--failure-threshold', kind: 'value' },
  { name: 'verify', flag: '--verify', kind: 'value' },
];

/** The variable action.yml passes an input in: `rollback-command` -> `INPUT_ROLLBACK_COMMAND`. */
export function inputVariable(name: string): string {
  return `INPUT_${name.toUpperCase().replaceAll('-', '_')}`;
}

/**
 * The gate's command line for the inputs that were given (an empty input is not given, as in GitHub). Values go as
 * `--flag=value`, so one starting with a dash is still a value. Throws ConfigError naming the input.
 */
export function gateArgvFromInputs(env: Readonly<Record<string, string | undefined>>): string[] {
  const argv: string[] = [];
  for (const input of ACTION_INPUTS) {
    const raw = env[inputVariable(input.name)] ?? '';
    if (raw.trim() === '') continue;
    if (input.kind === 'value') {
      argv.push(`${input.flag}=${raw.trim()}`);
      continue;
    }
    const value = raw.trim().toLowerCase();
    if (value === 'true') argv.push(input.flag);
    else if (value !== 'false') throw new ConfigError(`input ${input.name}`, raw, 'must be true or false');
  }
  return argv;
}
