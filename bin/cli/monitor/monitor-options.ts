// Reads `rollgate monitor` settings once: the config file's monitors (checked whole with the stack's schema, so the
// same file serves both), which of them to run, how often, where state and evidence go, and each monitor's rollback
// command. Every error names the flag or the file field and the value.

import { resolve } from 'node:path';
import { monitorCheckOf, type MonitorCheck } from '../../../lambda/core/config/monitor-schema.ts';
import { findService } from '../../../lambda/core/config/registry.ts';
import type { RollgateConfig } from '../../../lambda/core/config/rollgate-config-schema.ts';
import { serviceLabel } from '../../../lambda/core/config/service-schema.ts';
import { ConfigError } from '../../../lambda/core/errors.ts';
import { readConfigFile } from '../config-file.ts';
import { parseCommandFlags } from '../parse-command-flags.ts';
import { DEFAULT_STATE_DIR } from '../state-location-flags.ts';
import { validateConfigFile } from '../service-gate-fields.ts';
import { durationMs } from '../duration-flag.ts';

export const DEFAULT_MONITOR_CONFIG = 'rollgate.config.json';
/** The root the `checks/` folder goes in, beside the CLI gate's `artifacts/rollout`. */
export const DEFAULT_MONITOR_EVIDENCE_DIR = 'artifacts';
const DEFAULT_ROLLBACK_TIMEOUT_MS = 300_000;
/** A round every second at most (a test's pace), and at least once a day. */
const MIN_EVERY_MS = 1_000;
const MAX_EVERY_MS = 24 * 60 * 60 * 1000;
const MAX_RUNS = 1_000_000;

export const MONITOR_FLAGS = {
  config: { type: 'string' },
  monitor: { type: 'string', multiple: true },
  'state-dir': { type: 'string' },
  'evidence-dir': { type: 'string' },
  once: { type: 'boolean' },
  every: { type: 'string' },
  runs: { type: 'string' },
  json: { type: 'boolean' },
  'rollback-command': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** One monitor to run: its check (targets, settings, policy) and, when it rolls back, the command that does it. */
export interface LocalMonitor {
  readonly check: MonitorCheck;
  readonly rollback?: { readonly command: string; readonly timeoutMs: number };
}

/** How the rounds go: one (`--once`), or one every `everyMs` until a signal or `runs` rounds. */
export type MonitorPace =
  | { readonly kind: 'once' }
  | { readonly kind: 'every'; readonly everyMs: number; readonly runs?: number };

export type MonitorOptions =
  | { readonly help: true }
  | {
      readonly help: false;
      readonly monitors: readonly LocalMonitor[];
      readonly stateDir: string;
      readonly evidenceDir: string;
      readonly pace: MonitorPace;
      readonly json: boolean;
    };

/** Parses and validates. Throws ConfigError or ConfigErrors naming the flag or the file field. */
export function readMonitorOptions(argv: readonly string[], cwd: string): MonitorOptions {
  const flags = parseCommandFlags(argv, MONITOR_FLAGS, 'rollgate monitor');
  if (flags.help === true) return { help: true };
  const shown = flags.config ?? DEFAULT_MONITOR_CONFIG;
  const config = validateConfigFile(readConfigFile(resolve(cwd, shown), shown), shown);
  const selected = selectMonitors(config, flags.monitor, shown);
  const flagCommand = flags['rollback-command']?.trim();
  if (flags['rollback-command'] !== undefined && flagCommand === '') {
    throw new ConfigError('--rollback-command', flags['rollback-command'], 'is empty');
  }
  const monitors = selected.map(({ index, name }) => {
    const monitor = config.monitors[index]!;
    const check = monitorCheckOf({ ...monitor, monitor: name }, config);
    return { check, ...rollbackOf(check, config, shown, index, flagCommand) };
  });
  return {
    help: false,
    monitors,
    stateDir: flags['state-dir'] ?? DEFAULT_STATE_DIR,
    evidenceDir: flags['evidence-dir'] ?? DEFAULT_MONITOR_EVIDENCE_DIR,
    pace: paceOf(flags.once === true, flags.every, flags.runs),
    json: flags.json === true,
  };
}

/** The file's monitors, or those named by `--monitor`, each with its place in the file for error messages. */
function selectMonitors(
  config: RollgateConfig,
  names: readonly string[] | undefined,
  shown: string,
): Array<{ readonly index: number; readonly name: string }> {
  const all = config.monitors.map((monitor, index) => ({ index, name: monitor.name }));
  if (all.length === 0) throw new ConfigError('--config', shown, 'has no monitors to run (add some under "monitors")');
  if (names === undefined) return all;
  return [...new Set(names)].map((name) => {
    const found = all.find((monitor) => monitor.name === name);
    if (found === undefined) {
      throw new ConfigError(
        '--monitor',
        name,
        `is not a monitor of ${shown} (it has ${all.map((m) => m.name).join(', ')})`,
      );
    }
    return found;
  });
}

/**
 * The rollback of a monitor that rolls back on failure: `--rollback-command`, else its registered service's
 * `rollback.command`, else the file's own `rollback.command`. One that should roll back and has no command is refused
 * here, not found out when its service goes down.
 */
function rollbackOf(
  check: MonitorCheck,
  config: RollgateConfig,
  shown: string,
  index: number,
  flagCommand: string | undefined,
): Pick<LocalMonitor, 'rollback'> {
  if (check.rollback === undefined) return {};
  const { service, environment } = check.rollback.scope;
  const registered = findService(config, service, environment);
  const command = flagCommand ?? registered?.rollback.command ?? config.rollback?.command;
  if (command === undefined) {
    const where =
      registered !== undefined
        ? ` or services[${config.services.indexOf(registered)}].rollback.command (${serviceLabel(registered)})`
        : '';
    throw new ConfigError(
      `${shown}: monitors[${index}].rollbackOnFailure`,
      true,
      `needs a rollback command to run locally: give --rollback-command${where} or rollback.command`,
    );
  }
  return { rollback: { command, timeoutMs: config.rollback?.timeoutMs ?? DEFAULT_ROLLBACK_TIMEOUT_MS } };
}

function paceOf(once: boolean, every: string | undefined, runs: string | undefined): MonitorPace {
  if (once && every !== undefined)
    throw new ConfigError('--every', every, 'and --once contradict each other; give one');
  if (runs !== undefined && every === undefined) {
    throw new ConfigError('--runs', runs, 'counts rounds of --every; with --once there is one');
  }
  if (every === undefined) return { kind: 'once' };
  const everyMs = flagDurationMs('--every', every);
  if (everyMs < MIN_EVERY_MS || everyMs > MAX_EVERY_MS) {
    throw new ConfigError('--every', every, 'must be from 1s to 24h');
  }
  if (runs === undefined) return { kind: 'every', everyMs };
  if (!/^\d{1,7}$/.test(runs) || Number(runs) < 1 || Number(runs) > MAX_RUNS) {
    throw new ConfigError('--runs', runs, `must be a whole number from 1 to ${MAX_RUNS}`);
  }
  return { kind: 'every', everyMs, runs: Number(runs) };
}

/** `90s`, `5m`, `1h`. */
function flagDurationMs(flag: string, value: string): number {
  const ms = durationMs(value.trim(), ['s', 'm', 'h']);
  if (ms === undefined) throw new ConfigError(flag, value, 'must be a whole number and a unit: 30s, 5m or 1h');
  return ms;
}
