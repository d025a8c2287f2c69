// The `rollgate gate` window flags (--window 5m --interval 10s --warmup 20s --bake 60s --success-threshold 2
// --failure-threshold 3 --verify 2m): read over a registered service's window (a flag wins over the file, as for every
// other setting; the CLI is the operator's own, not an event, so it may lengthen as well as shorten), and validated
// with the window's own schema, each error naming the flag or the file field that gave the value.

import { parseWithSchema } from '../../../lambda/core/config/config-schema.ts';
import { ConfigError } from '../../../lambda/core/errors.ts';
import { windowPolicySchema, type WindowPolicy } from '../../../lambda/core/window/window-policy.ts';
import type { GateFlags } from './gate-flags.ts';
import { durationMs } from '../duration-flag.ts';

const DURATION_FLAGS = [
  ['window', 'windowSeconds'],
  ['interval', 'intervalSeconds'],
  ['warmup', 'warmupSeconds'],
  ['bake', 'bakeSeconds'],
  ['verify', 'verifySeconds'],
] as const;
const COUNT_FLAGS = [
  ['success-threshold', 'successThreshold'],
  ['failure-threshold', 'failureThreshold'],
] as const;

/** A registered service's window as the file gives it, and how its fields are named in errors. */
export interface RegisteredWindow {
  readonly raw: Readonly<Record<string, unknown>>;
  /** `rollgate.config.json: services[0].window` */
  readonly label: string;
}

/**
 * The window policy when --window is given (undefined otherwise: the gate then probes once, as it always has). The
 * other window flags without --window are a usage error, not silently ignored.
 */
export function readWindowPolicy(flags: GateFlags, registered: RegisteredWindow | undefined): WindowPolicy | undefined {
  if (flags.window === undefined) {
    const stray = [...DURATION_FLAGS, ...COUNT_FLAGS].find(([flag]) => flags[flag] !== undefined);
    if (stray !== undefined) {
      throw new ConfigError(`--${stray[0]}`, flags[stray[0]], 'needs --window: without it the gate probes once');
    }
    return undefined;
  }
  const raw: Record<string, unknown> = Object.assign(Object.create(null), registered?.raw ?? {});
  const labels: Record<string, string> = Object.create(null);
  for (const key of Object.keys(raw)) labels[key] = `${registered?.label ?? 'window'}.${key}`;
  for (const [flag, field] of DURATION_FLAGS) {
    const value = flags[flag];
    if (value === undefined) continue;
    raw[field] = durationSeconds(`--${flag}`, value);
    labels[field] = `--${flag}`;
  }
  for (const [flag, field] of COUNT_FLAGS) {
    const value = flags[flag];
    if (value === undefined) continue;
    if (!/^\d{1,6}$/.test(value.trim())) throw new ConfigError(`--${flag}`, value, 'must be a whole number');
    raw[field] = Number(value.trim());
    labels[field] = `--${flag}`;
  }
  return parseWithSchema(windowPolicySchema, raw, labels, '--window');
}

/** `90s`, `5m`, `1h` or plain seconds (`300`): whole seconds. */
export function durationSeconds(flag: string, value: string): number {
  const text = value.trim();
  const ms = durationMs(/^\d+$/.test(text) ? `${text}s` : text, ['s', 'm', 'h']);
  if (ms === undefined)
    throw new ConfigError(flag, value, 'must be a whole number of seconds, or with a unit: 90s, 5m, 1h');
  return ms / 1000;
}
