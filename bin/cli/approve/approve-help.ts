// `rollgate approve --help` and `rollgate reject --help`, beside the other commands' texts in help-text.ts.

export const APPROVE_HELP = `Usage: rollgate approve --service S --environment E [--run ID] [--by NAME] [--reason TEXT]
                        [--state-dir DIR | --table NAME] [--json]
       rollgate reject  --service S --environment E [--run ID] [--by NAME] [--reason TEXT]
                        [--state-dir DIR | --table NAME] [--json]

Answers a rollback waiting for approval: a service registered with rollback.mode "approve" whose deploy
failed its window. The RollbackAwaitingApproval alert gives the exact command, with the run.

approve   the rollback goes ahead (under the rollback lock, then verified like any other)
reject    no rollback is sent; the failed version stays and the deploy ends failed

The first answer stands. Unanswered by its approvalTimeoutMinutes (default 30), the rollback is not sent
and RollbackRequired is alerted.

  --run ID          the run whose rollback it is, as the alert names it (default: whichever run waits);
                    another run's rollback is not answered
  --by NAME         who answers, for the approval item and the evidence
  --reason TEXT     why (one line, at most 512 characters)
  --state-dir DIR   the state directory the deploy keeps its state in (default .rollgate/state)
  --table NAME      the stack's DynamoDB state table instead, with your AWS credentials and region
                    (npm install @aws-sdk/client-dynamodb beside rollgate)
  --json            print the answered item as JSON

Exit codes: 0 answered (or answered the same way already), 1 nothing waits for approval, it was answered
the other way, or the state store could not be used, 2 usage error.
`;
