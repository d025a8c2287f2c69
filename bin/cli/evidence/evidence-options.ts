// Reads `rollgate evidence list|latest|show` flags once: where the evidence is (the stack's bucket, or a local
// evidence directory, ./artifacts by default), whose runs, which of them, how many, in which form. Every error names
// the flag and the value; names are checked as the evidence keys check them.

import { checkEvidencePrefix, deployEvidencePrefix } from '../../../lambda/adapters/evidence-key.ts';
import { VERSION_PATTERN } from '../../../lambda/core/config/name-patterns.ts';
import { ConfigError } from '../../../lambda/core/errors.ts';
import type { EvidenceFilters, EvidenceScope } from '../../../lambda/core/evidence-query/evidence-query.ts';
import type { GateStatus } from '../../../lambda/core/verdict/verdict.ts';
import { calendarDay, parseSince } from './evidence-since.ts';
import { parseCommandFlags } from '../parse-command-flags.ts';

export const DEFAULT_EVIDENCE_DIR = 'artifacts';
export const DEFAULT_LIST_LIMIT = 20;
export const MAX_LIST_LIMIT = 1000;

/** Where evidence is read from. */
export type EvidenceSource =
  | { readonly kind: 'bucket'; readonly bucket: string }
  | { readonly kind: 'directory'; readonly directory: string };

/** Which runs: whose, which, since when. */
export interface EvidenceSelection {
  readonly scope: EvidenceScope;
  readonly filters: EvidenceFilters;
  readonly since?: Date;
  readonly before?: Date;
}

export type EvidenceOptions =
  | { readonly action: 'help' }
  | (EvidenceSelection & {
      readonly action: 'list';
      readonly source: EvidenceSource;
      readonly limit: number;
      readonly after?: string;
      readonly json: boolean;
    })
  | (EvidenceSelection & { readonly action: 'latest'; readonly source: EvidenceSource; readonly json: boolean })
  /** `list --prefix`: the keys under any prefix of the bucket, as stored. */
  | {
      readonly action: 'keys';
      readonly bucket: string;
      readonly prefix: string;
      readonly limit: number | undefined;
      readonly json: boolean;
    }
  | { readonly action: 'show'; readonly source: EvidenceSource; readonly key: string; readonly json: boolean };

const FLAGS = {
  bucket: { type: 'string' },
  'evidence-dir': { type: 'string' },
  prefix: { type: 'string' },
  service: { type: 'string' },
  environment: { type: 'string' },
  monitor: { type: 'string' },
  all: { type: 'boolean' },
  date: { type: 'string' },
  since: { type: 'string' },
  status: { type: 'string' },
  version: { type: 'string' },
  commit: { type: 'string' },
  limit: { type: 'string' },
  after: { type: 'string' },
  key: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Flags = ReturnType<typeof parseFlags>;
type FlagName = keyof typeof FLAGS;

const PREFIX_LABELS = { service: '--service', environment: '--environment', day: '--date', monitor: '--monitor' };
const STATUSES: readonly GateStatus[] = ['passed', 'failed', 'skipped'];
const SELECTION_FLAGS: readonly FlagName[] = ['service', 'environment', 'monitor', 'all', 'date', 'since'];
const FILTER_FLAGS: readonly FlagName[] = ['status', 'version', 'commit'];

/** Parses and validates; `now` anchors `--since 7d`. Throws ConfigError naming the flag. */
export function readEvidenceOptions(argv: readonly string[], now: Date = new Date()): EvidenceOptions {
  const [action, ...rest] = argv;
  if (action === undefined || action === '-h' || action === '--help' || action === 'help') return { action: 'help' };
  if (action !== 'list' && action !== 'show' && action !== 'latest') {
    throw new ConfigError('rollgate evidence', action, 'must be followed by list, latest, show or verify');
  }
  const flags = parseCommandFlags(rest, FLAGS, `rollgate evidence ${action}`);
  if (flags.help === true) return { action: 'help' };
  const json = flags.json === true;
  if (action === 'show') {
    refuse(
      flags,
      [...SELECTION_FLAGS, ...FILTER_FLAGS, 'prefix', 'limit', 'after'],
      'belongs to rollgate evidence list',
    );
    return { action, source: sourceOf(flags), key: keyOf('--key', flags.key, true)!, json };
  }
  refuse(flags, ['key'], 'belongs to rollgate evidence show');
  if (flags.prefix !== undefined) {
    refuse(flags, [...SELECTION_FLAGS, ...FILTER_FLAGS, 'evidence-dir', 'after'], 'cannot be given with --prefix');
    if (action === 'latest') throw new ConfigError('--prefix', flags.prefix, 'belongs to rollgate evidence list');
    const bucket = flags.bucket;
    if (bucket === undefined)
      throw new ConfigError('--prefix', flags.prefix, 'lists the keys of a bucket: give --bucket');
    return { action: 'keys', bucket, prefix: flags.prefix, limit: limitOf(flags.limit), json };
  }
  const selection = selectionOf(flags, now);
  const source = sourceOf(flags);
  if (action === 'latest') {
    refuse(flags, ['limit', 'after'], 'belongs to rollgate evidence list');
    return { action, source, ...selection, json };
  }
  const after = keyOf('--after', flags.after, false);
  return {
    action,
    source,
    ...selection,
    limit: limitOf(flags.limit) ?? DEFAULT_LIST_LIMIT,
    ...(after !== undefined ? { after } : {}),
    json,
  };
}

/** --bucket, or --evidence-dir (default ./artifacts): one of them. */
export function sourceOf(flags: { readonly bucket?: string; readonly 'evidence-dir'?: string }): EvidenceSource {
  if (flags.bucket !== undefined && flags['evidence-dir'] !== undefined) {
    throw new ConfigError('--evidence-dir', flags['evidence-dir'], 'give either --bucket or --evidence-dir, not both');
  }
  if (flags.bucket !== undefined) {
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(flags.bucket)) {
      throw new ConfigError(
        '--bucket',
        flags.bucket,
        'must be an S3 bucket name (3-63 lowercase letters, digits, dots, dashes)',
      );
    }
    return { kind: 'bucket', bucket: flags.bucket };
  }
  const directory = flags['evidence-dir'] ?? DEFAULT_EVIDENCE_DIR;
  if (directory.trim() === '') throw new ConfigError('--evidence-dir', directory, 'must name a directory');
  return { kind: 'directory', directory };
}

/** Exactly one of --service with --environment, --monitor or --all; filters and --since or --date. */
export function selectionOf(flags: Partial<Record<FlagName, string | boolean>>, now: Date): EvidenceSelection {
  const service = flags.service as string | undefined;
  const environment = flags.environment as string | undefined;
  const monitor = flags.monitor as string | undefined;
  const chosen = [service !== undefined || environment !== undefined, monitor !== undefined, flags.all === true];
  if (chosen.filter(Boolean).length !== 1) {
    throw new ConfigError(
      '--service',
      service,
      'give exactly one of --service with --environment, --monitor, or --all',
    );
  }
  let scope: EvidenceScope;
  if (monitor !== undefined) {
    checkEvidencePrefix(monitor, PREFIX_LABELS);
    scope = { kind: 'monitor', monitor };
  } else if (flags.all === true) {
    scope = { kind: 'all' };
  } else {
    const parts = { service: required('--service', service), environment: required('--environment', environment) };
    deployEvidencePrefix(parts, PREFIX_LABELS);
    scope = { kind: 'service', ...parts, monitors: false };
  }
  const date = flags.date as string | undefined;
  const since = flags.since as string | undefined;
  if (date !== undefined && since !== undefined)
    throw new ConfigError('--date', date, 'give --date or --since, not both');
  const bounds = date !== undefined ? dayBounds(date) : since !== undefined ? { since: parseSince(since, now) } : {};
  return { scope, filters: filtersOf(flags), ...bounds };
}

function dayBounds(day: string): { readonly since: Date; readonly before: Date } {
  const start = calendarDay(day, day, '--date');
  return { since: start, before: new Date(start.getTime() + 86_400_000) };
}

function filtersOf(flags: Partial<Record<FlagName, string | boolean>>): EvidenceFilters {
  const status = flags.status as string | undefined;
  const version = flags.version as string | undefined;
  const commit = flags.commit as string | undefined;
  if (status !== undefined && !(STATUSES as readonly string[]).includes(status)) {
    throw new ConfigError('--status', status, `must be one of ${STATUSES.join(', ')}`);
  }
  if (version !== undefined && !VERSION_PATTERN.test(version)) {
    throw new ConfigError('--version', version, 'must be a version as services report it (letters, digits, . _ + -)');
  }
  if (commit !== undefined && !/^[0-9A-Fa-f]{4,64}$/.test(commit)) {
    throw new ConfigError('--commit', commit, 'must be a commit hash or its first 4 or more hex digits');
  }
  return {
    ...(status !== undefined ? { status: status as GateStatus } : {}),
    ...(version !== undefined ? { version } : {}),
    ...(commit !== undefined ? { commit } : {}),
  };
}

function parseFlags(args: readonly string[], action: string) {
  return parseCommandFlags(args, FLAGS, `rollgate evidence ${action}`);
}

/** A record's key (S3) or path (evidence directory): one printable line. */
function keyOf(flag: string, value: string | undefined, needed: boolean): string | undefined {
  if (value === undefined) {
    if (needed) throw new ConfigError(flag, value, 'is required');
    return undefined;
  }
  if (value.trim() === '' || value.length > 1024 || /[\u0000-\u001f\u007f]/.test(value)) {
    throw new ConfigError(flag, value, 'must be an evidence key or path: one line, at most 1024 characters');
  }
  return value;
}

function required(flag: string, value: string | undefined): string {
  if (value === undefined || value.trim() === '') throw new ConfigError(flag, value, 'is required');
  return value;
}

function refuse(flags: Flags, names: readonly FlagName[], why: string): void {
  for (const name of names) {
    if (flags[name] !== undefined) throw new ConfigError(`--${name}`, flags[name], why);
  }
}

function limitOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1 || Number(value) > MAX_LIST_LIMIT) {
    throw new ConfigError('--limit', value, `must be a whole number from 1 to ${MAX_LIST_LIMIT}`);
  }
  return Number(value.trim());
}
