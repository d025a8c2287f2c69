// Reads `rollgate evidence list|show` flags once: which bucket, which prefix or key, how much, in which form. Every
// error names the flag and the value; the prefix layout and its name checks come from the evidence key itself.

import { checkEvidencePrefix, deployEvidencePrefix } from '../../lambda/adapters/evidence-key.ts';
import { ConfigError } from '../../lambda/core/errors.ts';
import { parseCommandFlags } from './parse-command-flags.ts';

export type EvidenceOptions =
  | { readonly action: 'help' }
  | {
      readonly action: 'list';
      readonly bucket: string;
      readonly prefix: string;
      readonly limit: number | undefined;
      readonly json: boolean;
    }
  | { readonly action: 'show'; readonly bucket: string; readonly key: string; readonly json: boolean };

const FLAGS = {
  bucket: { type: 'string' },
  prefix: { type: 'string' },
  service: { type: 'string' },
  environment: { type: 'string' },
  date: { type: 'string' },
  monitor: { type: 'string' },
  limit: { type: 'string' },
  key: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const PREFIX_LABELS = { service: '--service', environment: '--environment', day: '--date', monitor: '--monitor' };

/** Parses and validates. Throws ConfigError naming the flag. */
export function readEvidenceOptions(argv: readonly string[]): EvidenceOptions {
  const [action, ...rest] = argv;
  if (action === undefined || action === '-h' || action === '--help' || action === 'help') return { action: 'help' };
  if (action !== 'list' && action !== 'show') {
    throw new ConfigError('rollgate evidence', action, 'must be followed by list or show');
  }
  const flags = parseFlags(rest, action);
  if (flags.help === true) return { action: 'help' };
  const bucket = required('--bucket', flags.bucket);
  const json = flags.json === true;
  if (action === 'show') {
    refuse(
      flags,
      ['prefix', 'service', 'environment', 'date', 'monitor', 'limit'],
      'belongs to rollgate evidence list',
    );
    return { action, bucket, key: required('--key', flags.key), json };
  }
  refuse(flags, ['key'], 'belongs to rollgate evidence show');
  return { action, bucket, prefix: listPrefix(flags), limit: positiveNumber('--limit', flags.limit), json };
}

type Flags = ReturnType<typeof parseFlags>;

function parseFlags(args: readonly string[], action: string) {
  return parseCommandFlags(args, FLAGS, `rollgate evidence ${action}`);
}

/** Exactly one of --prefix, --service with --environment (and maybe --date), or --monitor says where to look. */
function listPrefix(flags: Flags): string {
  const chosen = [
    flags.prefix !== undefined,
    flags.service !== undefined || flags.environment !== undefined,
    flags.monitor !== undefined,
  ];
  if (chosen.filter(Boolean).length !== 1) {
    throw new ConfigError(
      '--prefix',
      flags.prefix,
      'give exactly one of --prefix, --service with --environment, or --monitor',
    );
  }
  if (flags.date !== undefined && flags.service === undefined && flags.environment === undefined) {
    throw new ConfigError('--date', flags.date, 'needs --service and --environment');
  }
  if (flags.prefix !== undefined) return flags.prefix;
  if (flags.monitor !== undefined) return checkEvidencePrefix(flags.monitor, PREFIX_LABELS);
  return deployEvidencePrefix(
    {
      service: required('--service', flags.service),
      environment: required('--environment', flags.environment),
      ...(flags.date !== undefined ? { day: flags.date } : {}),
    },
    PREFIX_LABELS,
  );
}

function required(flag: string, value: string | undefined): string {
  if (value === undefined || value.trim() === '') throw new ConfigError(flag, value, 'is required');
  return value;
}

function refuse(flags: Flags, names: readonly (keyof typeof FLAGS)[], why: string): void {
  for (const name of names) {
    if (flags[name] !== undefined) throw new ConfigError(`--${name}`, flags[name], why);
  }
}

function positiveNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1)
    throw new ConfigError(flag, value, 'must be a whole number of at least 1');
  return Number(value.trim());
}
