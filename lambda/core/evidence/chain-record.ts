// A stored record as `rollgate evidence verify` sees it: the SHA-256 of its bytes as stored, the chain link it claims,
// when it started and whether it says why it carries no link. Read without trusting anything in it.

import { CHAIN_FAULT_PREFIX, readChainLink, type EvidenceChainLink } from './evidence-chain.ts';
import { sha256Hex } from './serialize-evidence.ts';

export interface ChainRecord {
  readonly key: string;
  readonly sha256: string;
  /** The link it claims; undefined when it carries none or a damaged one (`linkProblem`). */
  readonly link?: EvidenceChainLink;
  readonly linkProblem?: string;
  /** Its started_at, when it reads as JSON with one. */
  readonly startedAt?: string;
  /** It carries no link and a fault saying the chain could not be advanced for it. */
  readonly unlinkedWithFault: boolean;
}

/** The record at `key` with `bytes` as stored. */
export function chainRecordOf(key: string, bytes: Uint8Array): ChainRecord {
  const sha256 = sha256Hex(bytes);
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return { key, sha256, linkProblem: 'it is not JSON text', unlinkedWithFault: false };
  }
  const { link, problem } = readChainLink(parsed);
  const record = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  const startedAt = typeof record.started_at === 'string' ? record.started_at : undefined;
  const faults = Array.isArray(record.faults) ? (record.faults as unknown[]) : [];
  const unlinkedWithFault =
    link === undefined &&
    problem === undefined &&
    faults.some(
      (fault) =>
        typeof fault === 'object' &&
        fault !== null &&
        typeof (fault as { message?: unknown }).message === 'string' &&
        (fault as { message: string }).message.startsWith(CHAIN_FAULT_PREFIX),
    );
  return {
    key,
    sha256,
    ...(link !== undefined ? { link } : {}),
    ...(problem !== undefined ? { linkProblem: problem } : {}),
    ...(startedAt !== undefined ? { startedAt } : {}),
    unlinkedWithFault,
  };
}

/** The key a record's URI names under `prefix` (`checks/web/`): the URI from the prefix on, whatever bucket or folder. */
export function chainKeyOfUri(uri: string, prefix: string): string | undefined {
  const path = uri.replaceAll('\\', '/');
  if (path.startsWith(prefix)) return path;
  const at = path.lastIndexOf(`/${prefix}`);
  return at < 0 ? undefined : path.slice(at + 1);
}

/** `checks/web/2026/11/23/...json`: a record's key under the prefix, as the stores name them (not latest.json). */
export function isChainRecordKey(key: string, prefix: string): boolean {
  return key.startsWith(prefix) && /^\d{4}\/\d{2}\/\d{2}\/[^/]+\.json$/.test(key.slice(prefix.length));
}
