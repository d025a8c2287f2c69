// Reads `rollgate status` flags once: which state store (the stack's table, or a local state directory), JSON or a
// table, and whether to keep refreshing (`--watch`, every 2 s unless given a span). Errors name the flag and the value.

import { ConfigError } from '../../../lambda/core/errors.ts';
import { parseCommandFlags } from '../parse-command-flags.ts';
import type { StateLocation } from '../state-location-flags.ts';
import { stateLocationOf } from '../state-location-flags.ts';
import { durationMs } from '../duration-flag.ts';

export const DEFAULT_WATCH_MS = 2_000;
const MIN_WATCH_MS = 1_000;
const MAX_WATCH_MS = 3_600_000;
/** A watch ends on SIGINT; this bounds it anyway: a week of refreshes every second. */
export const MAX_WATCH_REFRESHES = 604_800;

export type StatusOptions =
  | { readonly help: true }
  | {
      readonly help: false;
      readonly store: StateLocation;
      readonly json: boolean;
      /** Refresh every this many ms; undefined: print once. */
      readonly watchMs: number | undefined;
      /** Stop after this many refreshes. */
      readonly runs: number;
    };

const FLAGS = {
  table: { type: 'string' },
  'state-dir': { type: 'string' },
  json: { type: 'boolean' },
  watch: { type: 'string' },
  runs: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function readStatusOptions(argv: readonly string[]): StatusOptions {
  const flags = parseCommandFlags(withWatchValue(argv), FLAGS, 'rollgate status');
  if (flags.help === true) return { help: true };
  const watchMs = flags.watch === undefined ? undefined : watchSpan(flags.watch);
  if (flags.runs !== undefined && watchMs === undefined) {
    throw new ConfigError('--runs', flags.runs, 'counts the refreshes of --watch; give --watch too');
  }
  if (watchMs !== undefined && flags.json === true) {
    throw new ConfigError('--watch', flags.watch, 'refreshes a table for people; --json prints once, for scripts');
  }
  return { help: false, store: stateLocationOf(flags), json: flags.json === true, watchMs, runs: runsOf(flags.runs) };
}

/** `--watch` takes an optional span: alone (or before another flag) it means every 2 s. */
function withWatchValue(argv: readonly string[]): string[] {
  return argv.flatMap((arg, index) => {
    if (arg !== '--watch') return [arg];
    const next = argv[index + 1];
    return next === undefined || next.startsWith('-') ? [`--watch=${DEFAULT_WATCH_MS / 1000}s`] : [arg];
  });
}

function watchSpan(value: string): number {
  const ms = durationMs(value.trim(), ['s', 'm'], 4) ?? Number.NaN;
  if (!(ms >= MIN_WATCH_MS && ms <= MAX_WATCH_MS)) {
    throw new ConfigError('--watch', value, 'must be a span from 1s to 60m, e.g. --watch 5s (alone: every 2s)');
  }
  return ms;
}

function runsOf(value: string | undefined): number {
  if (value === undefined) return MAX_WATCH_REFRESHES;
  if (!/^\d{1,7}$/.test(value.trim()) || Number(value) < 1 || Number(value) > MAX_WATCH_REFRESHES) {
    throw new ConfigError('--runs', value, `must be a whole number from 1 to ${MAX_WATCH_REFRESHES}`);
  }
  return Number(value.trim());
}
