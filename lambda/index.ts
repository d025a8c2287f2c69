// The engine's public API, the `rollgate` package's root export: what a pipeline author scripts against to run a gate
// in their own tooling (validate settings, run the gate through the local adapters or their own ports, read the verdict
// and its evidence). The CLI and the Lambdas are built on exactly these pieces.

export { ConsoleNotifier } from './adapters/local/console-notifier.ts';
export { EnvSecretSource } from './adapters/local/env-secret-source.ts';
export { EVIDENCE_ENV, EVIDENCE_JSON, FsEvidenceStore } from './adapters/local/fs-evidence-store.ts';
export {
  ShellRollbackExecutor,
  type ProgramCheck,
  type ShellRollbackOptions,
} from './adapters/local/shell-rollback.ts';
export type { Alert, AlertType } from './core/plan/alerts.ts';
export { ciContextFromEnv, type CiContext } from './core/evidence/ci-context.ts';
export {
  DEFAULT_BACKOFF_MS,
  DEFAULT_CONCURRENCY,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_RETRIES,
  DEFAULT_ROLLBACK_TIMEOUT_MS,
  DEFAULT_TIMEOUT_MS,
  MAX_CONCURRENCY,
  parseGateConfig,
  type Expectations,
  type GateConfig,
  type GateConfigInput,
  type HeaderValue,
  type TargetConfig,
} from './core/config/config-schema.ts';
export {
  AlertPublishError,
  ConfigError,
  ConfigErrors,
  EvidenceReadError,
  EvidenceWriteError,
  PortError,
  RollbackSendError,
  RollgateError,
  SecretResolveError,
} from './core/errors.ts';
export type {
  EvidenceAlert,
  EvidenceContext,
  EvidenceDocument,
  EvidenceFault,
  EvidenceSettings,
} from './core/evidence/evidence.ts';
export type { ExpectationName, ExpectationResult } from './core/probe/expectations.ts';
export {
  recordInvalidConfig,
  runGate,
  type AlertRecord,
  type GateOutcome,
  type GatePorts,
  type GateRunOptions,
  type PortProblem,
} from './core/gate/gate.ts';
export type {
  Clock,
  DeployRecord,
  EvidenceLocation,
  EvidenceStage,
  EvidenceStore,
  Notifier,
  RollbackExecutor,
  RollbackRequest,
  SecretSource,
} from './core/gate/ports.ts';
export type { ProbeErrorKind } from './core/probe/probe-error.ts';
export { CLI_ADDRESS_POLICY, type AddressPolicy, type ProbeAttempt, type TargetResult } from './core/probe/probe.ts';
export type { RollbackHostResult, RollbackOutcomeKind, RollbackResult } from './core/rollback/rollback-result.ts';
export { parseUrlList } from './core/config/url-list.ts';
export {
  EXIT_EVIDENCE_NOT_WRITTEN,
  EXIT_FAILED,
  EXIT_PASSED,
  EXIT_SKIPPED_NOT_ALLOWED,
  EXIT_USAGE,
  exitCodeFor,
  type GateStatus,
  type StatusReason,
  type Verdict,
} from './core/verdict/verdict.ts';
