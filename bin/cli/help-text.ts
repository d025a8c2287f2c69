// `rollgate --help` and each command's `--help`: gate, monitor, evidence, init, pause and resume.

export const TOP_HELP = `rollgate: post-deploy health gate and synthetic monitor

Usage:
  rollgate gate [options]   probe the runtime URLs, decide passed|failed|skipped, roll back on failure,
                            write evidence (run 'rollgate gate --help' for every option)
  rollgate deploy           judge a deploy (or a release of several) over its watch window, by the stack's
                            workflow or in-process, and wait for the verdict (run 'rollgate deploy --help')
  rollgate monitor          run the config file's monitors here: thresholds, alerts on transitions, evidence
                            and state as the stack's scheduled check (run 'rollgate monitor --help')
  rollgate status           every service and monitor at a glance, worst first: up, down, unknown or
                            paused, versions, what is under way (run 'rollgate status --help')
  rollgate evidence list|latest|show|verify
                            read the evidence of gates, deploys and monitors after an incident, from the
                            stack's bucket or ./artifacts, and prove a chain of it complete and unedited
                            (run 'rollgate evidence --help')
  rollgate report           one self-contained HTML page of a service's or monitor's runs: timeline,
                            latency, uptime, every record a click away (run 'rollgate report --help')
  rollgate init             write a starter rollgate.config.json and print the CI snippets
                            (run 'rollgate init --help')
  rollgate pause|resume     hold back a service's alerts and automatic rollbacks for a while, or end that
                            (run 'rollgate pause --help')
  rollgate approve|reject   answer a rollback waiting for approval (a service in rollback mode "approve")
                            (run 'rollgate approve --help')
  rollgate demo             run a gate against two local services to see what it does
  rollgate demo flapping-service
                            serve a local service that flaps, goes down and recovers, to watch with
                            'rollgate monitor' (run 'rollgate demo flapping-service --help')
  rollgate --version

Exit codes: 0 passed or skipped, 1 failed, 2 usage or configuration error,
            3 skipped with --fail-on-skipped, 4 evidence could not be written,
            130 or 143 a gate stopped by SIGINT or SIGTERM before its verdict (recorded as interrupted).
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

Memory between runs (without --state-dir every run is judged alone, as the CI contract always was):
  --state-dir DIR           keep S/E's state in DIR (with --service and --environment): a passed gate records
                            --expect-version as deployed and known-good; a failed one rolls back to the newest
                            known-good version other than it (ROLLGATE_TARGET_VERSION, ROLLGATE_TARGET_SOURCE),
                            or to none (no rollback, RollbackRequired) before any is known; one rollback at a
                            time (a lock), nothing while 'rollgate pause' holds the service

Watch window (without --window the gate probes once, as it always has):
  --window DURATION         judge over this window (5m; 10s-1h): rounds of probes until a rule decides, then
                            on failure the rollback, verified by a window expecting its target version
  --interval DURATION       from one round's start to the next (default 10s)
  --warmup DURATION         failing rounds starting earlier count toward nothing (default 0s)
  --bake DURATION           no pass before this (default 60s): catches a service that breaks after 40 s
  --success-threshold N     healthy rounds in a row that pass (default 2)
  --failure-threshold N     failing rounds in a row, after the warm-up, that fail (default 3)
  --verify DURATION         the verification window after a successful rollback command (default 2m)
                            Each round is printed as it happens (one updated line on a terminal, nothing extra
                            with --json). With --config --service the service's registered window applies,
                            each flag overriding one setting; in rollback mode "approve" (with --state-dir)
                            the rollback waits for 'rollgate approve'.

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
          failed/invalid_config and failed/prober_unavailable (this machine could not check: out of
          sockets, DNS resolver down, secret or state store out of reach); a gate that cannot check
          never passes.
Exit codes: 0 passed, 0 skipped, 3 skipped with --fail-on-skipped, 1 failed (whether or not the
            rollback succeeded), 2 usage or configuration error, 4 evidence could not be written,
            130 (SIGINT) or 143 (SIGTERM) stopped before its verdict: recorded as failed/interrupted, with
            nothing rolled back; past the verdict, the rollback it decided runs to its end (a second
            signal ends the process at once).
`;

export const EVIDENCE_HELP = `Usage: rollgate evidence list   WHERE WHOSE [WHICH] [--limit N] [--after KEY] [--json]
       rollgate evidence latest WHERE WHOSE [WHICH] [--json]
       rollgate evidence show   WHERE --key K [--json]
       rollgate evidence verify (--service S --environment E | --monitor M) [--since ...] [WHERE]
                                [--table T | --state-dir DIR] [--json]   (see 'rollgate evidence verify --help')

Reads the evidence gates, deploys and monitors wrote: the stack's bucket, or a local evidence directory.

WHERE (one of):
  --bucket B                  the stack's evidence bucket, with your AWS credentials
  --evidence-dir DIR          a local directory (default ./artifacts: what 'rollgate gate' writes to
                              artifacts/rollout/ and 'rollgate monitor' to artifacts/checks/<monitor>/, or a
                              copy of the bucket); any layout, every evidence file in it is read
WHOSE (one of):
  --service S --environment E the deploys and gates of S in E
  --monitor M                 the scheduled checks of monitor M
  --all                       everything
WHICH:
  --since SPAN|TIME           runs started since: 30m, 12h, 7d, 2w back from now, or 2026-11-20, or
                              2026-11-20T08:00:00Z (UTC); older days are not listed at all
  --date YYYY-MM-DD           runs started that day (UTC)
  --status passed|failed|skipped
  --version V                 the deployed (or expected) version; a leading v is ignored
  --commit C                  the deploy's or the CI run's commit, or its first 4+ hex digits

list    prints one line per run, newest first: when, verdict, reason, what, the rollback, and the key of its
        most complete record (the rollback record after a rollback). --limit N runs per page (default 20, at
        most 1000); when there are more, stderr says which --after KEY continues. --json: {"runs": [...],
        "next", "examined", "unreadable"}.
        list --bucket B --prefix P [--limit N] [--json] prints the raw keys under any prefix, as stored.
latest  renders the newest matching run as show does (exit 1 when none matches).
show    renders the record at --key (an S3 key, or a path in the evidence directory) as an operator reads it:
        the verdict and the rule that decided it, each round and target with the conditions it was judged by
        and what each attempt saw, the rollback per host with its verification, alerts with their delivery,
        faults, and the state after the run. --json prints the record as stored.

Filters read the records they test, one GET each on S3: bound them with --since or --date on large buckets.
AWS access uses the default credential chain and region (AWS_PROFILE, AWS_REGION, ...); AWS_ENDPOINT_URL points it
at another endpoint (moto, LocalStack). It needs s3:ListBucket and s3:GetObject on the bucket, and kms:Decrypt for
its key, and the AWS SDK's S3 client installed beside rollgate (npm install @aws-sdk/client-s3).

Exit codes: 0 done, 1 read error (no such key, bucket or directory, access denied, no credentials) or, for
            latest, no matching run, 2 usage error.
`;

export const INIT_HELP = `Usage: rollgate init [--config FILE]

Writes a starter gate config (two example targets with expectations, and a $schema reference to the package's JSON
Schema for editors), says what to change in it, and prints how to run the gate in GitHub Actions, GitLab CI and a
plain shell. An existing file is never overwritten.

  --config FILE   the file to write (default rollgate.config.json); use it as 'rollgate gate --config FILE'
  -h, --help      this text

Exit codes: 0 written, 2 the file already exists or cannot be written, or a usage error.
`;

export const PAUSE_HELP = `Usage: rollgate pause --service S --environment E --for DURATION --reason TEXT [--by NAME]
                      [--state-dir DIR | --table NAME] [--json]
       rollgate resume --service S --environment E [--state-dir DIR | --table NAME]

pause   holds back S in E for DURATION (30s, 30m, 2h, 1d; at most 30 days): gates and monitors still probe and
        write evidence, with the pause in it, but neither alert nor roll back, and monitors do not count
        those runs. The pause ends by itself; a second pause replaces the first.
resume  ends the pause now.

  --state-dir DIR   the state directory 'rollgate gate --state-dir' uses (default .rollgate/state)
  --table NAME      the stack's DynamoDB state table instead, with your AWS credentials and region
                    (AWS_PROFILE, AWS_REGION, ...; AWS_ENDPOINT_URL for moto or LocalStack); it needs
                    dynamodb:BatchGetItem, PutItem and DeleteItem on the table, kms:Decrypt and
                    kms:GenerateDataKey on its key, and the AWS SDK's DynamoDB client installed beside
                    rollgate (npm install @aws-sdk/client-dynamodb)
  --reason TEXT     why, for the evidence and 'rollgate resume' (one line, at most 512 characters)
  --by NAME         who, as you give it
  --json            print the pause item as JSON

Exit codes: 0 done, 1 the state store could not be used, 2 usage error.
`;

export const MONITOR_HELP = `Usage: rollgate monitor [--config FILE] [--monitor NAME]... [--once | --every 60s [--runs N]]
                        [--state-dir DIR] [--evidence-dir DIR] [--rollback-command CMD] [--json]

Runs the monitors of the config file (the stack's rollgate.config.json: a monitor on a registered service
probes its targets and expects its deployed version) as the stack's scheduled check runs them: down after
failureThreshold failing runs in a row, up after successThreshold healthy ones, alerts on transitions only
(one 'ALERT <type> (<severity>): ...' line each on stderr), a rollback only on going down, to the newest
known-good version.

  --config FILE             the config file (default rollgate.config.json)
  --monitor NAME            run only this monitor; repeatable (default: every monitor of the file)
  --once                    one round: each monitor runs once (the default)
  --every DURATION          a round every 30s, 5m, 1h (from 1s to 24h) until SIGINT or SIGTERM, which let
                            the run in progress finish and exit 0
  --runs N                  with --every: stop after N rounds
  --state-dir DIR           where monitors remember (default .rollgate/state; 'rollgate pause' writes there)
  --evidence-dir DIR        evidence goes to DIR/checks/<monitor>/YYYY/MM/DD/<time>.json, as in the stack's
                            bucket, and DIR/checks/<monitor>/latest.json holds the newest (default artifacts)
  --rollback-command CMD    for monitors with rollbackOnFailure: run with /bin/sh -c when one goes down (else
                            its service's rollback.command, else the file's). It gets ROLLGATE_TARGET_VERSION
                            (the known-good version), ROLLGATE_TARGET_SOURCE, ROLLGATE_SERVICE,
                            ROLLGATE_ENVIRONMENT, ROLLGATE_MONITOR, ROLLGATE_STATUS, ROLLGATE_STATUS_REASON,
                            ROLLGATE_FAILED_URLS and ROLLGATE_EXPECTED_VERSION as environment variables.
  --json                    print each run's evidence document, one JSON document a line, instead of a line
                            of summary
  -h, --help                this text

Exit codes (--once, or the last of --runs N): 0 every monitor up or unknown, 1 one is down or its state
could not be kept, 2 usage or configuration error, 4 evidence could not be written; 0 after a signal.
`;

export const REPORT_HELP = `Usage: rollgate report (--service S --environment E | --monitor M | --all) [--since SPAN|TIME | --date DAY]
                       [--bucket B | --evidence-dir DIR] [--out FILE] [--max-runs N]

Writes ONE self-contained HTML page of the runs: a timeline of deploys, verdicts, rollbacks and monitor state
changes, latency per target over time, uptime per day, and every run's full record a click away (the same
rendering as 'rollgate evidence show'). The page loads nothing from anywhere: open it from disk, attach it to a
ticket, archive it with the incident.

  --service S --environment E   S's deploys and gates in E, and the monitors that watch it
  --monitor M                   monitor M's checks
  --all                         everything
  --since SPAN|TIME             runs started since (default 7d): 30m, 12h, 7d, 2w, or a UTC day or time
  --date YYYY-MM-DD             runs started that day (UTC)
  --bucket B                    the stack's evidence bucket (with your AWS credentials, as rollgate evidence)
  --evidence-dir DIR            a local evidence directory (default ./artifacts)
  --out FILE                    where the page goes (default rollgate-report.html)
  --max-runs N                  the newest N runs at most (default 2000, at most 20000)

Exit codes: 0 written, 1 the evidence could not be read or the page written, 2 usage error.
`;

export const DEPLOY_HELP = `Usage: rollgate deploy --service S --environment E --version V [--previous P] [--digest D] [--commit C]
                       [--wait [--timeout 20m]] [--state-machine ARN | --local --config FILE [--state-dir DIR]]
       rollgate deploy --components component-tags.json --environment E [--concurrency 4] [--config FILE] ...

Judges a deploy of a registered service over its watch window, rolls it back if it fails (automatically, or once
approved) and verifies the rollback healed it, as a deploy event does.

Where it is judged:
  --state-machine ARN       the stack's deploy workflow (its DeployWorkflowArn output; else
                            ROLLGATE_DEPLOY_WORKFLOW_ARN), started with your AWS credentials
                            (states:StartExecution, and with --wait states:DescribeExecution and
                            states:GetExecutionHistory; s3:GetObject on deploys/ and kms:Decrypt to copy the
                            record). Needs npm install @aws-sdk/client-sfn.
  --local                   in this process, by the same deploy flow: the service as --config registers it,
                            its rollback.command, state in --state-dir (default .rollgate/state). Always waits.

What is deployed:
  --service S --environment E --version V
                            the deploy (S must be registered for E)
  --previous P              the version it replaced (the rollback's target while none is known-good)
  --digest D, --commit C    the image digest (sha256:...) and commit, recorded with the version
  --components FILE         a release: the GitOps component-tags.json, {"api": {"tag": "1.7.3", "sha": "abc1234",
                            "digest": "sha256:..."}, ...}; each component registered for E (per --config, when
                            given) is judged as its own deploy, --concurrency at once (default 4); the release
                            passes only if every one passes. Evidence per component in DIR/<component>/, the
                            summary in DIR/release.json and HEALTH_GATE_STATUS in DIR/health-gate.env.

Waiting:
  --wait                    follow the workflow to its verdict: a line per round (one updated line on a
                            terminal), then the summary; health-gate.json/.env as rollgate gate writes them.
                            Without it, prints the execution and its console page, and exits 0.
  --timeout DURATION        stop waiting after this long (default 20m; 90s, 20m, 2h): exit 1, the workflow goes on
  --evidence-dir DIR        where health-gate.json/.env go (default artifacts/rollout)
  --json                    the execution's answer (or the evidence document, --local) instead of the summary

Exit codes: 0 passed, 1 failed (or no verdict: the workflow broke, or --timeout came first), 2 usage or
configuration error (a service the stack does not register included), 130 or 143 SIGINT or SIGTERM
stopped the following (the workflow goes on; a release starts no further component).
`;
