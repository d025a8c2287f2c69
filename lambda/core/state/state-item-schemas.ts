// One schema per kind of state item, looked up by the kind a key names: every read and every write of an item goes
// through its kind's schema, so a store can only hold, and a caller only receive, what these describe.

import type * as z from 'zod/mini';
import { approvalSchema, type Approval } from './approval.ts';
import { evidenceChainHeadSchema, type EvidenceChainHead } from './evidence-chain-head.ts';
import { monitorStateSchema, type MonitorState } from './monitor-state.ts';
import { pauseSchema, type Pause } from './pause.ts';
import { rollbackLockSchema, type RollbackLock } from './rollback-lock.ts';
import { serviceStateSchema, type ServiceState } from './service-state.ts';
import type { StateKind } from './state-keys.ts';

export interface StateValueByKind {
  readonly monitor: MonitorState;
  readonly service: ServiceState;
  readonly lock: RollbackLock;
  readonly pause: Pause;
  readonly chain: EvidenceChainHead;
  readonly approval: Approval;
}

/** The item a key of kind K holds; `StateValue` alone is any of them. */
export type StateValue<K extends StateKind = StateKind> = StateValueByKind[K];

export const STATE_ITEM_SCHEMAS: { readonly [K in StateKind]: z.ZodMiniType<StateValueByKind[K]> } = {
  monitor: monitorStateSchema,
  service: serviceStateSchema,
  lock: rollbackLockSchema,
  pause: pauseSchema,
  chain: evidenceChainHeadSchema,
  approval: approvalSchema,
};
