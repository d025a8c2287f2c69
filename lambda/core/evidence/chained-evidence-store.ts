// Chains the records any evidence store writes: before a record is stored it is linked to the newest record of its
// chain (its sequence, that record's SHA-256 and URI), and the chain's head in the state store is moved to it with a
// conditional write, so two writers racing cannot both link to one predecessor: the loser reads the head again and
// links after the winner. A chain that cannot be advanced leaves the record unlinked with a fault saying why, never
// a silent fork. The gate, the deploy flow and monitors write through it unchanged.

import { EvidenceWriteError, errorMessageOf, errorNameOf, PortError } from '../errors.ts';
import type { EvidenceLocation, EvidenceStage, EvidenceStore } from '../gate/ports.ts';
import { createRedactor } from '../secrets/redact.ts';
import type { EvidenceChainHead } from '../state/evidence-chain-head.ts';
import { StateConflictError } from '../state/state-errors.ts';
import type { StateKey } from '../state/state-keys.ts';
import { deleteState, putState, revisionAfter, type StateStore } from '../state/state-store.ts';
import {
  CHAIN_FAULT_PREFIX,
  evidenceChainKeyOf,
  evidenceChainNameOf,
  type EvidenceChainLink,
} from './evidence-chain.ts';
import type { EvidenceDocument, EvidenceFault } from './evidence.ts';
import { serializeEvidence, sha256Hex } from './serialize-evidence.ts';

/** Read the head, link, move the head; again after losing a race, up to this many times in all. */
export const DEFAULT_CHAIN_ATTEMPTS = 5;

export interface ChainedEvidenceStoreOptions {
  /** Where records go. It must name a record before writing it (`locate`), and write `serializeEvidence`'s text. */
  readonly store: EvidenceStore;
  /** Where the chains' heads are kept. */
  readonly state: StateStore;
  /** @default DEFAULT_CHAIN_ATTEMPTS */
  readonly maxAttempts?: number;
}

/** The head moved to a record about to be written, and what to put back if the record cannot be written. */
interface ChainClaim {
  readonly document: EvidenceDocument;
  readonly revision: number;
  readonly previous: { readonly head: EvidenceChainHead; readonly revision: number } | undefined;
}

/** Why a record could not be linked: an error to record as a fault on the record. */
class ChainNotAdvanced extends PortError {
  public constructor(message: string, options: { cause?: unknown; errorName?: string } = {}) {
    super(message, options);
    this.name = 'ChainNotAdvanced';
  }
}

export class ChainedEvidenceStore implements EvidenceStore {
  private readonly store: EvidenceStore;
  private readonly state: StateStore;
  private readonly maxAttempts: number;

  public constructor(options: ChainedEvidenceStoreOptions) {
    this.store = options.store;
    this.state = options.state;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? DEFAULT_CHAIN_ATTEMPTS);
  }

  public locate(document: EvidenceDocument, stage: EvidenceStage): string | undefined {
    return this.store.locate?.(document, stage);
  }

  public async write(document: EvidenceDocument, stage: EvidenceStage): Promise<EvidenceLocation> {
    const key = evidenceChainKeyOf(document);
    if (key === undefined) return this.store.write(document, stage);
    const uri = this.store.locate?.(document, stage);
    if (uri === undefined) {
      const problem = new ChainNotAdvanced('the evidence store cannot name the record before writing it', {
        errorName: 'EvidenceChainUnlocated',
      });
      return this.store.write(withChainFault(document, key, problem), stage);
    }
    let claim: ChainClaim;
    try {
      claim = await this.claim(key, document, uri);
    } catch (error) {
      // Evidence first: the record is kept, unlinked, and says why; verify counts it apart from the chain.
      return this.store.write(withChainFault(document, key, error), stage);
    }
    try {
      return await this.store.write(claim.document, stage);
    } catch (error) {
      if (await this.giveBack(key, claim)) throw error;
      const chain = evidenceChainNameOf(key);
      throw new EvidenceWriteError(
        `${errorMessageOf(error)}; the head of chain ${chain} already names it (sequence ${claim.document.chain?.sequence}) and could not be set back, so verify will report it missing`,
        { cause: error, errorName: errorNameOf(error) },
      );
    }
  }

  /** Links the record to the chain's newest and moves the head to it, conditionally; again after losing a race. */
  private async claim(key: StateKey<'chain'>, document: EvidenceDocument, uri: string): Promise<ChainClaim> {
    for (let attempt = 1; ; attempt += 1) {
      const found = await this.state.read([key]);
      const entry = found.entry(key);
      if (entry !== undefined && entry.status !== 'live') {
        // A head that does not parse is not a reason to start the chain again: that would hide what came before it.
        const why = entry.status === 'invalid' ? entry.problem : 'it has expired';
        throw new ChainNotAdvanced(`the chain's head ${key} cannot be used: ${why}`, {
          errorName: 'EvidenceChainHeadUnreadable',
        });
      }
      const stored = found.get(key);
      const link: EvidenceChainLink =
        stored === undefined
          ? { sequence: 1, previous_sha256: null, previous_uri: null }
          : {
              sequence: stored.value.sequence + 1,
              previous_sha256: stored.value.lastHash,
              previous_uri: stored.value.lastUri,
            };
      const chained: EvidenceDocument = { ...document, chain: link };
      const head: EvidenceChainHead = {
        lastHash: sha256Hex(serializeEvidence(chained)),
        lastUri: uri,
        sequence: link.sequence,
      };
      const change = putState(key, head, stored?.revision);
      try {
        await this.state.write([change]);
      } catch (error) {
        if (error instanceof StateConflictError && attempt < this.maxAttempts) continue;
        if (error instanceof StateConflictError) {
          throw new ChainNotAdvanced(
            `the chain's head ${key} changed under each of ${attempt} attempts to link this record`,
            { cause: error, errorName: 'EvidenceChainContended' },
          );
        }
        throw error;
      }
      return {
        document: chained,
        revision: revisionAfter(change)!,
        previous: stored === undefined ? undefined : { head: stored.value, revision: stored.revision },
      };
    }
  }

  /** Puts the head back where it was after the record failed to be written; false when that too fails. */
  private async giveBack(key: StateKey<'chain'>, claim: ChainClaim): Promise<boolean> {
    try {
      await this.state.write([
        claim.previous === undefined
          ? deleteState(key, claim.revision)
          : putState(key, claim.previous.head, claim.revision),
      ]);
      return true;
    } catch {
      return false;
    }
  }
}

/** The record as written when it cannot be linked: no chain field, and a state fault naming the chain and why. */
function withChainFault(document: EvidenceDocument, key: StateKey<'chain'>, error: unknown): EvidenceDocument {
  const errorName = error instanceof PortError && error.errorName !== 'Error' ? error.errorName : errorNameOf(error);
  const fault: EvidenceFault = {
    port: 'state',
    error_name: errorName,
    message: createRedactor().text(
      `${CHAIN_FAULT_PREFIX}${evidenceChainNameOf(key)}: ${errorMessageOf(error)}; this record is not linked into the chain`,
    ),
  };
  return { ...document, faults: [...document.faults, fault] };
}
