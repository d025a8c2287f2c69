// Reads `rollgate gate` settings from flags, a --config file and the environment (flags override the file, the file
// overrides the environment), and validates them once with the engine's schema. Every error names the flag, variable
// or file field that supplied the bad value.

import { resolve } from 'node:path';
import { parseGateConfig, type GateConfig, type GateConfigInput } from '../../../lambda/core/config/config-schema.ts';
import { ConfigError } from '../../../lambda/core/errors.ts';
import { NAME_PATTERN } from '../../../lambda/core/config/name-patterns.ts';
import { NAME_RULE } from '../../../lambda/core/config/probe-request-schema.ts';
import { parseUrlList } from '../../../lambda/core/config/url-list.ts';
import { readConfigFile } from '../config-file.ts';
import { parseGateFlags } from './gate-flags.ts';
import { readWindowPolicy, type RegisteredWindow } from './gate-window-options.ts';
import { GATE_FILE_FIELDS, serviceGateFields, validateConfigFile } from '../service-gate-fields.ts';
import type { WindowPolicy } from '../../../lambda/core/window/window-policy.ts';

export const DEFAULT_EVIDENCE_DIR = 'artifacts/rollout';

export interface GateOptions {
  readonly config: GateConfig;
  readonly evidenceDir: string;
  readonly dryRun: boolean;
  readonly json: boolean;
  readonly help: boolean;
  /** --service and --environment: a registered service (with --config) and the scope of --state-dir. */
  readonly service?: { readonly service: string; readonly environment: string };
  /** --state-dir: where runs remember; without it every run is judged alone, as the CI contract always was. */
  readonly stateDir?: string;
  /** --window: the deploy flow in-process over this window; without it the gate probes once, as it always has. */
  readonly window?: WindowGate;
}

/** How `rollgate gate --window` judges and rolls back. */
export interface WindowGate {
  readonly policy: WindowPolicy;
  /** The registered service's rollback mode; `auto` for plain URLs (`off` anyway without a rollback command). */
  readonly rollbackMode: 'auto' | 'approve' | 'off';
  readonly approvalTimeoutMinutes?: number;
}

const NUMERIC_FLAGS = [
  ['timeout-ms', 'timeoutMs'],
  ['retries', 'retries'],
  ['backoff-ms', 'backoffMs'],
  ['concurrency', 'concurrency'],
] as const;

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The evidence directory, found even when the rest of the command line is broken, so that a usage error is still
 * recorded where the pipeline expects its evidence.
 */
export function evidenceDirFromArgv(argv: readonly string[]): string {
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index]!;
    if (arg === '--evidence-dir' && argv[index + 1] !== undefined) return argv[index + 1]!;
    if (arg.startsWith('--evidence-dir=')) return arg.slice('--evidence-dir='.length);
  }
  return DEFAULT_EVIDENCE_DIR;
}

/** Parses and validates. Throws ConfigError or ConfigErrors naming the flag, variable or file field. */
export function readGateOptions(argv: readonly string[], env: Env, cwd: string): GateOptions {
  const flags = parseGateFlags(argv);
  const help = flags.help === true;
  // No prototype on either: a key read from a file (`toString`, say) is only ever an own property here.
  const labels: Record<string, string> = Object.create(null);
  const raw: Record<string, unknown> = Object.create(null);

  // Lowest precedence: the CI contract's environment variables.
  const envUrls = parseUrlList(nonEmpty(env.RUNTIME_HEALTH_URLS), 'RUNTIME_HEALTH_URLS');
  raw.targets = envUrls.map((url) => ({ url }));
  setFrom(raw, labels, 'expectedVersion', nonEmpty(env.RUNTIME_EXPECTED_VERSION), 'RUNTIME_EXPECTED_VERSION');
  const envCommand = nonEmpty(env.RUNTIME_ROLLBACK_COMMAND);
  if (envCommand !== undefined) {
    raw.rollback = { command: envCommand };
    labels['rollback.command'] = 'RUNTIME_ROLLBACK_COMMAND';
  }
  const envFailOnSkipped = parseBooleanEnv(env.ROLLGATE_FAIL_ON_SKIPPED, 'ROLLGATE_FAIL_ON_SKIPPED');
  setFrom(raw, labels, 'failOnSkipped', envFailOnSkipped, 'ROLLGATE_FAIL_ON_SKIPPED');

  // Then the config file, whose prototype keys readConfigFile has already refused. It is checked whole, with the
  // schema the stack uses; its gate fields apply, or with --service that registered service's.
  const service = serviceFlags(flags.service, flags.environment, flags.config, flags['state-dir']);
  let registeredWindow: RegisteredWindow | undefined;
  let registeredRollback: { mode: WindowGate['rollbackMode']; approvalTimeoutMinutes?: number } | undefined;
  if (flags.config !== undefined) {
    const file = readConfigFile(resolve(cwd, flags.config), flags.config);
    const parsed = validateConfigFile(file, flags.config);
    // A file that registers services gates the one named; a plain gate file with --state-dir, whose --service only
    // names the state it keeps, gates its own top-level settings.
    const registered = service !== undefined && (parsed.services.length > 0 || flags['state-dir'] === undefined);
    for (const key of Object.keys(file)) {
      const value = file[key];
      if (!GATE_FILE_FIELDS.has(key)) continue;
      // A service's own targets and rollback command replace the file's top-level ones.
      if (registered && key === 'targets') continue;
      if (key === 'rollback' && isRecord(value)) {
        const inner = registered ? withoutCommand(value) : value;
        raw.rollback = Object.assign(ownRecord(raw.rollback), inner);
        for (const field of Object.keys(inner)) labels[`rollback.${field}`] = `${flags.config}: rollback.${field}`;
      } else {
        raw[key] = value;
        labels[key] = `${flags.config}: ${key}`;
      }
    }
    if (registered && service !== undefined) {
      for (const { field, value, label } of serviceGateFields(file, parsed, flags.config, service[0], service[1])) {
        if (field === 'rollback.command') {
          raw.rollback = Object.assign(ownRecord(raw.rollback), { command: value });
        } else {
          raw[field] = value;
        }
        labels[field] = label;
      }
      // The deploy flow can wait for an approval, so a service in approve mode brings its command to it.
      const index = parsed.services.findIndex(
        (entry) => entry.service === service[0] && entry.environment === service[1],
      );
      const entry = parsed.services[index]!;
      const at = `${flags.config}: services[${index}]`;
      const rawEntry = (file.services as Array<Record<string, unknown>>)[index]!;
      if (isRecord(rawEntry.window)) registeredWindow = { raw: rawEntry.window, label: `${at}.window` };
      registeredRollback = {
        mode: entry.rollback.mode,
        ...(entry.rollback.approvalTimeoutMinutes !== undefined
          ? { approvalTimeoutMinutes: entry.rollback.approvalTimeoutMinutes }
          : {}),
      };
      if (flags.window !== undefined && entry.rollback.mode === 'approve' && entry.rollback.command !== undefined) {
        raw.rollback = Object.assign(ownRecord(raw.rollback), { command: entry.rollback.command });
        labels['rollback.command'] = `${at}.rollback.command`;
      }
    }
  }
  const windowPolicy = readWindowPolicy(flags, registeredWindow);

  // Highest precedence: flags.
  const flagUrls = (flags.url ?? []).flatMap((value) => parseUrlList(value, '--url'));
  if (flags.url !== undefined) {
    raw.targets = flagUrls.map((url) => ({ url }));
    for (const key of Object.keys(labels)) if (key.startsWith('targets')) delete labels[key];
  }
  setFrom(raw, labels, 'expectedVersion', nonEmpty(flags['expect-version']), '--expect-version');
  for (const [flag, field] of NUMERIC_FLAGS) {
    setFrom(raw, labels, field, wholeNumber(flags[flag], `--${flag}`), `--${flag}`);
  }
  if (flags['fail-on-skipped'] === true) setFrom(raw, labels, 'failOnSkipped', true, '--fail-on-skipped');
  const flagCommand = flags['rollback-command'];
  const flagRollbackTimeout = wholeNumber(flags['rollback-timeout-ms'], '--rollback-timeout-ms');
  if (flagCommand !== undefined || flagRollbackTimeout !== undefined) {
    const rollback = ownRecord(raw.rollback);
    if (flagCommand !== undefined) {
      if (flagCommand.trim() === '') delete rollback.command;
      else rollback.command = flagCommand;
      labels['rollback.command'] = '--rollback-command';
    }
    if (flagRollbackTimeout !== undefined) {
      rollback.timeoutMs = flagRollbackTimeout;
      labels['rollback.timeoutMs'] = '--rollback-timeout-ms';
    }
    raw.rollback = rollback;
  }

  const config = parseGateConfig(raw as GateConfigInput, expandLabels(labels));
  return {
    config,
    evidenceDir: flags['evidence-dir'] ?? DEFAULT_EVIDENCE_DIR,
    dryRun: flags['dry-run'] === true,
    json: flags.json === true,
    help,
    ...(service !== undefined ? { service: { service: service[0], environment: service[1] } } : {}),
    ...(flags['state-dir'] !== undefined ? { stateDir: flags['state-dir'] } : {}),
    ...(windowPolicy !== undefined
      ? {
          window: {
            policy: windowPolicy,
            rollbackMode: registeredRollback?.mode ?? 'auto',
            ...(registeredRollback?.approvalTimeoutMinutes !== undefined
              ? { approvalTimeoutMinutes: registeredRollback.approvalTimeoutMinutes }
              : {}),
          },
        }
      : {}),
  };
}

/**
 * `--service` and `--environment` together, with `--config` (a registered service) or `--state-dir` (whose state the
 * run keeps), which needs them: the service and environment, or undefined.
 */
function serviceFlags(
  service: string | undefined,
  environment: string | undefined,
  config: string | undefined,
  stateDir: string | undefined,
): [string, string] | undefined {
  if (service === undefined && environment === undefined) {
    if (stateDir !== undefined) {
      throw new ConfigError(
        '--state-dir',
        stateDir,
        'needs --service and --environment, whose versions and lock it keeps',
      );
    }
    return undefined;
  }
  if (service === undefined) throw new ConfigError('--environment', environment, 'needs --service beside it');
  if (environment === undefined) throw new ConfigError('--service', service, 'needs --environment beside it');
  if (config === undefined && stateDir === undefined) {
    throw new ConfigError(
      '--service',
      service,
      'needs --config, the rollgate.config.json that registers it, or --state-dir, where its state is kept',
    );
  }
  // They name state keys and files: the same alphabet as everywhere else.
  if (!NAME_PATTERN.test(service)) throw new ConfigError('--service', service, NAME_RULE);
  if (!NAME_PATTERN.test(environment)) throw new ConfigError('--environment', environment, NAME_RULE);
  return [service, environment];
}

function withoutCommand(rollback: Record<string, unknown>): Record<string, unknown> {
  const { command: _command, ...rest } = rollback;
  return rest;
}

function setFrom(
  raw: Record<string, unknown>,
  labels: Record<string, string>,
  field: string,
  value: unknown,
  label: string,
): void {
  if (value === undefined) return;
  raw[field] = value;
  labels[field] = label;
}

/** Schema paths below a labelled prefix (`targets[0].url` under `file: targets[0]`) keep the source in the name. */
function expandLabels(labels: Record<string, string>): Record<string, string> {
  const handler: ProxyHandler<Record<string, string>> = {
    get: (target, property) => {
      if (typeof property !== 'string') return undefined;
      if (Object.hasOwn(target, property)) return target[property];
      const prefix = Object.keys(target)
        .filter((key) => property.startsWith(`${key}.`) || property.startsWith(`${key}[`))
        .sort((a, b) => b.length - a.length)[0];
      return prefix === undefined ? undefined : `${target[prefix]}${property.slice(prefix.length)}`;
    },
  };
  return new Proxy(Object.assign(Object.create(null), labels), handler);
}

function wholeNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value.trim())) throw new ConfigError(flag, value, 'must be a whole number');
  return Number(value.trim());
}

function parseBooleanEnv(value: string | undefined, name: string): boolean | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const normalized = value.trim().toLowerCase();
  if (['true', '1', 'yes'].includes(normalized)) return true;
  if (['false', '0', 'no'].includes(normalized)) return false;
  throw new ConfigError(name, value, 'must be true or false');
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A prototype-free copy of a record's own fields (empty for anything else), safe to merge file fields into. */
function ownRecord(value: unknown): Record<string, unknown> {
  return Object.assign(Object.create(null), isRecord(value) ? value : {});
}
