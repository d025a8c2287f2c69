// What every step of the deploy flow is given besides the progress: the service's probe configuration (targets,
// headers and budget, which never travel in the progress), and the ports it acts through. A driver builds them per
// invocation: the CLI once for the whole flow, the workflow's task function once per step from the registry.

import type { GateConfig } from '../config/config-schema.ts';
import type { Clock, EvidenceStore, Notifier, RollbackExecutor, SecretSource } from '../gate/ports.ts';
import type { AddressPolicy } from '../probe/probe.ts';
import type { StateStore } from '../state/state-store.ts';

export interface DeployPorts {
  /** What to probe and with which budget; its expectedVersion is ignored (the progress says what each window expects). */
  readonly gate: GateConfig;
  readonly evidenceStore: EvidenceStore;
  readonly notifier: Notifier;
  /** Absent when no rollback is configured. */
  readonly rollbackExecutor?: RollbackExecutor | undefined;
  readonly secrets?: SecretSource | undefined;
  /** Where runs remember; absent: the deploy is judged alone, with no lock, no known-good versions, no approval item. */
  readonly state?: StateStore | undefined;
  /** @default systemClock */
  readonly clock?: Clock | undefined;
  /** Chosen by the shell (never by config or events). @default CLI_ADDRESS_POLICY */
  readonly addressPolicy?: AddressPolicy | undefined;
  /**
   * How `rollgate approve` reaches the state store the approval item is in, appended to the command an alert gives:
   * `--table rollgate-state` on AWS, `--state-dir DIR` locally. @default nothing (the CLI's default directory)
   */
  readonly approvalStoreArgs?: string | undefined;
  /**
   * The CLI's stop (SIGINT, SIGTERM): a window round in flight ends at once and is not counted, so the driver can end
   * the window as interrupted. Verification rounds, past the verdict, are never cut. The workflow has none.
   */
  readonly interrupt?: AbortSignal | undefined;
}
