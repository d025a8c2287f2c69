// Reads `rollgate gate` settings from flags, a --config file and the environment (flags override the file, the file
// overrides the environment), and validates them once with the engine's schema. Every error names the flag, variable
// or file field that supplied the bad value.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseGateConfig, type GateConfig, type GateConfigInput } from '../../lambda/core/config-schema.ts';
import { ConfigError, errorMessageOf } from '../../lambda/core/errors.ts';
import { parseUrlList } from '../../lambda/core/url-list.ts';

export const DEFAULT_EVIDENCE_DIR = 'artifacts/rollout';

export interface GateOptions {
  readonly config: GateConfig;
  readonly evidenceDir: string;
  readonly dryRun: boolean;
  readonly json: boolean;
  readonly help: boolean;
}

const FLAGS = {
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
  let parsed: ReturnType<
    typeof parseArgs<{ args: string[]; options: typeof FLAGS; strict: true; allowPositionals: false }>
  >;
  try {
    parsed = parseArgs({ args: joinNegativeValues(argv), options: FLAGS, strict: true, allowPositionals: false });
  } catch (error) {
    throw usageError(error);
  }
  const flags = parsed.values;
  const help = flags.help === true;
  const labels: Record<string, string> = {};
  const raw: Record<string, unknown> = {};

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

  // Then the config file.
  if (flags.config !== undefined) {
    const file = readConfigFile(resolve(cwd, flags.config), flags.config);
    for (const [key, value] of Object.entries(file)) {
      if (key === 'rollback' && isRecord(value)) {
        raw.rollback = { ...(isRecord(raw.rollback) ? raw.rollback : {}), ...value };
        for (const inner of Object.keys(value)) labels[`rollback.${inner}`] = `${flags.config}: rollback.${inner}`;
      } else {
        raw[key] = value;
        labels[key] = `${flags.config}: ${key}`;
      }
    }
  }

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
    const rollback: Record<string, unknown> = isRecord(raw.rollback) ? { ...raw.rollback } : {};
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
  };
}

/** `--timeout-ms -5` would read -5 as a flag; join it as `--timeout-ms=-5` so the schema can name the real problem. */
function joinNegativeValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index]!;
    const next = argv[index + 1];
    const name = arg.startsWith('--') ? arg.slice(2) : '';
    const takesValue = name in FLAGS && FLAGS[name as keyof typeof FLAGS].type === 'string';
    if (takesValue && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`);
      index += 1;
    } else {
      out.push(arg);
    }
  }
  return out;
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
  const expanded: Record<string, string> = { ...labels };
  const handler: ProxyHandler<Record<string, string>> = {
    get: (target, property) => {
      if (typeof property !== 'string') return undefined;
      if (property in target) return target[property];
      const prefix = Object.keys(target)
        .filter((key) => property.startsWith(`${key}.`) || property.startsWith(`${key}[`))
        .sort((a, b) => b.length - a.length)[0];
      return prefix === undefined ? undefined : `${target[prefix]}${property.slice(prefix.length)}`;
    },
  };
  return new Proxy(expanded, handler);
}

function readConfigFile(path: string, shown: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError('--config', shown, `cannot be read: ${errorMessageOf(error)}`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError('--config', shown, `is not valid JSON: ${errorMessageOf(error)}`, { cause: error });
  }
  if (!isRecord(parsed)) throw new ConfigError('--config', shown, 'must hold a JSON object');
  return parsed;
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

/** parseArgs errors, reworded to name the flag. */
function usageError(error: unknown): ConfigError {
  const message = errorMessageOf(error);
  const flag = /'(-{1,2}[^' ]+)/.exec(message)?.[1] ?? 'arguments';
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  const problem =
    code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
      ? 'is not a rollgate gate option'
      : code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE'
        ? 'needs a value'
        : code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL'
          ? 'unexpected argument (options start with --)'
          : message;
  return new ConfigError(flag, flag, problem, { cause: error });
}
