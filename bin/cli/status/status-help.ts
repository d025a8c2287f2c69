// `rollgate status --help`.

export const STATUS_HELP = `Usage: rollgate status [--table T | --state-dir DIR] [--json | --watch [SPAN] [--runs N]]

One table of every service (in each environment) and monitor the state store knows, worst first:
  STATE         down, unknown, paused (with what it is under the pause) or up
  SINCE         when that state began
  LAST VERDICT  the last run's verdict and when
  DEPLOYED, KNOWN-GOOD
                the version last deployed through Rollgate and the newest that passed (a monitor shows its
                service's)
  UNDER WAY     a deploy in progress, a rollback holding the lock, or a rollback awaiting approval
  LAST ALERT    when a monitor last alerted (MonitorDown, MonitorStillDown, MonitorRecovered)
A monitor is down once it failed failureThreshold runs in a row; a service is down when its last deploy failed
and no rollback made another version the deployed one since; unknown before any verdict or when the prober
could not check. The state is coloured on a terminal (not with NO_COLOR).

  --table T        the stack's state table (its StateTableName output), with your AWS credentials
  --state-dir DIR  a local state directory (default .rollgate/state: what 'rollgate gate --state-dir' and
                   'rollgate monitor' keep)
  --json           the rows as JSON, exact times, for scripts
  --watch [SPAN]   redraw every SPAN (default 2s, 1s to 60m) until Ctrl-C; the screen is cleared on a terminal
  --runs N         with --watch: stop after N refreshes

With --table it needs dynamodb:Query on the table's byKind index and kms:Decrypt for its key, and the AWS
SDK's DynamoDB client installed beside rollgate (npm install @aws-sdk/client-dynamodb).

Exit codes: 0 nothing down (up, unknown and paused are not down), 1 something is down or the state could not
            be read, 2 usage error. With --watch, those of the last refresh.
`;
