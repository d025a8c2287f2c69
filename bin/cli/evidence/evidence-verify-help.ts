// `rollgate evidence verify --help`.

export const EVIDENCE_VERIFY_HELP = `Usage: rollgate evidence verify (--service S --environment E | --monitor M) [--since SPAN|TIME]
                                [--bucket B | --evidence-dir DIR] [--table T | --state-dir DIR] [--json]

Proves a chain of evidence records complete and unedited. Every record of a service in an environment
(deploys/S/E) or of a monitor (checks/M) names the SHA-256 and URI of the record before it; the newest one's
hash is kept as the chain's head in the state store. verify walks the chain from the head back and names
every record that is missing (a gap, or a head pointing past the newest record), edited (its bytes no longer
hash to what the record after it says), out of order, or off the chain (a fork, a record slipped in), oldest
first: the first is the first bad record.

  --service S --environment E the chain of S's deploys (and gates with --state-dir) in E
  --monitor M                 the chain of monitor M's checks
  --since SPAN|TIME           walk back only to the first record before this (30m, 12h, 7d, 2w, 2026-11-20,
                              2026-11-20T08:00:00Z); older days are not read
  --bucket B                  the records in the stack's evidence bucket (with your AWS credentials), or
  --evidence-dir DIR          in a local directory (default ./artifacts: 'rollgate monitor' and 'rollgate
                              gate --state-dir' write there, or a copy of the bucket)
  --table T                   the head in the stack's state table (its StateTableName output), or
  --state-dir DIR             in a local state directory (default .rollgate/state)
  --json                      the result as JSON: intact, first_bad, problems, head, notes

Runs without a state store (the plain CI gate) keep no chain. verify reads the current version of each
object; on a versioned bucket (and under Object Lock) an edit or a deletion leaves the original as an
older version, which verify names. It needs s3:ListBucket, s3:GetObject (and s3:ListBucketVersions for
the versions note) on the bucket, kms:Decrypt, and dynamodb:BatchGetItem on the table.

Exit codes: 0 intact, 1 broken, nothing to verify, or a read error, 2 usage error.
`;
