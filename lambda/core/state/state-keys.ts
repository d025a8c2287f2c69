// The keys of the items Rollgate remembers between runs: `<kind>#<names>`, built only from names that match the
// shared alphabets, so a key is also safe as a DynamoDB partition key, a file name part and a line in `rollgate status`.

import { ConfigError } from '../errors.ts';
import { NAME_PATTERN } from '../config/name-patterns.ts';
import { NAME_RULE } from '../config/probe-request-schema.ts';

/**
 * What an item is about: a monitor, a service in an environment, its rollback lock, pause or rollback awaiting
 * approval, an evidence chain.
 */
export type StateKind = 'monitor' | 'service' | 'lock' | 'pause' | 'chain' | 'approval';

export const STATE_KINDS: readonly StateKind[] = ['monitor', 'service', 'lock', 'pause', 'chain', 'approval'];

declare const stateKindBrand: unique symbol;

/** A key built by the functions below (never by hand), typed by the kind of item it names. */
export type StateKey<K extends StateKind = StateKind> = string & { readonly [stateKindBrand]: K };

/** Separates the kind from the names; outside every name alphabet, so a key splits one way only. */
const SEPARATOR = '#';
/** Separates the segments of a chain name (`deploys/checkout/prod`); also outside the name alphabet. */
const CHAIN_SEGMENT_SEPARATOR = '/';
const MAX_CHAIN_SEGMENTS = 4;
const CHAIN_NAME_RULE = `must be 1-${MAX_CHAIN_SEGMENTS} names joined by "/", each ${NAME_RULE.replace(/^must be /, '')}`;

/** `monitor#<monitor>`: a monitor's up/down state and counters. */
export function monitorStateKey(monitor: string): StateKey<'monitor'> {
  return keyOf('monitor', [checkedName('monitor', monitor)]);
}

/** `service#<service>#<environment>`: what was deployed, the known-good versions, the last rollback. */
export function serviceStateKey(service: string, environment: string): StateKey<'service'> {
  return keyOf('service', [checkedName('service', service), checkedName('environment', environment)]);
}

/** `lock#<service>#<environment>`: held by the one run allowed to roll this service back. */
export function rollbackLockKey(service: string, environment: string): StateKey<'lock'> {
  return keyOf('lock', [checkedName('service', service), checkedName('environment', environment)]);
}

/** `pause#<service>#<environment>`: an operator's pause of rollbacks and alerts for the service. */
export function pauseKey(service: string, environment: string): StateKey<'pause'> {
  return keyOf('pause', [checkedName('service', service), checkedName('environment', environment)]);
}

/** `approval#<service>#<environment>`: a rollback of the service waiting for `rollgate approve` or `reject`. */
export function approvalKey(service: string, environment: string): StateKey<'approval'> {
  return keyOf('approval', [checkedName('service', service), checkedName('environment', environment)]);
}

/** `chain#<chain name>`, e.g. `chain#deploys/checkout/prod`: the head of a chain of evidence records. */
export function evidenceChainKey(chainName: string): StateKey<'chain'> {
  if (!isChainName(chainName)) throw new ConfigError('chain', chainName, CHAIN_NAME_RULE);
  return keyOf('chain', [chainName]);
}

/** The chain of a service's deploy evidence, named like its evidence prefix: `deploys/<service>/<environment>`. */
export function deployEvidenceChainKey(service: string, environment: string): StateKey<'chain'> {
  const names = [checkedName('service', service), checkedName('environment', environment)];
  return evidenceChainKey(['deploys', ...names].join(CHAIN_SEGMENT_SEPARATOR));
}

/** The chain of a monitor's check evidence: `checks/<monitor>`. */
export function checkEvidenceChainKey(monitor: string): StateKey<'chain'> {
  return evidenceChainKey(['checks', checkedName('monitor', monitor)].join(CHAIN_SEGMENT_SEPARATOR));
}

/** The parts of a stored key, or undefined when the text is not a key these builders could have made. */
export interface ParsedStateKey {
  readonly kind: StateKind;
  readonly key: StateKey;
  /** The names after the kind: one for a monitor or chain, service and environment for the others. */
  readonly names: readonly string[];
}

const NAME_COUNTS: Readonly<Record<StateKind, number>> = {
  monitor: 1,
  service: 2,
  lock: 2,
  pause: 2,
  chain: 1,
  approval: 2,
};

/** Reads a key found in a store (a file, a table) without trusting it: undefined unless it is well formed. */
export function parseStateKey(text: string): ParsedStateKey | undefined {
  const [kind, ...names] = text.split(SEPARATOR);
  if (!isStateKind(kind) || names.length !== NAME_COUNTS[kind]) return undefined;
  const namesValid = kind === 'chain' ? isChainName(names[0]!) : names.every((name) => NAME_PATTERN.test(name));
  return namesValid ? { kind, key: text as StateKey, names } : undefined;
}

/** `<kind>#`: what every key of that kind starts with (an IAM condition on a kind's items matches it). */
export function stateKeyPrefix(kind: StateKind): string {
  return `${kind}${SEPARATOR}`;
}

/** The kind of a key built by this module. */
export function stateKindOf<K extends StateKind>(key: StateKey<K>): K {
  return key.slice(0, key.indexOf(SEPARATOR)) as K;
}

export function isStateKind(value: unknown): value is StateKind {
  return typeof value === 'string' && (STATE_KINDS as readonly string[]).includes(value);
}

function keyOf<K extends StateKind>(kind: K, names: readonly string[]): StateKey<K> {
  return [kind, ...names].join(SEPARATOR) as StateKey<K>;
}

function checkedName(field: string, name: string): string {
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) throw new ConfigError(field, name, NAME_RULE);
  return name;
}

function isChainName(name: string): boolean {
  if (typeof name !== 'string') return false;
  const segments = name.split(CHAIN_SEGMENT_SEPARATOR);
  return segments.length <= MAX_CHAIN_SEGMENTS && segments.every((segment) => NAME_PATTERN.test(segment));
}
