// The chain of evidence records: each record of a service in one environment (`deploys/<service>/<environment>`) or of
// a monitor (`checks/<monitor>`) names the SHA-256 and URI of the record before it in the same chain, so a removed,
// edited or reordered record shows. The head (the newest record's hash and URI) is kept in the state store.

import { ConfigError } from '../errors.ts';
import { checkEvidenceChainKey, deployEvidenceChainKey, type StateKey } from '../state/state-keys.ts';
import type { EvidenceDocument } from './evidence.ts';

/** What a chained record says about its predecessor; the first record of a chain names none. */
export interface EvidenceChainLink {
  /** 1 for the first record of the chain, one more for each record after it. */
  readonly sequence: number;
  /** SHA-256 of the previous record's bytes as stored, lowercase hex; null for the first record. */
  readonly previous_sha256: string | null;
  /** Where the previous record is (`s3://bucket/key` or a file path); null for the first record. */
  readonly previous_uri: string | null;
}

/**
 * The chain a record belongs to: a deploy's (or a gate's that names its service) is its service's in its environment,
 * a check's its monitor's. undefined when the record names none, or names it with characters no key may hold (the
 * store then refuses the record itself, naming the field).
 */
export function evidenceChainKeyOf(document: EvidenceDocument): StateKey<'chain'> | undefined {
  const { context } = document;
  try {
    switch (document.kind) {
      case 'deploy': {
        const deploy = context.deploy;
        return deploy === undefined ? undefined : deployEvidenceChainKey(deploy.service, deploy.environment);
      }
      case 'gate':
        if (context.service === undefined || context.environment === undefined) return undefined;
        return deployEvidenceChainKey(context.service, context.environment);
      case 'check':
        return context.monitor === undefined ? undefined : checkEvidenceChainKey(context.monitor);
    }
  } catch (error) {
    if (error instanceof ConfigError) return undefined;
    throw error;
  }
}

/** The chain's name in a key (`chain#checks/web` -> `checks/web`), which is also its records' key prefix without `/`. */
export function evidenceChainNameOf(key: StateKey<'chain'>): string {
  return key.slice(key.indexOf('#') + 1);
}

/** How the fault on a record that could not be linked begins (chained-evidence-store.ts), so verify can tell it. */
export const CHAIN_FAULT_PREFIX = 'evidence chain ';

const SHA256_HEX = /^[0-9a-f]{64}$/;
const MAX_URI_LENGTH = 2048;

/**
 * Reads the `chain` field of a record found in a store, without trusting it: the link, or a sentence saying what is
 * wrong with it (`undefined` link and problem: the record carries no chain at all).
 */
export function readChainLink(record: unknown): { readonly link?: EvidenceChainLink; readonly problem?: string } {
  if (typeof record !== 'object' || record === null || !('chain' in record)) return {};
  const chain = (record as { chain: unknown }).chain;
  if (typeof chain !== 'object' || chain === null) return { problem: 'its chain field is not an object' };
  const { sequence, previous_sha256: sha, previous_uri: uri } = chain as Record<string, unknown>;
  if (typeof sequence !== 'number' || !Number.isInteger(sequence) || sequence < 1) {
    return { problem: 'its chain.sequence is not a whole number from 1' };
  }
  const first = sequence === 1;
  if (first ? sha !== null : typeof sha !== 'string' || !SHA256_HEX.test(sha)) {
    return { problem: first ? 'the first record names a previous hash' : 'its chain.previous_sha256 is not a SHA-256' };
  }
  if (first ? uri !== null : typeof uri !== 'string' || uri.length === 0 || uri.length > MAX_URI_LENGTH) {
    return { problem: first ? 'the first record names a previous record' : 'its chain.previous_uri is not a URI' };
  }
  return { link: { sequence, previous_sha256: sha as string | null, previous_uri: uri as string | null } };
}
