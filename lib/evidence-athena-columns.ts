// The columns of the Athena tables over the evidence prefixes: each field of the evidence document (lambda/core/
// evidence/evidence-schema.ts) as a Hive type. Plain data, tested against schema/evidence.schema.json so a field
// renamed or retyped there fails the test rather than every query. Field names are lower case: the Ion SerDe matches
// them to the records' keys without regard to case (`windowSeconds` is `windowseconds`).
//
// Numbers: the records are pretty-printed JSON read as Ion, where `12.5` is a decimal and `12` an integer, so a JSON
// number with a fraction is a DECIMAL column and whole numbers are INT or BIGINT.

export interface EvidenceColumn {
  readonly name: string;
  readonly type: string;
  readonly comment: string;
}

const struct = (fields: Record<string, string>): string =>
  `struct<${Object.entries(fields)
    .map(([name, type]) => `${name}:${type}`)
    .join(',')}>`;
const array = (type: string): string => `array<${type}>`;

const EXPECTATION = struct({
  name: 'string',
  ok: 'boolean',
  observed: 'string',
  expected: 'string',
  condition: 'string',
});

const ATTEMPT = struct({
  attempt: 'int',
  latency_ms: 'bigint',
  http_status: 'int',
  error: 'string',
  error_detail: 'string',
  redirects: array('string'),
  body_bytes: 'bigint',
  wire_bytes: 'bigint',
  remote_address: 'string',
  body_excerpt: 'string',
  version: 'string',
  ok: 'boolean',
  expectations: array(EXPECTATION),
});

const TARGET = struct({
  name: 'string',
  url: 'string',
  ok: 'boolean',
  reason: 'string',
  version: 'string',
  expected_version: 'string',
  header_names: array('string'),
  attempts: array(ATTEMPT),
  expectations: array(EXPECTATION),
});

const WINDOW = struct({
  policy: struct({
    windowseconds: 'int',
    intervalseconds: 'int',
    warmupseconds: 'int',
    successthreshold: 'int',
    failurethreshold: 'int',
    verifyseconds: 'int',
    bakeseconds: 'int',
  }),
  expected_version: 'string',
  started_at: 'string',
  decided_by: 'string',
  rounds_done: 'int',
  healthy_rounds: 'int',
  failing_rounds: 'int',
  rounds_dropped: 'int',
  rounds: array(
    struct({
      round: 'int',
      at: 'string',
      elapsed_s: 'decimal(12,3)',
      in_warmup: 'boolean',
      ok: 'boolean',
      healthy: 'int',
      failing: 'int',
      targets: array(
        struct({
          name: 'string',
          url: 'string',
          ok: 'boolean',
          reason: 'string',
          latency_ms: 'bigint',
          version: 'string',
        }),
      ),
      targets_not_listed: 'int',
    }),
  ),
});

const ROLLBACK = struct({
  attempted: 'boolean',
  ok: 'boolean',
  outcome: 'string',
  exit_code: 'int',
  duration_ms: 'bigint',
  output_tail: 'string',
  executor: 'string',
  detail: 'string',
  command_id: 'string',
  hosts: array(
    struct({ instance_id: 'string', status: 'string', exit_code: 'int', output_tail: 'string', detail: 'string' }),
  ),
  reason: 'string',
  target_version: 'string',
  target_source: 'string',
  command_outcome: 'string',
  verification: WINDOW,
  approval: struct({
    requested_at: 'string',
    expires_at: 'string',
    approve_command: 'string',
    decision: 'string',
    decided_at: 'string',
    by: 'string',
  }),
});

/** Every column, in the document's order. Times are ISO-8601 strings: from_iso8601_timestamp() reads them. */
export const EVIDENCE_COLUMNS: readonly EvidenceColumn[] = [
  { name: 'schema_version', type: 'int', comment: 'the evidence model version (1)' },
  { name: 'tool', type: 'string', comment: 'always rollgate' },
  { name: 'kind', type: 'string', comment: 'deploy or check (gate for the CLI)' },
  { name: 'stage', type: 'string', comment: 'verdict, rollback or delivery: one run writes one record per stage' },
  { name: 'status', type: 'string', comment: 'passed, failed or skipped' },
  { name: 'status_reason', type: 'string', comment: 'why, in one word' },
  { name: 'message', type: 'string', comment: 'the verdict in a sentence' },
  { name: 'started_at', type: 'string', comment: 'ISO-8601 UTC' },
  { name: 'finished_at', type: 'string', comment: 'ISO-8601 UTC' },
  { name: 'duration_ms', type: 'bigint', comment: 'whole milliseconds' },
  { name: 'expected_version', type: 'string', comment: 'the version every target had to report, or null' },
  {
    name: 'summary',
    type: struct({ total: 'int', healthy: 'int', failing: 'int' }),
    comment: 'targets judged, healthy and failing',
  },
  { name: 'targets', type: array(TARGET), comment: 'each target with its attempts and conditions' },
  { name: 'rollback', type: ROLLBACK, comment: 'what the rollback did, per host, and its verification' },
  {
    name: 'context',
    type: struct({
      ci: struct({
        provider: 'string',
        run_id: 'string',
        run_url: 'string',
        commit_sha: 'string',
        ref: 'string',
        event: 'string',
        repository: 'string',
      }),
      deploy: struct({
        service: 'string',
        environment: 'string',
        version: 'string',
        previous_version: 'string',
        digest: 'string',
        commit: 'string',
        event_id: 'string',
      }),
      monitor: 'string',
      service: 'string',
      environment: 'string',
      run_id: 'string',
    }),
    comment: 'the deploy, monitor or CI run the record belongs to',
  },
  {
    name: 'settings',
    type: struct({
      timeout_ms: 'int',
      retries: 'int',
      backoff_ms: 'int',
      concurrency: 'int',
      max_body_bytes: 'bigint',
    }),
    comment: 'the probe settings the run used',
  },
  {
    name: 'alerts',
    type: array(struct({ type: 'string', subject: 'string', delivered: 'boolean', error: 'string' })),
    comment: 'alerts raised so far; delivered null while pending',
  },
  {
    name: 'faults',
    type: array(struct({ port: 'string', error_name: 'string', message: 'string' })),
    comment: 'infrastructure faults the run met',
  },
  { name: 'links', type: struct({ verdict: 'string', rollback: 'string' }), comment: 'earlier records of the run' },
  {
    name: 'state',
    type: struct({
      store: 'string',
      written: 'boolean',
      monitor: struct({
        name: 'string',
        state: 'string',
        consecutive_failures: 'int',
        consecutive_successes: 'int',
        since: 'string',
        transition: struct({ from: 'string', to: 'string' }),
        counted: 'boolean',
      }),
      service: struct({
        service: 'string',
        environment: 'string',
        deployed: 'string',
        known_good: 'string',
        last_rollback_at: 'string',
      }),
      pause: struct({ reason: 'string', by: 'string', since: 'string', until: 'string' }),
    }),
    comment: "what the run remembered: the monitor's state after it, the service's versions, a pause",
  },
  { name: 'notes', type: array('string'), comment: 'facts that fit nowhere else' },
  { name: 'decided_by', type: 'string', comment: "the watch window's rule that decided a deploy" },
  { name: 'window', type: WINDOW, comment: "a deploy's watch window and its rounds" },
  {
    name: 'chain',
    type: struct({ sequence: 'bigint', previous_sha256: 'string', previous_uri: 'string' }),
    comment: 'the record before this one in its chain',
  },
];
