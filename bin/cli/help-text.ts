// `rollgate --help`, `rollgate gate --help`, `rollgate evidence --help` and `rollgate init --help`.

export const TOP_HELP = `rollgate: post-deploy health gate and synthetic monitor

Usage:
  rollgate gate [options]   probe the runtime URLs, decide passed|failed|skipped, roll back on failure,
                            write evidence (run 'rollgate gate --help' for every option)
  rollgate evidence list|show
                            read the S3 evidence of deploy gates and scheduled checks after an incident
                            (run 'rollgate evidence --help')
  rollgate init             write a starter rollgate.config.json and print the CI snippets
                            (run 'rollgate init --help')
  rollgate demo             run a gate against two local services to see what it does
  rollgate --version

Exit codes: 0 passed or skipped, 1 failed, 2 usage or configuration error,
            3 skipped with --fail-on-skipped, 4 evidence could not be written.
`;

export const GATE_HELP = `Usage: rollgate gate [options]

Probes every URL, decides the verdict and, when it fails, runs the rollback command once.
Evidence is written for every outcome, before the process exits.

Targets and rollback (flags override --config, which overrides the environment):
  --url URL                 a URL to probe; repeatable; each value may be a comma list
                            (else RUNTIME_HEALTH_URLS: commas or newlines)
  --rollback-command CMD    run with /bin/sh -c when the gate fails (else RUNTIME_ROLLBACK_COMMAND).
                            It gets ROLLGATE_STATUS, ROLLGATE_STATUS_REASON, ROLLGATE_FAILED_URLS and
                            ROLLGATE_EXPECTED_VERSION as environment variables, never in the command string.
  --rollback-timeout-ms N   stop the rollback after N ms (default 300000)
  --expect-version V        the version every target must report (else RUNTIME_EXPECTED_VERSION);
                            a leading v is ignored on both sides
  --config FILE             JSON settings: {"targets":[{"url","name","headers","expect"}],"expectedVersion",
                            "timeoutMs","retries","backoffMs","concurrency","failOnSkipped","rollback":{...}}
                            Header values may be "\${ENV_NAME}" references; they are never written anywhere.
  --service S --environment E
                            gate service S in E as registered under "services" in --config (the stack's
                            rollgate.config.json): its targets, probe budget and rollback.command

Probing:
  --timeout-ms N            per attempt, covering connect, headers and body (default 5000)
  --retries N               extra attempts after a failed one (default 2)
  --backoff-ms N            pause between attempts (default 250)
  --concurrency N           targets probed at once (default 256, at most 512)

Policy and output:
  --fail-on-skipped         exit 3 when no URLs are configured (also ROLLGATE_FAIL_ON_SKIPPED=true)
  --evidence-dir DIR        where health-gate.json and health-gate.env go (default artifacts/rollout)
  --dry-run                 validate the settings and the rollback program; probe nothing, run nothing
  --json                    print the evidence JSON on stdout instead of the summary
  -h, --help                this text

Verdicts: passed/all_probes_healthy, failed/probe_failures, skipped/no_urls_configured,
          failed/invalid_config (a gate that cannot check never passes).
Exit codes: 0 passed, 0 skipped, 3 skipped with --fail-on-skipped, 1 failed (whether or not the
            rollback succeeded), 2 usage or configuration error, 4 evidence could not be written.
`;

export const EVIDENCE_HELP = `Usage: rollgate evidence list --bucket B (--prefix P | --service S --environment E [--date YYYY-MM-DD]
                                          | --monitor M) [--limit N] [--json]
       rollgate evidence show --bucket B --key K [--json]

Reads the evidence the deploy gate and the scheduled checks wrote to S3.

list   prints the evidence keys under a prefix, newest first, one per line (--json: a JSON array).
         --prefix P                  any key prefix, e.g. deploys/checkout/prod/2026/11/23/
         --service S --environment E deploys/S/E/, with --date YYYY-MM-DD (UTC) that day only
         --monitor M                 checks/M/
         --limit N                   only the N newest keys
show   prints the summary a gate prints for the document at --key (--json: the document as stored).
         A .rollback.json key is the run after its rollback; it names its verdict record.

AWS access uses the default credential chain and region (AWS_PROFILE, AWS_REGION, ...); AWS_ENDPOINT_URL points it
at another endpoint (moto, LocalStack). It needs s3:ListBucket and s3:GetObject on the bucket, and kms:Decrypt for
its key, and the AWS SDK's S3 client installed beside rollgate (npm install @aws-sdk/client-s3).

Exit codes: 0 done, 1 AWS error (no such key or bucket, access denied, no credentials), 2 usage error.
`;

export const INIT_HELP = `Usage: rollgate init [--config FILE]

Writes a starter gate config (two example targets with expectations, and a $schema reference to the package's JSON
Schema for editors), says what to change in it, and prints how to run the gate in GitHub Actions, GitLab CI and a
plain shell. An existing file is never overwritten.

  --config FILE   the file to write (default rollgate.config.json); use it as 'rollgate gate --config FILE'
  -h, --help      this text

Exit codes: 0 written, 2 the file already exists or cannot be written, or a usage error.
`;
